from django.contrib import admin
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .image_admin import ImageAdmin  # noqa: F401 (registers the image library)
from .models import AuthorProfile, Category, Post
from .site_admin import SiteSettingsAdmin  # noqa: F401 (registers the site settings page)


class LabelledSplitDateTime(widgets.AdminSplitDateTime):
    """Django's date and time inputs, each with a name of its own for screen readers."""

    # The field's one label names neither input (axe: "Form elements must have labels").
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = _("Date")
        self.widgets[1].attrs["aria-label"] = _("Time")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    formfield_overrides = {models.DateTimeField: {"widget": LabelledSplitDateTime}}
    list_display = [
        "title",
        "author",
        "publication_state",
        "published_at",
        "comments_open",
        "comment_count",
    ]
    list_filter = [
        "status",
        "comments_open",
        "published_at",
        "author",
        # Categories, tags, pages and sticky posts (issue 15).
        "kind",
        "sticky",
        "categories",
        "tags",
    ]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    list_select_related = ["author"]
    readonly_fields = ["updated_at", "comment_count", "comments_changed_at"]
    filter_horizontal = ["categories"]
    # The image lookup is the image library's list, with its thumbnails. (An autocomplete
    # widget answers a malformed id with a 500: Django's AutocompleteSelect does not catch it.)
    raw_id_fields = ["parent", "featured_image"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "body",
                    "featured_image",
                    "custom_excerpt",
                    "copyright_notice",
                ]
            },
        ),
        (
            "Publishing",
            {"fields": ["status", "published_at", "author", "comments_open", "password"]},
        ),
        (
            _("Filing"),
            {"fields": ["kind", "parent", "sticky", "categories", "tags", "body_format"]},
        ),
        ("Comments", {"fields": ["comment_count", "comments_changed_at", "updated_at"]}),
    ]

    def get_changeform_initial_data(self, request):
        # A new post is by whoever writes it: Author is required, and Preview needs it too.
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("status"), ordering="status")
    def publication_state(self, post):
        if post.status == Post.Status.PUBLISHED and post.published_at > timezone.now():
            return _("Scheduled")
        return post.get_status_display()

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="blog_post_preview_new"),
            path("<path:object_id>/preview/", preview, name="blog_post_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id=None):
        """Show the post as typed in the change form, as readers will see it, without saving."""
        post = self.get_object(request, object_id) if object_id else None
        allowed = (
            self.has_change_permission(request, post)
            if object_id
            else self.has_add_permission(request)
        )
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if (object_id and post is None) or not allowed:
            raise PermissionDenied
        form = self.get_form(request, post)(request.POST, request.FILES, instance=post)
        # Only what the article shows must be valid; a taken slug still previews.
        shown = [
            *("title", "body", "body_format", "copyright_notice", "author", "published_at"),
            *("status", "featured_image"),
        ]
        form.is_valid()
        errors = [(form[name].label, form.errors[name]) for name in shown if name in form.errors]
        preview = None
        if not errors:
            preview = Post(**{name: form.cleaned_data[name] for name in shown})
            # The rule `save()` applies: an imported HTML post previews as HTML.
            preview.body_html = preview.render_body()
        response = TemplateResponse(
            request,
            "blog/preview.html",
            {"post": preview, "errors": errors},
            status=400 if errors else 200,
        )
        add_never_cache_headers(response)
        return response


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user"]
    search_fields = ["display_name", "user__username"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "post_count"]
    list_filter = [("parent", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").annotate(n=Count("posts"))

    @admin.display(description=_("posts"), ordering="n")
    def post_count(self, category):
        return category.n


# taggit's own admin adds a "merge tags" page that answers a POST without a selection with a
# 500 and skips the change permission; editors rename and delete tags here instead.
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
