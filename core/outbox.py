"""The one retry outbox: what the site owes someone outside a request, sent and retried here.

Subscriber email (`subscriptions.Delivery`), the editors' email about a comment waiting in the
queue (`comments.ModeratorNotice`) and the spam and ham reports an editor's decision owes
Akismet (`comments.AkismetReport`) are each a row of a model built on `Message`. Each app
registers its model with an `Outbox` that says how to send one and how long to keep trying
(`register`, from its AppConfig.ready()). Then one engine, for all of them:

- hands a message to the task worker when the transaction that queued it commits, at its
  `send_after` (`queue`);
- claims it in one UPDATE before sending it, so a twin task or the sweep finds nothing left;
- records a failure, and tries again 1, 2, 4 … minutes later (`core.backoff`) up to the
  outbox's cap, until it has tried `max_attempts` times; then it gives up;
- every few minutes sends whatever is due that no task is carrying: held messages, retries,
  tasks lost with a worker and claims older than `STALE_CLAIM` (`send_due`).

A sender returns `SENT`, `CANCELLED` (nothing left to say), or `Hold(wait)` to wait without
the attempt counting; it raises to fail, and the admin shows the error.

The spam check is retried on the same schedule (`Retry`, `hand_over`), but its state is the
comment's own ("Awaiting spam check" in the queue), so it lives on the comment, not here.
"""

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from .backoff import backoff

logger = logging.getLogger(__name__)

# A claim older than this was lost with its worker: the sweep sends the message again.
STALE_CLAIM = timedelta(minutes=10)
# How often the sweep runs (`core.apps`), and how many messages of each kind one run sends.
SWEEP_EVERY = timedelta(minutes=5)
SWEEP_LIMIT = 500


class Message(models.Model):
    """Something owed to someone outside a request, kept until it is sent or given up."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed, gave up")
        CANCELLED = "cancelled", _("Not sent: nothing left to say")

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="queued")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Not before: a held message waits for its moment, a failed one its backoff.
    send_after = models.DateTimeField(_("not before"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        abstract = True


SENT = Message.State.SENT
CANCELLED = Message.State.CANCELLED


@dataclass(frozen=True)
class Hold:
    """A sender's answer: not yet, try again after `wait` (not counted as an attempt)."""

    wait: timedelta
    why: str


@dataclass(frozen=True)
class Retry:
    """How long to keep trying: backoff up to `cap`, at most `max_attempts` (None: forever)."""

    cap: timedelta
    max_attempts: int | None = None

    def delay(self, attempts: int) -> timedelta:
        """Return the wait after the `attempts`-th failure in a row."""
        return backoff(attempts, cap=self.cap)

    def gives_up(self, attempts: int) -> bool:
        return self.max_attempts is not None and attempts >= self.max_attempts


@dataclass(frozen=True)
class Outbox:
    """One kind of message: its model, how to send one, and how long to keep trying."""

    model: type[Message]
    send: Callable[[Message], object]
    retry: Retry
    # What a sender reads beyond the row, fetched with it.
    select_related: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.model._meta.label


OUTBOXES: dict[str, Outbox] = {}


def register(outbox: Outbox) -> None:
    """Put a kind of message in the outbox (from its app's AppConfig.ready())."""
    OUTBOXES[outbox.label] = outbox


def queue(*messages: Message) -> None:
    """Hand stored messages of one kind to the worker once this transaction commits.

    Those due now go as one task (an editor's bulk move owes Akismet a report per comment);
    each held one (a follow-up digest) goes at its own `send_after`. The sweep is the net.
    """
    if not messages:
        return
    label, now = messages[0]._meta.label, timezone.now()
    due_now = [message.pk for message in messages if message.send_after <= now]
    if len(due_now) == 1:
        hand_over(deliver, now, label, due_now[0])
    elif due_now:
        hand_over(deliver_all, now, label, due_now)
    for message in messages:
        if message.send_after > now:
            hand_over(deliver, message.send_after, label, message.pk)


