"""The site's own error pages: each says what happened and what the reader can do next."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

# Seconds a reader (or a crawler) is told to wait while the database is unreachable.
RETRY_AFTER_SECONDS = 30

# Errors that mean "the database is not answering" rather than "this code is wrong".
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def _page(request, template_name: str, status: int, **context) -> HttpResponse:
    # Rendered without context processors: an error page must not touch the database.
    context.setdefault("site_name", settings.SITE_NAME)
    if request is not None:
        context["request"] = request
    body = loader.get_template(template_name).render(context)
    return HttpResponse(body, status=status)


def database_unavailable(request) -> HttpResponse:
    """Answer 503 with a page asking the reader to try again shortly."""
    response = _page(request, "503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def is_database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_UNAVAILABLE_ERRORS)


def bad_request(request, exception=None):
    """Answer 400: the request could not be read (too large, malformed)."""
    return _page(request, "400.html", 400, reason=_bad_request_reason(exception))


def _bad_request_reason(exception) -> str:
    name = exception.__class__.__name__ if exception else ""
    if name in ("RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent"):
        return "too_big"
    return ""


def permission_denied(request, exception=None):
    """Answer 403 for anything the reader may not do."""
    return _page(request, "403.html", 403)


def csrf_failure(request, reason=""):
    """Answer 403 when a form arrives without its security token, saying how to resend it."""
    return _page(request, "403.html", 403, csrf_failed=True)


def cross_origin_refused(request) -> HttpResponse:
    """Answer 403 when a form was sent to this site from a page of another site."""
    return _page(request, "403.html", 403, cross_origin=True)


def method_not_allowed(request, allowed: str) -> HttpResponse:
    """Answer 405 with a page naming the methods this address accepts."""
    response = _page(request, "405.html", 405, allowed=allowed)
    response["Allow"] = allowed
    return response


def server_error(request):
    """Answer 503 when the database is down, and the plain 500 page for anything else."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    return HttpResponse(loader.get_template("500.html").render(), status=500)
