from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .markup import first_paragraph_text, render_markdown


class AuthorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile"
    )
    display_name = models.CharField(_("display name"), max_length=200)
    bio = models.TextField(
        _("about the author"), blank=True, help_text=_("Shown under each post in the author box.")
    )
    # The author box is part of every post page: its change time goes into their Last-Modified.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("author profile")
        verbose_name_plural = _("author profiles")

    def __str__(self):
        return self.display_name


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def search(self, terms: str):
        query = SearchQuery(terms, search_type="websearch", config="english")
        return (
            self.filter(search_vector=query)
            .annotate(rank=SearchRank(models.F("search_vector"), query))
            .order_by("-rank", "-published_at")
        )


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown: headings, links, *emphasis*, lists, > quotes, `code` and images from "
            "this site or https. A blank line starts a new paragraph. HTML is shown as text."
        ),
    )
    # The body as readers see it, rendered and sanitised once per version in `save()`.
    body_html = models.TextField(editable=False, blank=True)
    copyright_notice = models.CharField(_("copyright line"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("publication date"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    comments_open = models.BooleanField(
        _("comments open"), default=True, help_text=_("Uncheck to stop accepting new comments.")
    )
    # Kept by the comments app through `comments_changed()`: the "N Comments" line, the page
    # cache and the ETag all read these instead of counting comments on every request.
    comment_count = models.PositiveIntegerField(_("visible comments"), default=0, editable=False)
    comments_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            GinIndex(fields=["search_vector"], name="post_search_vector_gin"),
            models.Index(fields=["status", "-published_at"], name="post_published_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)
        # Title weighs more than body in search ranking.
        Post.objects.filter(pk=self.pk).update(
            search_vector=SearchVector("title", weight="A", config="english")
            + SearchVector("body", weight="B", config="english")
        )

    def get_absolute_url(self):
        local = timezone.localtime(self.published_at)
        return reverse(
            "blog:post_detail",
            kwargs={"year": local.year, "month": f"{local.month:02d}", "slug": self.slug},
        )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def last_modified(self):
        """When anything a reader sees on this post last changed: the post or its comments."""
        return max(filter(None, [self.updated_at, self.comments_changed_at]))

    @property
    def excerpt(self) -> str:
        """Return the text of the body's first paragraph, the summary in lists and feeds."""
        return first_paragraph_text(self.body_html)

    def comments_changed(self, visible_count: int) -> None:
        """Record that the comments readers can see changed (called by the comments app)."""
        now = timezone.now()
        Post.objects.filter(pk=self.pk).update(comment_count=visible_count, comments_changed_at=now)
        self.comment_count, self.comments_changed_at = visible_count, now