def hand_over(task_to_run, when: datetime, *args) -> None:
    """Queue `task_to_run(*args)` to run at `when`, once this transaction commits.

    A backend without deferred tasks (the test suite's runs them at once) gets only what is
    due now; the sweep (`send_due`, `comments.tasks.recheck_overdue`) runs the rest.
    """

    def enqueue():
        if task_to_run.get_backend().supports_defer:
            task_to_run.using(run_after=when).enqueue(*args)
        elif when <= timezone.now():
            task_to_run.enqueue(*args)

    # Robust: a queue that cannot take it leaves the work to the sweep.
    transaction.on_commit(enqueue, robust=True)


def due(model, now=None):
    """The messages of `model` a worker should send now."""
    now = now or timezone.now()
    State = Message.State
    return model.objects.filter(
        Q(state__in=[State.QUEUED, State.FAILED], send_after__lte=now)
        | Q(state=State.SENDING, send_after__lte=now - STALE_CLAIM)
    )


@task()
def deliver(label: str, pk: int) -> str:
    """Send one message if it is due; on failure, schedule the next try or give up."""
    outbox = OUTBOXES[label]
    model = outbox.model
    now = timezone.now()
    # Claimed in one UPDATE: a twin of this task, or the sweep, finds nothing left to send.
    claimed = (
        due(model, now)
        .filter(pk=pk)
        .update(state=Message.State.SENDING, send_after=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    message = model.objects.select_related(*outbox.select_related).filter(pk=pk).first()
    if message is None:
        return "gone"  # deleted meanwhile (an erased reader, a deleted comment)
    try:
        answer = outbox.send(message)
    except Exception as error:
        # Whatever went wrong (the server, or building the message), it is retried and the
        # admin shows the error.
        return _failed(outbox, message, error)
    if isinstance(answer, Hold):
        return _hold(message, answer)
    fields = {"sent_at": timezone.now()} if answer == SENT else {}
    model.objects.filter(pk=pk).update(state=answer, last_error="", **fields)
    return str(answer)


def _hold(message, hold: Hold) -> str:
    send_at = timezone.now() + hold.wait
    # Not a failed attempt: give back the attempt the claim counted.
    type(message).objects.filter(pk=message.pk).update(
        state=Message.State.QUEUED, send_after=send_at, attempts=F("attempts") - 1
    )
    hand_over(deliver, send_at, message._meta.label, message.pk)
    return f"held: {hold.why}"


def _failed(outbox: Outbox, message, error: Exception) -> str:
    logger.warning("Could not send %s %s: %s", outbox.label, message.pk, error)
    gave_up = outbox.retry.gives_up(message.attempts)
    retry_at = timezone.now() + outbox.retry.delay(message.attempts)
    type(message).objects.filter(pk=message.pk).update(
        state=Message.State.GAVE_UP if gave_up else Message.State.FAILED,
        last_error=f"{type(error).__name__}: {error}"[:1000],
        send_after=retry_at,
    )
    if gave_up:
        return "gave up"
    hand_over(deliver, retry_at, outbox.label, message.pk)
    return "failed: will retry"


def send_again(queryset) -> int:
    """Queue the unsent messages among `queryset` to be sent now, afresh; return how many.

    Failed ones, given-up ones and waiting ones (a report held until Akismet has a key);
    not one being sent this moment, nor one sent or cancelled.
    """
    unsent = [Message.State.QUEUED, Message.State.FAILED, Message.State.GAVE_UP]
    pks = list(queryset.filter(state__in=unsent).order_by("pk").values_list("pk", flat=True))
    queryset.filter(pk__in=pks).update(
        state=Message.State.QUEUED, attempts=0, send_after=timezone.now()
    )
    queue(*queryset.model.objects.filter(pk__in=pks).order_by("pk"))
    return len(pks)


@task()
def deliver_all(label: str, pks: list[int]) -> dict:
    """Send the messages `queue` handed over together; say how many had each outcome."""
    return dict(Counter(deliver.call(label, pk) for pk in pks))


@task()
def send_due(limit: int = SWEEP_LIMIT) -> dict:
    """Send every due message of every kind: held ones, retries, and lost tasks."""
    sent = {}
    for label, outbox in OUTBOXES.items():
        pks = due(outbox.model).order_by("send_after").values_list("pk", flat=True)[:limit]
        sent[label] = deliver_all.call(label, list(pks)).get(SENT, 0)
    return sent
