"""CSRF protection without a token, for forms anyone may send: Fetch Metadata and Origin.

A page that carries no per-reader token can be the same for every reader, so a proxy can
share it. The browser still says where a form came from, and this is the rule Go's
`http.CrossOriginProtection`, ASP.NET Core and the OWASP CSRF cheat sheet apply:

1. `Sec-Fetch-Site: same-origin` or `none` (typed or bookmarked): allow.
2. Any other `Sec-Fetch-Site` (`cross-site`, `same-site`): refuse.
3. No `Sec-Fetch-Site` (an older browser): allow only an `Origin` that is one of the site's
   own: `SITE_URL`, `CSRF_TRUSTED_ORIGINS`, or the scheme and host this request came to.
4. Neither header: allow. It is not a browser, so no one's cookies ride along; every other
   rule still applies.

Signed-in users hold a session another site could ride on, so for them Django's token check
runs as well, and their forms carry the token.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .errors import cross_origin_refused

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
SAME_ORIGIN = ("same-origin", "none")


def site_origins(request) -> set[str]:
    """Return the origins this site answers as: SITE_URL, trusted origins, this request's."""
    origins = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    site = urlsplit(settings.SITE_URL)
    origins.add(f"{site.scheme}://{site.netloc}")
    return {origin.lower() for origin in origins}


def is_cross_origin(request) -> bool:
    """Return whether a browser says this request was sent by a page of another site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in SAME_ORIGIN
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin.strip().lower() not in site_origins(request)


def cross_origin_protect(view):
    """Refuse unsafe requests another site's page sent; check signed-in users' tokens too.

    The view is exempt from the global CsrfViewMiddleware: this decorator applies the
    Fetch Metadata rule above to everyone, and Django's own token check to signed-in users.
    """
    token_checked = csrf_protect(view)

    @wraps(view)
    def protected(request, *args, **kwargs):
        if request.method not in SAFE_METHODS and is_cross_origin(request):
            return cross_origin_refused(request)
        if request.user.is_authenticated:
            return token_checked(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return csrf_exempt(protected)
