from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the system writes: editors may read them, never edit them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OutboxAdmin(ReadOnlyAdmin):
    """The messages of one outbox (`core.outbox`): each one's state, and "Send again now".

    The subclass says who may send again (`has_moderate_permission`) and how the action's
    message names its kind (`sent_again`: singular and plural, with `%(n)d`).
    """

    actions = ["send_again"]
    sent_again = (
        "%(n)d message queued to be sent again.",
        "%(n)d messages queued to be sent again.",
    )

    @admin.action(permissions=["moderate"], description=_("Send again now"))
    def send_again(self, request, queryset):
        n = outbox.send_again(queryset)
        self.message_user(request, ngettext(*self.sent_again, n) % {"n": n}, messages.SUCCESS)
