from datetime import timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.rules.statuses import DELETABLE
from core.outbox import Message

# An unconfirmed request (follow-ups, or an approval notice) is forgotten after this long.
CONFIRM_WITHIN = timedelta(days=7)


class SubscriptionQuerySet(models.QuerySet):
    def for_email(self, email: str):
        return self.filter(email__iexact=email.strip())

    def follow_ups(self):
        return self.filter(kind=Subscription.Kind.FOLLOW_UPS)

    def confirmed(self):
        return self.follow_ups().filter(confirmed_at__isnull=False)

    def awaiting_confirmation(self, now=None):
        """Requests of either kind whose confirmation link has not been followed since asked.

        A confirmed request asked for again (follow-ups of a post, from another comment) waits
        on the address's link once more; what the address confirmed before goes on meanwhile.
        """
        now = now or timezone.now()
        return self.filter(
            Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=F("requested_at")),
            requested_at__gt=now - CONFIRM_WITHIN,
        )

    def expired(self, now=None):
        now = now or timezone.now()
        return self.filter(confirmed_at__isnull=True, requested_at__lte=now - CONFIRM_WITHIN)

    def in_good_standing(self):
        """Exclude requests whose comment was judged spam or thrown away."""
        return self.exclude(comment__status__in=DELETABLE)


class Subscription(models.Model):
    """A reader's request, ticked under their comment, for email about a post's comments."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("When my comment is approved")
        FOLLOW_UPS = "follow_ups", _("Follow-up comments")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    email = models.EmailField(_("email"), max_length=100)
    post = models.ForeignKey(
        "blog.Post", on_delete=models.CASCADE, related_name="+", verbose_name=_("post")
    )
    # The comment whose form asked: its author's data, so erasing the comment erases this.
    comment = models.ForeignKey(
        "comments.Comment",
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("asked with comment"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    # When the reader clicked the link in the confirmation email (an approval request made by
    # an address confirmed before is confirmed when it is made).
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Approval only: when the notice was queued, so it goes once however often it is approved.
    notified_at = models.DateTimeField(_("approval notice queued"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "email"],
                condition=Q(kind="follow_ups"),
                name="subscription_one_follow_up_per_post",
            ),
            models.UniqueConstraint(
                fields=["comment"],
                condition=Q(kind="approval"),
                name="subscription_one_approval_per_comment",
            ),
        ]
        indexes = [
            models.Index(fields=["post", "kind", "confirmed_at"], name="subscription_post_idx"),
            models.Index(fields=["email"], name="subscription_email_idx"),
        ]

    def __str__(self):
        # Names no one: the admin's log keeps this (as `object_repr`) after erasure.
        return f"{self.get_kind_display()} #{self.pk} on post {self.post_id}"


class Delivery(Message):
    """One email to a subscriber, on the site's one outbox (`core.outbox`).

    Follow-ups wait out FOLLOW_UP_EVERY in `send_after`, as failures wait out their backoff.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation request")
        APPROVAL = "approval", _("Approval notice")
        FOLLOW_UP = "follow_up", _("Follow-up comments")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    # The address it went to (confirmations are limited to one a day per address).
    email = models.EmailField(_("to"), max_length=100)
    # Follow-ups: the approved comments this email tells about (a digest after the first).
    # Plain ids, not a relation: deleting a comment never touches this record, and a comment
    # that is gone or no longer approved by sending time is simply left out.
    comment_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("comments")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subscription email")
        verbose_name_plural = _("subscription emails")
        indexes = [
            models.Index(fields=["state", "send_after"], name="delivery_due_idx"),
            models.Index(fields=["email", "kind", "created_at"], name="delivery_email_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"
