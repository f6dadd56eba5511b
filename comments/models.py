from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments.rules import conf

# Defined in its own module; importing it here registers it with the app.
from comments.rules.discussion import DiscussionSettings  # noqa: F401
from comments.rules.markup import comment_plain_text

# Status and its groups are read from here too (`from .models import Status`).
from comments.rules.statuses import DELETABLE, QUEUE, Status
from core.outbox import Message
from core.text import clip

# A post's threads as readers see them are counted again when its visible comments change.
THREADS_SHOWN_KEPT = 24 * 60 * 60


class Verdict(models.TextChoices):
    UNCHECKED = "unchecked", _("Not checked yet")
    HAM = "ham", _("Ham")
    SPAM = "spam", _("Spam")
    DISCARD = "discard", _("Blatant spam (discard)")
    ERROR = "error", _("Check failed")
    SKIPPED = "skipped", _("Not checked")


class CommentQuerySet(models.QuerySet):
    def with_post(self):
        """Read each comment's post along, without its text: tens of kilobytes nobody reads
        when handling a comment (its address, title and dates are what is used)."""
        return self.select_related("post").defer(
            "post__body", "post__body_html", "post__search_vector"
        )

    def approved(self):
        return self.filter(status=Status.APPROVED)

    def awaiting_check(self):
        return self.filter(status=Status.AWAITING_CHECK)

    def in_queue(self):
        """Comments an editor still has to decide: pending, or waiting for Akismet."""
        return self.filter(status__in=QUEUE)

    def in_status(self, *statuses):
        return self.filter(status__in=statuses)

    def deletable(self):
        """Spam and trash: the only comments that may be deleted for good."""
        return self.filter(status__in=DELETABLE)


