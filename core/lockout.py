"""The admin login lockout: django-axes' (user name, address) pair, and the user name alone.

django-axes counts failures per lockout parameter but applies one limit to all of them. A
pair limit of 5 cannot also lock a user name, so an attacker with many addresses (a botnet,
or a forged X-Forwarded-For where no proxy overwrites it) could try 5 passwords from each.
This handler adds the second limit: AXES_USERNAME_FAILURE_LIMIT failures for one user name
from any addresses within AXES_USERNAME_WINDOW lock that name, whatever the password, until
the oldest of them leaves the window. It counts axes' own failure log.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone


class UserNameLockoutHandler(AxesDatabaseHandler):
    """Lock a user name after too many failures from any addresses, beside axes' pair rule."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.user_name_locked(
            request, credentials
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure that reaches the limit, and every later attempt, get axes' lockout page.
        if request is not None and self.user_name_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def user_name_locked(self, request, credentials=None) -> bool:
        """Return whether the user name has too many recent failures, from any addresses."""
        username = get_client_username(request, credentials)
        if not username or not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        since = timezone.now() - settings.AXES_USERNAME_WINDOW
        failures = AccessFailureLog.objects.filter(username=username, attempt_time__gte=since)
        return failures.count() >= settings.AXES_USERNAME_FAILURE_LIMIT
