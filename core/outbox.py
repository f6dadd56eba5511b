"""The one retry outbox: what the site owes someone outside a request, sent and retried here.

Subscriber email (`subscriptions.Delivery`), the editors' email and chat message about a
comment waiting in the queue (`comments.ModeratorNotice`, `comments.WebhookNotice`) and the
spam and ham reports an editor's decision owes Akismet (`comments.AkismetReport`) are each a
row of a model built on `Message`. Each app registers its model with an `Outbox` that says how
to send one and how long to keep trying (`register`, from its AppConfig.ready()). The row is
the queue entry: no task row is written. Then one woken job (`core.workers`), for all of them:

- `queue` wakes the task workers on `CHANNEL` when the transaction that stored the messages
  commits (`pg_notify`: never if it rolls back);
- a woken worker `send_due`s: for each kind it claims up to `BATCH` due messages in one
  `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING`, which leases
  them (state "sending", `send_after` the lease's end): two workers never share a message,
  and one claimed by a worker that died is claimed again once its lease ends;
- it sends the batch and records the outcomes together, one UPDATE per outcome, only for the
  messages it still holds;
- a failure is tried again 1, 2, 4 … minutes later (`core.backoff`) up to the outbox's cap,
  until it has been tried `max_attempts` times; then it gives up (`Retry`);
- the workers wake by themselves when the next held message, retry or lease is due
  (`next_due`): no deferred task and no sweep.

The batch is sent in order, on the worker's thread: the senders read and write rows (the
comment's `notified_at`, its history, the discussion settings), Django's connections are one
per thread, and the email share one mail server; the two listening workers (`core.workers`)
share a wave between them, as the spam check's do.

A sender returns `SENT`, `CANCELLED` (nothing left to say), or `Hold(wait)` to wait without
the attempt counting; it raises to fail, and the admin shows the error.

The spam check is retried on the same schedule (`Retry`), but its state is the comment's own
("Awaiting spam check" in the queue), so it lives on the comment, not here.
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .backoff import backoff
from .workers import wake

logger = logging.getLogger(__name__)

# The PostgreSQL channel that wakes the workers when messages are stored.
CHANNEL = "outbox"
# Messages of one kind claimed at once, and sent one after another under one lease.
BATCH = 8


def lease() -> timedelta:
    """How long a claim holds: a live worker sends a whole batch well within it."""
    # Each send waits at most its connection's timeout on each step; a batch, BATCH of them.
    slowest = max(settings.EMAIL_TIMEOUT, settings.AKISMET_TIMEOUT)
    return timedelta(seconds=BATCH * slowest + 10)


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
    """Wake the workers to send stored messages once this transaction commits.

    Those due now go at once; a held one (a follow-up digest) at its `send_after`, which the
    woken workers see in `next_due`.
    """
    if messages:
        wake(CHANNEL)


_WAITING = (Message.State.QUEUED, Message.State.FAILED, Message.State.SENDING)

_CLAIM = """
UPDATE {table} SET state = %(sending)s, send_after = %(until)s, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM {table}
    WHERE state = ANY(%(waiting)s) AND send_after <= %(now)s
      AND (%(only)s::bigint[] IS NULL OR id = ANY(%(only)s::bigint[]))
    ORDER BY send_after
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
RETURNING id
"""


def claim(outbox: Outbox, limit: int = BATCH, only=None, due_by: datetime | None = None):
    """Lease up to `limit` due messages of one kind; return them and the lease's end.

    Due (by `due_by`, else now): queued or failed ones whose `send_after` has come, and those
    whose lease has ended (their worker died sending them).
    """
    now = timezone.now()
    until = now + lease()
    with connection.cursor() as cursor:
        # The table is a registered model's; every value is a parameter.
        cursor.execute(
            _CLAIM.format(table=connection.ops.quote_name(outbox.model._meta.db_table)),
            {
                "sending": Message.State.SENDING,
                "until": until,
                "waiting": list(_WAITING),
                "now": due_by or now,
                "only": list(only) if only is not None else None,
                "limit": limit,
            },
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    if not ids:
        return [], until
    messages = outbox.model.objects.select_related(*outbox.select_related).filter(pk__in=ids)
    return list(messages.order_by("send_after", "pk")), until


def send_due() -> dict[str, int]:
    """Send every due message of every kind, batch by batch; say how many of each kind went."""
    sent = {}
    # Only what was due when this run began: a message held again meanwhile waits its turn.
    began = timezone.now()
    for label, outbox in OUTBOXES.items():
        outcomes = Counter()
        while True:
            messages, until = claim(outbox, due_by=began)
            if messages:
                outcomes.update(send_batch(outbox, messages, until).values())
            if len(messages) < BATCH:
                # None left; what is stored meanwhile wakes the workers again.
                break
        sent[label] = outcomes[str(SENT)]
    return sent


def deliver(label: str, pk: int) -> str:
    """Send one message now if it is due; say what became of it."""
    outbox = OUTBOXES[label]
    messages, until = claim(outbox, 1, only=[pk])
    if not messages:
        return "skipped"
    return send_batch(outbox, messages, until)[pk]


def next_due() -> datetime | None:
    """Return when the next message is due (held, retried, or its lease ending), or None."""
    dues = [
        outbox.model.objects.filter(state__in=_WAITING).aggregate(due=models.Min("send_after"))[
            "due"
        ]
        for outbox in OUTBOXES.values()
    ]
    return min((due for due in dues if due is not None), default=None)


def send_batch(outbox: Outbox, messages, until) -> dict[int, str]:
    """Send claimed messages one by one and record the outcomes together; say each one's."""
    answers = {}
    for message in messages:
        try:
            answers[message.pk] = outbox.send(message)
        except Exception as error:
            # Whatever went wrong (the server, or building the message), it is retried and the
            # admin shows the error.
            logger.warning("Could not send %s %s: %s", outbox.label, message.pk, error)
            answers[message.pk] = error
    return _record(outbox, messages, answers, until)


