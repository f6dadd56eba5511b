import re

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from core import rows
from core.slugs import validate_slug

from . import bylines, renditions, search
from .markup import first_paragraph_text, render_markdown, sanitize_html

# What WordPress shows in a list instead of a password-protected post's text.
PROTECTED_EXCERPT = _("There is no excerpt because this is a protected post.")


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


def image_upload_to(image, filename: str) -> str:
    """Keep images by month, as WordPress's uploads folder does."""
    return timezone.now().strftime(f"images/%Y/%m/{filename}")


class Image(models.Model):
    """An image an editor uploaded, checked and re-encoded by `blog.images.prepare_image()`."""

    file = models.FileField(_("file"), upload_to=image_upload_to, max_length=255)
    alt = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_(
            "What the image shows, for readers who cannot see it (screen readers, a failed "
            "load). Required."
        ),
    )
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    # Its smaller copies (blog.renditions), made once when it was stored.
    renditions = models.JSONField(default=list, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
        editable=False,
    )

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.alt or self.file.name

    @property
    def url(self) -> str:
        return self.file.url

    def attach(self, prepared) -> None:
        """Take a checked image (`blog.images.PreparedImage`) as this one's file, unsaved."""
        self.file = prepared.content
        self.width, self.height = prepared.width, prepared.height

    @property
    def srcset(self) -> str:
        return renditions.srcset(self)

    @property
    def sizes(self) -> str:
        return renditions.sizes(self)

    @property
    def summary_sizes(self) -> str:
        # blog.css shows a post list's featured image at most 16rem tall.
        return renditions.sizes(self, max_height=256)

    @property
    def thumbnail_url(self) -> str:
        return renditions.thumbnail_url(self)

    def markdown(self) -> str:
        """Return the Markdown that shows this image in a post body."""
        alt = re.sub(r"([\\\[\]])", r"\\\1", " ".join(self.alt.split()))
        return f"![{alt}]({self.url})"


class PostQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    # --- Posts and pages (issue 15) ---
    def posts(self):
        """Dated articles only: what the home list, archives and post feeds show."""
        return self.filter(kind=Post.Kind.POST)

    def pages(self):
        return self.filter(kind=Post.Kind.PAGE)

    def listed(self):
        """The published posts as the lists and feeds show them, with what their bylines need."""
        return self.published().posts().select_related("author__author_profile", "featured_image")

    def unprotected(self):
        """Posts without a password: what feeds and search may show (issue 27)."""
        return self.filter(password="")

    def published_without_text(self, pk):
        """Return the published post `pk` without its text (loaded if read), or None.

        Every comment POST reads its post this way. One plain statement: building the same
        read with the ORM cost 0.5 ms of CPU against 0.13 (issue 26), a twentieth of the
        comment's whole cost; the text is tens of kilobytes no rule reads.
        """
        text = ("body", "body_html", "search_vector")
        post = rows.one_by_pk(self.model, pk, without=text, using=self.db)
        # The same rule as `published()`, read from the row.
        return post if post is not None and post.is_published else None

    def comments_changed(self, visible_count) -> None:
        """Record that the comments readers can see changed (called by the comments app).

        `visible_count` is a number, or an expression evaluated for each post.
        """
        self.update(comment_count=visible_count, comments_changed_at=timezone.now())

    def search(self, query: str):
        """Return the posts `query` finds, best first (`blog.search`)."""
        return search.matching(self, query)


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, allow_unicode=True, validators=[validate_slug]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown: headings, links, *emphasis*, lists, > quotes, `code` and images from "
            "this site (Images) or from the sites its settings allow (IMAGE_REMOTE_ORIGINS). "
            "A blank line starts a new paragraph. HTML is shown as text."
        ),
    )
    # The body as readers see it, rendered and sanitised once per version in `save()`.
    body_html = models.TextField(editable=False, blank=True)
    copyright_notice = models.CharField(_("copyright line"), max_length=200, blank=True)
    # WordPress's "Excerpt" box: blank means the first paragraph (`excerpt`).
    custom_excerpt = models.TextField(
        _("excerpt"),
        blank=True,
        help_text=_(
            "A hand-written summary for the post lists and feeds, as plain text. "
            "Leave empty to use the first paragraph."
        ),
    )
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
    featured_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        # An image a post shows cannot be deleted from under it: the admin says which post.
        on_delete=models.PROTECT,
        related_name="featured_in",
        verbose_name=_("featured image"),
        help_text=_("Shown above the article and beside it in the post lists and feeds."),
    )

    # --- Pages, categories, tags and sticky posts (issue 15) ---
    class Kind(models.TextChoices):
        POST = "post", _("Post")
        PAGE = "page", _("Page")

    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", _("Markdown")
        HTML = "html", _("HTML (imported)")

    kind = models.CharField(
        _("kind"),
        max_length=4,
        choices=Kind.choices,
        default=Kind.POST,
        help_text=_("A page is undated, lives at its own address and is not in the post list."),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent page"),
        help_text=_("Pages only: the page's address starts with its parent's."),
    )
    sticky = models.BooleanField(
        _("stick to the front page"), default=False, help_text=_("Shown first on the home page.")
    )
    categories = models.ManyToManyField(
        "Category", blank=True, related_name="posts", verbose_name=_("categories")
    )
    tags = TaggableManager(_("tags"), blank=True)
    # What "Posted in … Tagged …" shows, kept by `refresh_filing()` whenever categories or
    # tags change (blog/signals.py), so the article page needs no query for it.
    filing = models.JSONField(default=dict, blank=True, editable=False)
    # WordPress's "Password protected" visibility: readers see the post once they enter it.
    password = models.CharField(
        _("password"),
        max_length=255,
        blank=True,
        help_text=_(
            "Readers see the post only once they enter this password; lists show its title "
            "alone, and feeds and search leave it out. Leave empty for a public post."
        ),
    )
    # Imported WordPress posts keep their (sanitised) HTML instead of being re-written as
    # Markdown, which would change how they read.
    body_format = models.CharField(
        _("body format"), max_length=8, choices=BodyFormat.choices, default=BodyFormat.MARKDOWN
    )

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
        return self.display_title

    def save(self, *args, **kwargs):
        # Whatever wrote it (the admin, an import, the shell): a slug the URLs cannot carry
        # would take down every page that links to the post.
        validate_slug(self.slug)
        self.body_html = self.render_body()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)
        # Title weighs more than body in search ranking.
        Post.objects.filter(pk=self.pk).update(search_vector=self.search_vector_expression())

    def get_absolute_url(self):
        if self.kind == self.Kind.PAGE:
            return reverse("blog:page", kwargs={"path": "/".join(self.page_path())})
        local = timezone.localtime(self.published_at)
        return reverse(
            "blog:post_detail",
            kwargs={"year": local.year, "month": f"{local.month:02d}", "slug": self.slug},
        )

    @property
    def author_name(self) -> str:
        return bylines.display_name(self.author)

    @property
    def author_archive_url(self) -> str | None:
        return bylines.author_url(self.author)

    @staticmethod
    def search_vector_expression():
        """Return the search vector of a post row, for one post or many at once."""
        return (
            SearchVector("title", weight="A", config="english")
            + SearchVector("custom_excerpt", weight="B", config="english")
            + SearchVector("body", weight="B", config="english")
        )

    def render_body(self) -> str:
        """Return the body as readers see it: rendered Markdown, or sanitised imported HTML."""
        if self.body_format == self.BodyFormat.HTML:
            return sanitize_html(self.body)
        return render_markdown(self.body)

    def body_for_readers(self) -> str:
        """Return the rendered body with this site's images in their sizes (blog.renditions).

        Called when the article is rendered, which the article cache does once per version
        (blog.public_cache.rendered_article), so it holds for bodies however they were written.
        """
        names = renditions.names_in(self.body_html)
        if not names:
            return self.body_html
        images = {image.file.name: image for image in Image.objects.filter(file__in=names)}
        return renditions.responsive_body(
            self.body_html, images, first_is_eager=self.featured_image_id is None
        )

    @property
    def display_title(self) -> str:
        """Return the title, or "(no title)" as WordPress names an untitled post."""
        # An empty title would make an empty heading and a link with no text.
        return self.title.strip() or gettext("(no title)")

    @property
    def published_iso(self) -> str:
        """Return the local publication time as HTML's datetime takes it: whole seconds."""
        return timezone.localtime(self.published_at).isoformat(timespec="seconds")

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def last_modified(self):
        """When anything a reader sees on this post last changed: the post or its comments."""
        return max(filter(None, [self.updated_at, self.comments_changed_at]))

    @property
    def excerpt(self) -> str:
        """Return the summary in lists and feeds: the hand-written one, else the first paragraph."""
        if self.password:
            return str(PROTECTED_EXCERPT)
        return self.custom_excerpt.strip() or first_paragraph_text(self.body_html)

    def page_path(self) -> list[str]:
        """Return the slugs of the page's ancestors and its own, from the top."""
        return [page.slug for page in ancestry(self)]

    def refresh_filing(self) -> None:
        """Store the categories and tags "Posted in … Tagged …" shows, as they are now."""
        categories = self.categories.select_related("parent").order_by("name")
        self.filing = {
            "categories": [[c.name, c.get_absolute_url()] for c in categories],
            "tags": [
                [t.name, reverse("blog:tag", args=[t.slug])] for t in self.tags.order_by("name")
            ],
        }
        Post.objects.filter(pk=self.pk).update(filing=self.filing)


# --- Categories (issue 15) ---------------------------------------------------------------


class Category(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, allow_unicode=True, validators=[validate_slug]
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return " / ".join(category.name for category in self.ancestry())

    def save(self, *args, **kwargs):
        validate_slug(self.slug)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        path = "/".join(category.slug for category in self.ancestry())
        return reverse("blog:category", kwargs={"path": path})

    def ancestry(self) -> list["Category"]:
        """Return the category's ancestors and itself, from the top."""
        return ancestry(self)


def ancestry(node) -> list:
    """Return a page's or a category's ancestors and itself, from the top.

    An editor can make a parent loop (A under B under A); the walk stops where it would go
    round again, so an address is still built.
    """
    chain, seen = [node], {node.pk}
    while node.parent_id is not None and node.parent_id not in seen:
        seen.add(node.parent_id)
        node = node.parent
        chain.insert(0, node)
    return chain


from .site import SiteSettings  # noqa: E402, F401 (the site settings row is a model of this app)
