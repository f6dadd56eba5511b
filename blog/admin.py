from django.contrib import admin

from .models import AuthorProfile, Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "status", "published_at", "comments_open", "comment_count"]
    list_filter = ["status", "comments_open", "published_at", "author"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    list_select_related = ["author"]
    readonly_fields = ["updated_at", "comment_count", "comments_changed_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "copyright_notice"]}),
        ("Publishing", {"fields": ["status", "published_at", "author", "comments_open"]}),
        ("Comments", {"fields": ["comment_count", "comments_changed_at", "updated_at"]}),
    ]


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user"]
    search_fields = ["display_name", "user__username"]
