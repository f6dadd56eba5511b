from django.contrib import admin

from .models import OldLink


@admin.register(OldLink)
class OldLinkAdmin(admin.ModelAdmin):
    list_display = ["old_path", "target"]
    search_fields = ["old_path", "new_path", "post__title"]
    raw_id_fields = ["post"]
    list_select_related = ["post"]
