from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from blog.models import Post

from .models import Comment, Status
from .submission import submit_comment

# The reader's details, remembered only when they tick the box (WordPress's cookie names).
AUTHOR_COOKIES = {
    "author": "comment_author",
    "email": "comment_author_email",
    "url": "comment_author_url",
}
REMEMBER_FOR = timedelta(days=365)
# The reader's own comments still waiting for moderation, so they can see them in place.
PENDING_COOKIE = "comment_pending"
PENDING_SALT = "comments.pending"
PENDING_FOR = timedelta(days=30)
PENDING_KEEP = 20


@require_POST
def post_comment(request, post_id):
    """Take a comment from the form under a post: store it and redirect, or say why not."""
    post = get_object_or_404(
        Post.objects.published().select_related("author__author_profile"), pk=post_id
    )
    user = request.user if request.user.is_authenticated else None
    result = submit_comment(post, request.POST, request.META, user=user)

    if result.stored:
        response = HttpResponseRedirect(_location(result.comment))
        _remember_author(request, response, result.form)
        if result.comment.status in (Status.AWAITING_CHECK, Status.PENDING):
            _remember_pending(request, response, result.comment)
        return response
    if result.status_code == 403:
        return render(
            request,
            "comments/refused.html",
            {"post": post, "message": result.message},
            status=403,
        )
    # 400, 409 and 429: the whole post page again, with everything the reader typed.
    context = {
        "post": post,
        "comment_form": result.form,
        "comment_error": result.message,
    }
    return render(request, "blog/post_detail.html", context, status=result.status_code)


def _location(comment) -> str:
    """Return where the new comment is shown: its post, on the right comment page."""
    root = comment
    while root.parent_id is not None:
        root = root.parent
    earlier_threads = Comment.objects.filter(
        post_id=comment.post_id,
        parent__isnull=True,
        status=Status.APPROVED,
        submitted_at__lt=root.submitted_at,
    ).count()
    page = earlier_threads // settings.COMMENTS_PER_PAGE + 1
    query = f"?cpage={page}" if page > 1 else ""
    return f"{comment.post.get_absolute_url()}{query}#comment-{comment.pk}"


def _cookie_options(request) -> dict:
    return {"secure": request.is_secure(), "httponly": True, "samesite": "Lax"}


def _remember_author(request, response, form) -> None:
    if form.remember:
        for field, cookie in AUTHOR_COOKIES.items():
            response.set_cookie(
                cookie,
                quote(form.cleaned_data[field]),
                max_age=int(REMEMBER_FOR.total_seconds()),
                **_cookie_options(request),
            )
    else:
        for cookie in AUTHOR_COOKIES.values():
            if cookie in request.COOKIES:
                response.delete_cookie(cookie, samesite="Lax")


def pending_ids(request) -> list[int]:
    """Return the ids of the visitor's own comments that may still await moderation."""
    value = request.get_signed_cookie(PENDING_COOKIE, default="", salt=PENDING_SALT)
    return [int(part) for part in value.split(",") if part.isdigit()]


def _remember_pending(request, response, comment) -> None:
    ids = [*pending_ids(request), comment.pk][-PENDING_KEEP:]
    response.set_signed_cookie(
        PENDING_COOKIE,
        ",".join(map(str, ids)),
        salt=PENDING_SALT,
        max_age=int(PENDING_FOR.total_seconds()),
        **_cookie_options(request),
    )
