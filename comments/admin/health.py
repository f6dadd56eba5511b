"""The admin index's "Verify the key now" button (the health panel is in the dashboard)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import health


class HealthViews:
    def get_urls(self):
        urls = [
            path(
                "verify-key/",
                self.admin_site.admin_view(require_POST(self.verify_key_view)),
                name="comments_comment_verify_key",
            )
        ]
        return urls + super().get_urls()

    def verify_key_view(self, request):
        """Ask Akismet about the key now, keep the answer, and say it."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        answer = health.record_key_check()
        if answer.valid:
            self.message_user(request, _("Akismet accepted the key."), messages.SUCCESS)
        elif answer.valid is False:
            self.message_user(request, _("Akismet rejected the key."), messages.ERROR)
        else:
            self.message_user(
                request, _("Akismet could not be reached: %s") % answer.error, messages.WARNING
            )
        return HttpResponseRedirect(reverse("admin:index"))
