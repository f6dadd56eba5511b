import contextlib
import ipaddress

from django.conf import settings

from . import dates
from .errors import bad_request, database_unavailable, is_database_unavailable, method_not_allowed


class ClientAddressMiddleware:
    """Behind TRUSTED_PROXY_HOPS reverse proxies, take the reader's address from them.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the reader's is the
    TRUSTED_PROXY_HOPS-th from the right; anything further left was written by the client and
    is ignored. Without this, every reader behind the TLS proxy would share its address, and
    the flood rule, Akismet and the login lockout would treat them all as one person.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hops = settings.TRUSTED_PROXY_HOPS
        if hops:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            addresses = [address.strip() for address in forwarded if address.strip()]
            if len(addresses) >= hops:
                # Not an address: keep the connection's own.
                with contextlib.suppress(ValueError):
                    request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(addresses[-hops]))
        return self.get_response(request)


class AdminQueryMiddleware:
    """Answer 400 to admin queries Django's admin would turn into a 500.

    PostgreSQL refuses NUL in text (a filter like `?status__exact=%00`), a date filter must
    ask for a possible date (`?submitted_at__year=0`, `__year__lt=-5`: `core.dates`), and an
    empty `_to_field` makes the change and delete pages look up a field named "". The search
    box (`q`) is left to the admin, which answers a NUL with the page and a message.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and self._unreadable(request.GET):
            return bad_request(request)
        return self.get_response(request)

    def _unreadable(self, query) -> bool:
        for name, values in query.lists():
            for value in values:
                if ("\x00" in value and name != "q") or (name == "_to_field" and not value):
                    return True
                if not dates.is_possible_lookup(name, value):
                    return True
        return False


class DatabaseUnavailableMiddleware:
    """Turn "the database is not answering" into a friendly 503 with Retry-After.

    Errors raised in a view become the 503 here; errors raised in other middleware reach
    `core.errors.server_error` (handler500), which gives the same page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable(request)
        return None


class MethodNotAllowedPageMiddleware:
    """Give Django's empty 405 answers a page naming the methods the address accepts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.streaming
            and not response.content
            and response.has_header("Allow")
        ):
            return method_not_allowed(request, response["Allow"])
        return response
