from django.core import signing
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from blog.models import Post

from . import links, opt_in

# The signed token in the address is what authorises these links: they work from an email,
# without a login or a CSRF cookie. RFC 8058 mail clients POST "List-Unsubscribe=One-Click".


def _invalid(request):
    return render(request, "subscriptions/invalid_link.html", status=400)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """Show what a confirmation link would confirm (GET); confirm it (POST)."""
    try:
        email = links.email_from_confirm_token(token)
    except signing.BadSignature:
        return _invalid(request)
    requests = list(links.open_requests(email))
    confirmed = 0
    if request.method == "POST":
        confirmed = opt_in.confirm(email)
    return render(
        request,
        "subscriptions/confirm.html",
        {
            "email": email,
            "posts": [s.post for s in requests if s.kind == s.Kind.FOLLOW_UPS],
            "approvals": [s.post for s in requests if s.kind == s.Kind.APPROVAL],
            "done": request.method == "POST",
            "confirmed": confirmed,
        },
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Ask before unsubscribing (GET); unsubscribe at once, in one click (POST)."""
    try:
        email, post_id = links.read_unsubscribe_token(token)
    except signing.BadSignature:
        return _invalid(request)
    post = Post.objects.filter(pk=post_id).first() if post_id is not None else None
    if request.method == "POST":
        opt_in.unsubscribe(email, post_id)
    return render(
        request,
        "subscriptions/unsubscribe.html",
        {"email": email, "post": post, "done": request.method == "POST"},
    )