def _record(outbox: Outbox, messages, answers: dict, until) -> dict[int, str]:
    # Only the messages this worker still holds: a lease that ended went to another worker.
    held_here = outbox.model.objects.filter(state=Message.State.SENDING, send_after=until)
    now = timezone.now()
    labels = {}
    for outcome in (SENT, CANCELLED):
        done = [pk for pk, answer in answers.items() if answer == outcome]
        fields = {"sent_at": now} if outcome == SENT else {}
        held_here.filter(pk__in=done).update(state=outcome, last_error="", **fields)
        labels.update((pk, str(outcome)) for pk in done)
    holds = defaultdict(list)
    for pk, answer in answers.items():
        if isinstance(answer, Hold):
            holds[answer].append(pk)
            labels[pk] = f"held: {answer.why}"
    for hold, pks in holds.items():
        # Not a failed attempt: give back the attempt the claim counted.
        held_here.filter(pk__in=pks).update(
            state=Message.State.QUEUED, send_after=now + hold.wait, attempts=F("attempts") - 1
        )
    failed = [m for m in messages if isinstance(answers[m.pk], Exception)]
    if failed:
        _record_failures(outbox, held_here, failed, answers, now)
        labels.update(
            (m.pk, "gave up" if outbox.retry.gives_up(m.attempts) else "failed: will retry")
            for m in failed
        )
    return labels


def _record_failures(outbox: Outbox, held_here, failed, answers: dict, now) -> None:
    def each(value_of):
        return Case(*(When(pk=m.pk, then=Value(value_of(m))) for m in failed))

    held_here.filter(pk__in=[m.pk for m in failed]).update(
        state=each(
            lambda m: (
                Message.State.GAVE_UP if outbox.retry.gives_up(m.attempts) else Message.State.FAILED
            )
        ),
        last_error=each(lambda m: f"{type(answers[m.pk]).__name__}: {answers[m.pk]}"[:1000]),
        send_after=each(lambda m: now + outbox.retry.delay(m.attempts)),
    )


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