class Comment(models.Model):
    class Kind(models.TextChoices):
        # WordPress's comment_type: a pingback or trackback is another site linking here.
        COMMENT = "comment", _("Comment")
        PINGBACK = "pingback", _("Pingback")
        TRACKBACK = "trackback", _("Trackback")

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="comments")
    # A reply outlives its parent: `comments.workflow.deletion` moves it up before the parent goes.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="replies"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    author_name = models.CharField(_("name"), max_length=245)
    author_email = models.EmailField(_("email"), max_length=100)
    author_url = models.URLField(_("website"), max_length=200, blank=True)
    content = models.TextField(_("comment"), max_length=65525)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.TextField(_("user agent"), blank=True)
    referrer = models.TextField(_("referrer"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    # A comment moved in from another site keeps its number there, so that site's links to
    # `#comment-N` still land on it: our own ids come from our sequence, never from a file.
    old_number = models.PositiveBigIntegerField(
        _("number on the old site"), null=True, blank=True, editable=False
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_CHECK
    )
    # Why the local rules held or rejected it ("2 links", "moderation word 'casino'",
    # "honeypot", "submitted too fast"), so an editor always knows why it is in the queue.
    hold_reason = models.CharField(_("held because"), max_length=200, blank=True)
    # The status to return to on "Restore" from the trash.
    status_before_trash = models.CharField(max_length=20, choices=Status.choices, blank=True)
    # When the status last changed: spam and trash are purged by how long they sat there.
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)

    spam_verdict = models.CharField(
        _("Akismet verdict"), max_length=10, choices=Verdict.choices, default=Verdict.UNCHECKED
    )
    spam_checked_at = models.DateTimeField(null=True, blank=True)
    check_attempts = models.PositiveSmallIntegerField(default=0)
    # The comment row is the spam check's queue entry (`comments.spam.checker`): due at
    # `next_check_at` (None: nothing due), claimed by one checker until `check_claimed_until`
    # (a dead checker's claim expires), and `check_requested` is an editor's reason to ask
    # Akismet again ("recheck_queue", "edit").
    next_check_at = models.DateTimeField(null=True, blank=True)
    check_claimed_until = models.DateTimeField(null=True, blank=True)
    check_requested = models.CharField(max_length=20, blank=True, default="", db_default="")
    # Exactly what was sent to comment-check, empty until it is sent; spam/ham reports resend
    # it unchanged, and a comment Akismet never saw owes it no report.
    akismet_payload = models.JSONField(default=dict, blank=True)
    # Why the last check failed ("Akismet timed out."), while it is retried or after it gave up.
    check_error = models.CharField(_("last check error"), max_length=200, blank=True)
    # When editors were emailed about it: once per comment, never for spam (the email is a
    # `ModeratorNotice` on the outbox, retried until it goes out or the comment is decided).
    notified_at = models.DateTimeField(_("editors notified"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [
            ("can_moderate", _("Can moderate comments")),
            ("handle_data_requests", _("Can export and erase a reader's data")),
        ]
        indexes = [
            models.Index(fields=["post", "status", "submitted_at"], name="comment_post_status_idx"),
            models.Index(fields=["status", "-submitted_at"], name="comment_status_idx"),
            models.Index(fields=["ip_address", "-submitted_at"], name="comment_ip_idx"),
            models.Index(fields=["author_email", "-submitted_at"], name="comment_email_idx"),
            # The moderation queue and the purge (comments/admin, comments/workflow/purge.py).
            # Covers the dashboard's per-day counts without reading the table.
            models.Index(fields=["submitted_at"], include=["status"], name="comment_submitted_idx"),
            models.Index(fields=["status", "status_changed_at"], name="comment_status_age_idx"),
            models.Index(fields=["status", "id"], name="comment_status_id_idx"),
            models.Index(Upper("author_email"), name="comment_email_upper_idx"),
            # The duplicate rule's other half (comments/intake/policy.py): the same name on the
            # post.
            models.Index(fields=["post", "author_name"], name="comment_post_author_idx"),
            models.Index(fields=["spam_verdict", "status"], name="comment_verdict_idx"),
            # The spam check's queue: only comments with a check due are in it.
            models.Index(
                fields=["next_check_at"],
                condition=models.Q(next_check_at__isnull=False),
                name="comment_check_due_idx",
            ),
            models.Index(
                fields=["author_email"],
                condition=models.Q(status="approved"),
                name="comment_approved_email_idx",
            ),
            # A comment's page (`get_absolute_url`, after every POST and in editors' email)
            # counts the approved threads before it from this index alone, without the table.
            models.Index(
                fields=["post", "submitted_at"],
                condition=models.Q(status="approved", parent__isnull=True),
                name="comment_thread_root_idx",
            ),
        ]

    def __str__(self):
        # Names no one: the admin's log keeps this (as `object_repr`) after erasure.
        return _("Comment #%(id)s") % {"id": self.pk}

    def get_absolute_url(self):
        """Return where the comment is shown: its post, on the comment page of its thread."""
        post_url, anchor = self.post.get_absolute_url(), f"#comment-{self.pk}"
        discussion = conf.discussion()
        if self.post.comment_count < discussion.per_page:
            # Fewer visible comments than a page holds, so fewer earlier threads: page 1,
            # without walking up the thread or counting (feeds and mails ask for many).
            return post_url + anchor
        root = self
        while root.parent_id is not None:
            root = root.parent
        # Threads are shown `per_page` to a page, oldest or newest first (comments.reading.threads).
        shown, newest = threads_shown(self.post)
        if newest is None or root.submitted_at > newest:
            # Begun after every thread shown (a comment just posted): it comes after them all,
            # and no count is needed however long the thread (a spam wave's redirects).
            earlier_threads = 0 if discussion.newest_first else shown
        else:
            before = "submitted_at__gt" if discussion.newest_first else "submitted_at__lt"
            earlier_threads = Comment.objects.filter(
                post_id=self.post_id,
                parent__isnull=True,
                status=Status.APPROVED,
                **{before: root.submitted_at},
            ).count()
        page = earlier_threads // discussion.per_page + 1
        query = f"?cpage={page}" if page > 1 else ""
        return post_url + query + anchor

    def summary(self) -> str:
        """Say who wrote what in whole words, for the editors' pages (never stored)."""
        return _("Comment by %(name)s: “%(words)s”") % {
            "name": clip(self.author_name, 40),
            "words": clip(self.plain_text, 50),
        }

    @property
    def plain_text(self) -> str:
        """Return the comment for plain-text mail and titles: formatting tags left out."""
        return comment_plain_text(self.content)


def threads_shown(post) -> tuple[int, datetime | None]:
    """Return how many threads the post shows readers, and when the newest of them began.

    Kept in the cache under the post's last change of visible comments (`comments_changed_at`),
    so it is read once per change, however many comments arrive that readers do not see yet.
    """
    changed = post.comments_changed_at.timestamp() if post.comments_changed_at else 0
    key = f"comments:threads-shown:{post.pk}:{changed}"
    if (found := cache.get(key)) is not None:
        return found
    roots = Comment.objects.approved().filter(post_id=post.pk, parent__isnull=True)
    counted = roots.aggregate(shown=Count("pk"), newest=Max("submitted_at"))
    found = (counted["shown"], counted["newest"])
    cache.set(key, found, timeout=THREADS_SHOWN_KEPT)
    return found


def tell_posts_comments_changed(post_ids) -> None:
    """Give each post its new visible-comment count (for "N Comments", caches and ETags)."""
    from blog.models import Post

    ids = set(post_ids)
    with transaction.atomic():
        # Lock the posts before counting: a concurrent change that counted first then commits
        # before this count runs, so the last writer always writes the true number.
        posts = Post.objects.filter(pk__in=ids)
        list(posts.select_for_update().order_by("pk").values_list("pk", flat=True))
        # One UPDATE for all of them: an import tells thousands of posts at once.
        visible = (
            Comment.objects.approved()
            .filter(post=OuterRef("pk"))
            .order_by()
            .values("post")
            .annotate(n=Count("pk"))
            .values("n")
        )
        posts.comments_changed(Coalesce(Subquery(visible), 0))


class CommentEvent(models.Model):
    """One change in a comment's life: by a reader, the rules, Akismet, an editor or a purge."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        HELD = "held", _("Held for moderation")
        CHECKED = "checked", _("Checked by Akismet")
        CHECK_FAILED = "check_failed", _("Akismet check failed")
        APPROVED = "approved", _("Approved")
        UNAPPROVED = "unapproved", _("Unapproved")
        MARKED_SPAM = "marked_spam", _("Marked as spam")
        MARKED_HAM = "marked_ham", _("Marked as not spam")
        TRASHED = "trashed", _("Trashed")
        RESTORED = "restored", _("Restored")
        EDITED = "edited", _("Edited")
        REPLIED = "replied", _("Replied to by an editor")
        REPORTED = "reported", _("Reported to Akismet")
        REPORT_FAILED = "report_failed", _("Report to Akismet failed")
        PURGED = "purged", _("Purged")
        ANONYMISED = "anonymised", _("Personal data removed")
        DATA_REQUEST = "data_request", _("Data request handled")

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # "Akismet", "rules", "purge" or the editor's name, kept even if the user is deleted.
    actor_label = models.CharField(_("by"), max_length=150)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment event")
        verbose_name_plural = _("comment events")
        indexes = [models.Index(fields=["action", "created_at"], name="event_action_idx")]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor_label}"


class AkismetReport(Message):
    """A spam or ham report an editor's decision owes Akismet, on the outbox (`core.outbox`)."""

    class Kind(models.TextChoices):
        SPAM = "spam", _("submit-spam")
        HAM = "ham", _("submit-ham")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Akismet report")
        verbose_name_plural = _("Akismet reports")
        indexes = [models.Index(fields=["state", "send_after"], name="report_due_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} for comment {self.comment_id} ({self.state})"


class ModeratorNotice(Message):
    """The editors' one email about a comment that reached the moderation queue."""

    comment = models.OneToOneField(
        Comment,
        on_delete=models.CASCADE,
        related_name="moderator_notice",
        verbose_name=_("comment"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("email to the editors")
        verbose_name_plural = _("emails to the editors")
        indexes = [models.Index(fields=["state", "send_after"], name="notice_due_idx")]

    def __str__(self):
        return f"Editors' email about comment {self.comment_id} ({self.get_state_display()})"


class ProposedEdit(models.Model):
    """A reader's edit of their approved comment that waits for an editor.

    The approved text stays public meanwhile; an editor approves the change (it replaces the
    text) or refuses it (the text stays as it was), through `comments.workflow.writer`.
    """

    comment = models.OneToOneField(
        Comment,
        on_delete=models.CASCADE,
        related_name="proposed_edit",
        verbose_name=_("comment"),
    )
    author_name = models.CharField(_("name"), max_length=245)
    author_email = models.EmailField(_("email"), max_length=100)
    author_url = models.URLField(_("website"), max_length=200, blank=True)
    content = models.TextField(_("comment"), max_length=65525)
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    hold_reason = models.CharField(_("held because"), max_length=200, blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        verbose_name = _("edit awaiting review")
        verbose_name_plural = _("edits awaiting review")

    def __str__(self):
        # Names no one, like the comment's own title.
        return _("Edit of comment #%(id)s") % {"id": self.comment_id}


class DailyCount(models.Model):
    """A change in how many comments submitted on a day have a status and verdict.

    The workflow writes +1 and -1 rows as comments come in and move (`comments.workflow.tally`), and
    deleting a comment writes none, so the dashboard's figures (the sums) outlive the purge.
    """

    day = models.DateField(_("day submitted"))
    status = models.CharField(max_length=20, choices=Status.choices)
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily comment count")
        verbose_name_plural = _("daily comment counts")
        indexes = [models.Index(fields=["day"], name="daily_count_day_idx")]

    def __str__(self):
        return f"{self.day}: {self.count:+d} {self.status}/{self.verdict}"


class AkismetKeyCheck(models.Model):
    """One answer to "is our Akismet key valid?", for the admin's Akismet health."""

    checked_at = models.DateTimeField(_("checked"), default=timezone.now)
    # None: Akismet could not be reached to say.
    valid = models.BooleanField(_("key valid"), null=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Akismet key check")
        verbose_name_plural = _("Akismet key checks")

    def __str__(self):
        return f"{self.checked_at}: {self.valid}"


class ReaderReport(models.Model):
    """A reader's word that a published comment does not belong there: one per address."""

    class Why(models.TextChoices):
        SPAM = "spam", _("It is spam or advertising")
        ABUSE = "abuse", _("It is abusive or hateful")
        PERSONAL = "personal", _("It gives out private information")
        OFF_TOPIC = "off_topic", _("It is off topic")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reader_reports", verbose_name=_("comment")
    )
    # A keyed hash of the reader's address (comments.intake.flagging): enough to count each address
    # once and to slow one down, and nothing personal to export or erase.
    reporter = models.CharField(max_length=32)
    why = models.CharField(_("why"), max_length=10, choices=Why.choices)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reader's report")
        verbose_name_plural = _("readers' reports")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="one_report_per_address_per_comment"
            )
        ]
        indexes = [models.Index(fields=["reporter", "created_at"], name="reports_by_address_idx")]

    def __str__(self):
        return f"Report on comment {self.comment_id}: {self.get_why_display()}"


class WebhookNotice(Message):
    """The message to the editors' chat (a Slack-compatible webhook) about a held comment."""

    comment = models.OneToOneField(
        Comment,
        on_delete=models.CASCADE,
        related_name="webhook_notice",
        verbose_name=_("comment"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message to the editors' chat")
        verbose_name_plural = _("messages to the editors' chat")
        indexes = [models.Index(fields=["state", "send_after"], name="webhook_due_idx")]

    def __str__(self):
        return f"Chat message about comment {self.comment_id} ({self.get_state_display()})"
