from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments.moderators import is_moderator
from core import outbox
from core.admin import ReadOnlyAdmin

from .models import Delivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "kind", "email", "post", "confirmed_at", "notified_at"]
    list_filter = ["kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["post"]
    search_fields = ["email"]
    date_hierarchy = "requested_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    actions = ["send_again"]
    list_display = ["created_at", "kind", "email", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "kind"]
    search_fields = ["email"]
    date_hierarchy = "created_at"

    def has_moderate_permission(self, request):
        return is_moderator(request.user)

    @admin.action(permissions=["moderate"], description=_("Send again now"))
    def send_again(self, request, queryset):
        failed = outbox.send_again(queryset)
        self.message_user(
            request,
            ngettext(
                "%d email queued to be sent again.",
                "%d emails queued to be sent again.",
                failed,
            )
            % failed,
            messages.SUCCESS,
        )
