from django.contrib import admin

from comments.admin.permissions import ModeratesComments
from core.admin import OutboxAdmin, ReadOnlyAdmin

from .models import Delivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "kind", "email", "post", "confirmed_at", "notified_at"]
    list_filter = ["kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["post"]
    search_fields = ["email"]
    date_hierarchy = "requested_at"


@admin.register(Delivery)
class DeliveryAdmin(ModeratesComments, OutboxAdmin):
    list_display = ["created_at", "kind", "email", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "kind"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    sent_again = (
        "%(n)d email queued to be sent again.",
        "%(n)d emails queued to be sent again.",
    )
