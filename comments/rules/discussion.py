"""The site's discussion settings: one row, edited like WordPress's Settings → Discussion.

Pages read them through `current()`: at most once per request, and from the cache between
requests (as `blog.site` reads the site settings): in a cache every process shares it is kept
until the next save; in a per-process cache (`make run`) for a second, so every process
follows a save within that second. Saving them empties that cache and tells every post its
comment section changed, so each page's ETag and Last-Modified change with them and no cache
keeps the old page.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from solo.models import SingletonModel

from blog.models import Post
from comments.rules import conf
from core.kept_rows import KeptRow

CACHE_KEY = "comments:discussion-settings"
MAX_THREAD_DEPTH = 10
MAX_COMMENTS_PER_PAGE = 1000


class DiscussionSettings(SingletonModel):
    """The site's comment rules and the comment section's shape, edited by editors."""

    class Order(models.TextChoices):
        OLDEST = "oldest", _("Older comments at the top")
        NEWEST = "newest", _("Newer comments at the top")

    class AvatarDefault(models.TextChoices):
        MYSTERY = "mp", _("Mystery person")
        BLANK = "blank", _("Blank")
        IDENTICON = "identicon", _("Identicon (generated)")
        WAVATAR = "wavatar", _("Wavatar (generated)")
        MONSTERID = "monsterid", _("MonsterID (generated)")
        RETRO = "retro", _("Retro (generated)")
        ROBOHASH = "robohash", _("RoboHash (generated)")

    class AvatarRating(models.TextChoices):
        G = "g", _("G: suitable for all audiences")
        PG = "pg", _("PG: possibly offensive, usually for audiences 13 and above")
        R = "r", _("R: intended for adult audiences above 17")
        X = "x", _("X: even more mature than above")

    manual_approval = models.BooleanField(_("Comment must be manually approved"), default=True)
    require_prior_approval = models.BooleanField(
        _("Comment author must have a previously approved comment"),
        default=True,
        help_text=_("Used when manual approval is off."),
    )
    hold_link_count = models.PositiveSmallIntegerField(
        _("Hold a comment in the queue if it contains this many links or more"),
        default=2,
        help_text=_("0 turns this rule off."),
    )
    moderation_words = models.TextField(
        _("Comment moderation words"),
        blank=True,
        help_text=_(
            "One word or phrase per line. A comment containing one in its name, email, "
            "website, text, IP address or browser user agent is held for moderation. "
            "Whole words match, ignoring case; write *word* to also match inside other words."
        ),
    )
    disallowed_words = models.TextField(
        _("Disallowed comment keys"),
        blank=True,
        help_text=_(
            "Same format as moderation words. A matching comment goes straight to the trash "
            "and is not sent to Akismet."
        ),
    )
    close_after_days = models.PositiveIntegerField(
        _("Automatically close comments on posts older than this many days"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep comments open."),
    )
    require_login = models.BooleanField(
        _("Users must be registered and logged in to comment"),
        default=False,
        help_text=_("Readers who are not signed in see no comment form and cannot post."),
    )
    # Empty means the environment's setting: a site that never saves this page keeps it.
    thread_depth = models.PositiveSmallIntegerField(
        _("Threaded (nested) comments, levels deep"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_THREAD_DEPTH)],
        help_text=_("1 to 10; 1 allows no replies. Empty: COMMENTS_THREAD_DEPTH."),
    )
    comments_per_page = models.PositiveSmallIntegerField(
        _("Top-level comments per page"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_COMMENTS_PER_PAGE)],
        help_text=_("Empty: COMMENTS_PER_PAGE."),
    )
    order = models.CharField(
        _("Comments should be displayed with the"),
        max_length=6,
        choices=Order.choices,
        default=Order.OLDEST,
        help_text=_("Replies always follow the comment they answer, oldest first."),
    )
    show_avatars = models.BooleanField(_("Show avatars"), default=True)
    avatar_default = models.CharField(
        _("Default avatar"),
        max_length=10,
        choices=AvatarDefault.choices,
        default=AvatarDefault.MYSTERY,
        help_text=_("For commenters without a Gravatar of their own."),
    )
    avatar_rating = models.CharField(
        _("Maximum avatar rating"),
        max_length=2,
        choices=AvatarRating.choices,
        default=AvatarRating.G,
    )
    akismet_notice = models.BooleanField(
        _("Show the Akismet privacy notice under the comment form"),
        default=True,
        help_text=_(
            "“This site uses Akismet to reduce spam. Learn how your comment data is "
            "processed.” Shown only while an Akismet key is set."
        ),
    )
    report_threshold = models.PositiveSmallIntegerField(
        _("Send a published comment back to the queue after this many readers report it"),
        default=3,
        help_text=_("Each address counts once. The editors are emailed. 0 hides the Report link."),
    )
    moderation_webhook_url = models.URLField(
        _("Also tell the editors' chat (incoming webhook URL)"),
        blank=True,
        max_length=500,
        help_text=_(
            "A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, Discord's "
            "/slack address): each comment held for review is posted there, retried like the "
            "editors' email. Empty: email only."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")

    def __str__(self):
        return str(_("Discussion settings"))

    def save(self, *args, **kwargs):
        # The row a site's first request creates holds the defaults: nothing to announce.
        changed = not self._state.adding
        super().save(*args, **kwargs)
        # django-solo has just cached this row, before it is committed: forget it now, and
        # again once committed, so no reader keeps values that are rolled back or outdated.
        self.clear_cache()
        forget()
        if changed:
            transaction.on_commit(_published, robust=True)

    @classmethod
    def load(cls):
        """Return the settings as stored now, from the database."""
        obj, _created = cls.objects.get_or_create(pk=cls.singleton_instance_id)
        return obj

    @property
    def max_depth(self) -> int:
        return self.thread_depth or conf.default_thread_depth()

    @property
    def per_page(self) -> int:
        return self.comments_per_page or conf.default_per_page()

    @property
    def newest_first(self) -> bool:
        return self.order == self.Order.NEWEST

    def thread_shape(self) -> str:
        """Summarise everything here that shapes a rendered thread: part of its cache key."""
        return ":".join(
            map(
                str,
                [
                    self.max_depth,
                    self.per_page,
                    self.order,
                    int(self.show_avatars),
                    self.avatar_default,
                    self.avatar_rating,
                    self.report_threshold,
                ],
            )
        )


def _published():
    DiscussionSettings.clear_cache()
    forget()
    # Every comment section looks different now: each page's validators and cached thread
    # follow the posts' comment change time (the count stays as it is).
    Post.objects.comments_changed(F("comment_count"))


def _load() -> DiscussionSettings:
    return DiscussionSettings.get_solo()


kept = KeptRow(CACHE_KEY, _load)


def current() -> DiscussionSettings:
    """Return the discussion settings, read at most once per request and kept in the cache."""
    return kept.current()


def forget() -> None:
    """Drop the row kept in this request and in the cache: the next read gets the saved one."""
    kept.forget()
