"""Readers' personal data: retention, export and erasure.

Akismet receives each commenter's IP address and browser user agent, so we keep them only
as long as spam fighting needs them:

- `anonymise_old_comments()` blanks the IP address and user agent (in the comment and in
  the stored Akismet payload) of comments older than COMMENTS_IP_RETENTION_DAYS. The
  maintenance scheduler runs it daily (`comments.tasks.anonymise_old_comments`); editors can run it
  as `manage.py anonymise_comments`.
- `export_comments(email)` and `erase_comments(email)` are the comments' share of a
  data-subject request, registered with `core.personal_data`; `record_request` keeps the
  log of requests handled. The request itself, across apps, is `core.data_requests`.

Erasure deletes the person's comments through `comments.workflow.deletion`: replies that other
readers wrote to them are kept and move to their nearest surviving ancestor. The erasure itself is
recorded as an event that names no one, so the record holds no personal data.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Func, JSONField, Q, Value
from django.utils import timezone
from django.utils.translation import ngettext

from comments.models import Comment, CommentEvent
from comments.rules import conf
from comments.workflow.deletion import delete_comments
from core import personal_data

BATCH_SIZE = 2000
RETENTION_ACTOR = "retention"
ERASURE_ACTOR = "data request"
# The keys of the stored Akismet payload that identify the reader's connection.
PAYLOAD_PERSONAL_KEYS = ("user_ip", "user_agent")


def comments_with_connection_data():
    return Comment.objects.filter(
        Q(ip_address__isnull=False)
        | ~Q(user_agent="")
        | (Q(akismet_payload__has_key="user_ip") & ~Q(akismet_payload__user_ip=""))
        | (Q(akismet_payload__has_key="user_agent") & ~Q(akismet_payload__user_agent=""))
    )


def anonymise_old_comments(days: int | None = None, *, now=None) -> int:
    """Blank IP address and user agent of comments older than `days`; return how many."""
    days = conf.ip_retention_days() if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = comments_with_connection_data().filter(submitted_at__lt=cutoff)
    reason = f"IP address and user agent removed after {days} days."
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                old.select_for_update().order_by("pk").values_list("pk", "status")[:BATCH_SIZE]
            )
            if not batch:
                return total
            _blank_connection_data([pk for pk, _status in batch])
            CommentEvent.objects.bulk_create(
                CommentEvent(
                    comment_id=pk,
                    action=CommentEvent.Action.ANONYMISED,
                    actor_label=RETENTION_ACTOR,
                    from_status=status,
                    to_status=status,
                    reason=reason,
                )
                for pk, status in batch
            )
        total += len(batch)


def _blank_connection_data(pks) -> None:
    blanks = Value(dict.fromkeys(PAYLOAD_PERSONAL_KEYS, ""), output_field=JSONField())
    comments = Comment.objects.filter(pk__in=pks)
    comments.update(ip_address=None, user_agent="")
    # jsonb `||` overwrites the two keys and keeps the rest of what was sent to Akismet, so
    # later spam/ham reports still resend the same comment.
    comments.exclude(akismet_payload={}).update(
        akismet_payload=Func(
            F("akismet_payload"), blanks, template="%(expressions)s", arg_joiner=" || "
        )
    )


def comments_by_email(email: str):
    return Comment.objects.filter(author_email__iexact=email.strip())


def export_comments(email: str) -> list[dict]:
    """Return everything stored about the comments written with `email`."""
    comments = (
        comments_by_email(email)
        .with_post()
        .select_related("proposed_edit")
        .prefetch_related("events")
    )
    return [
        {
            "id": comment.pk,
            "post": comment.post.title,
            "post_url": f"{settings.SITE_URL}{comment.post.get_absolute_url()}",
            "in_reply_to": comment.parent_id,
            "author_name": comment.author_name,
            "author_email": comment.author_email,
            "author_url": comment.author_url,
            "content": comment.content,
            "submitted_at": comment.submitted_at.isoformat(),
            "status": comment.status,
            "ip_address": comment.ip_address,
            "user_agent": comment.user_agent,
            "referrer": comment.referrer,
            "sent_to_akismet": comment.akismet_payload,
            "akismet_verdict": comment.spam_verdict,
            "edit_awaiting_review": _proposed_edit(comment),
            "history": [
                {
                    "when": event.created_at.isoformat(),
                    "action": event.action,
                    "by": event.actor_label,
                    "from": event.from_status,
                    "to": event.to_status,
                    "reason": event.reason,
                }
                for event in comment.events.all()
            ],
        }
        for comment in comments.order_by("submitted_at", "pk")
    ]


def _proposed_edit(comment) -> dict | None:
    proposal = getattr(comment, "proposed_edit", None)
    if proposal is None:
        return None
    return {
        "author_name": proposal.author_name,
        "author_email": proposal.author_email,
        "author_url": proposal.author_url,
        "content": proposal.content,
        "proposed_at": proposal.proposed_at.isoformat(),
    }


def count_for_email(email: str) -> int:
    return comments_by_email(email).count()


def describe(n: int) -> str:
    return ngettext("%(n)d comment", "%(n)d comments", n) % {"n": n}


def record_request(kind: str, held: dict[str, int], actor) -> None:
    """Record that a data request was handled, without naming the person it was about."""
    CommentEvent.objects.create(
        action=CommentEvent.Action.DATA_REQUEST,
        actor=actor,
        actor_label=actor.get_username(),
        reason=f"{kind}: {personal_data.describe(held)}.",
    )


@transaction.atomic
def erase_comments(email: str) -> int:
    """Delete the comments written with `email`, keeping others' replies; return how many."""
    # Their admin log goes with them: entries written before comments named no one in it.
    personal_data.forget_admin_history(
        Comment, comments_by_email(email).values_list("pk", flat=True)
    )
    return delete_comments(
        comments_by_email(email),
        actor_label=ERASURE_ACTOR,
        describe=lambda ids: (
            ngettext(
                "Erased %(n)d comment (ids %(ids)s) at its author's request.",
                "Erased %(n)d comments (ids %(ids)s) at their author's request.",
                len(ids),
            )
            % {"n": len(ids), "ids": ", ".join(map(str, sorted(ids)))}
        ),
    )
