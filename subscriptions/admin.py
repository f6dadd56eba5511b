from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments.moderators import is_moderator
from core.admin import ReadOnlyAdmin

from . import outbox
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
        failed = list(
            queryset.filter(state__in=[Delivery.State.FAILED, Delivery.State.GAVE_UP])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=failed).update(
            state=Delivery.State.QUEUED, attempts=0, send_after=timezone.now()
        )
        transaction.on_commit(lambda: outbox.send_due_deliveries.enqueue())
        self.message_user(
            request,
            ngettext(
                "%d email queued to be sent again.",
                "%d emails queued to be sent again.",
                len(failed),
            )
            % len(failed),
            messages.SUCCESS,
        )
