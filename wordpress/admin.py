from django.contrib import admin

from .models import ImportedItem, OldLink


@admin.register(OldLink)
class OldLinkAdmin(admin.ModelAdmin):
    list_display = ["old_path", "target"]
    search_fields = ["old_path", "new_path", "post__title"]
    raw_id_fields = ["post"]
    list_select_related = ["post"]


@admin.register(ImportedItem)
class ImportedItemAdmin(admin.ModelAdmin):
    list_display = ["kind", "wp_id", "object_id", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["=wp_id", "=object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
