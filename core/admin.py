from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the system writes: editors may read them, never edit them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
