from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from blog import protection
from blog.models import Post
from comments.intake import editing, flagging
from comments.intake.cookies import remember_author, remember_pending
from comments.intake.forms import CommentForm
from comments.intake.submission import submit_comment
from comments.models import Comment, ReaderReport
from comments.rules.statuses import DELETABLE
from core.csrf import cross_origin_protect


@cross_origin_protect
@require_POST
def post_comment(request, post_id):
    """Take a comment from the form under a post: store it and redirect, or say why not."""
    post = Post.objects.published_without_text(post_id)
    if post is None:
        raise Http404("No published post has this number.")
    user = request.user if request.user.is_authenticated else None
    if post.password and not request.user.is_staff and not protection.is_unlocked(request, post):
        # Who cannot read a protected post cannot answer it, as in WordPress.
        message = _("Enter this post's password before commenting on it.")
        return render(
            request, "comments/refused.html", {"post": post, "message": message}, status=403
        )
    result = submit_comment(post, request.POST, request.META, user=user)

    if result.stored:
        response = HttpResponseRedirect(result.comment.get_absolute_url())
        remember_author(request, response, result.form)
        # Spam and trash get no cookie: nothing to show, and nothing to edit.
        if result.comment.status not in DELETABLE:
            remember_pending(request, response, result.comment)
        return response
    # The reader gets the post page again (or a page naming it): load what it shows.
    post = Post.objects.select_related("author__author_profile").get(pk=post.pk)
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


# The form holds the reader's email: no cache, shared or not, keeps it.
@never_cache
@cross_origin_protect
@require_http_methods(["GET", "POST"])
def edit_comment(request, comment_id):
    """Let a reader fix their own comment for a few minutes: the form prefilled, then saved."""
    comment = Comment.objects.with_post().filter(pk=comment_id).first()
    if refusal := editing.refusal(request, comment):
        return _refused(request, comment, refusal)
    if request.method == "GET":
        form = CommentForm(initial=editing.initial(comment))
        return render(request, "comments/edit.html", {"comment": comment, "form": form})
    user = request.user if request.user.is_authenticated else None
    result = editing.edit_comment(comment, request.POST, user=user)
    if result.status_code == 302:
        return HttpResponseRedirect(result.comment.get_absolute_url())
    if result.status_code == 403:
        return _refused(request, comment, editing.NOT_EDITABLE)
    context = {"comment": comment, "form": result.form}
    return render(request, "comments/edit.html", context, status=result.status_code)


@cross_origin_protect
@require_http_methods(["GET", "POST"])
def report_comment(request, comment_id):
    """Let any reader report a published comment: a short form, then thanks."""
    comment = Comment.objects.with_post().filter(pk=comment_id).first()
    if comment is None or not flagging.can_be_reported(comment):
        raise Http404("No published comment has this number.")
    context = {"comment": comment, "post": comment.post, "whys": ReaderReport.Why.choices}
    if request.method == "GET":
        return render(request, "comments/report.html", context)
    why = request.POST.get("why", "")
    if why not in ReaderReport.Why.values:
        context["error"] = _("Choose why this comment should not be here.")
        return render(request, "comments/report.html", context, status=400)
    reported = flagging.report(comment, why, request.META)
    context["too_many"] = reported.status_code == 429
    return render(request, "comments/reported.html", context, status=reported.status_code)


@never_cache
@cross_origin_protect
@require_http_methods(["GET", "POST"])
def delete_comment(request, comment_id):
    """Let a reader take back their own comment in the edit window: ask, then delete it."""
    comment = Comment.objects.with_post().filter(pk=comment_id).first()
    if refusal := editing.refusal(request, comment):
        return _refused(request, comment, refusal)
    if request.method == "GET":
        return render(request, "comments/delete.html", {"comment": comment})
    if not editing.delete_own(comment):
        return _refused(request, comment, editing.NOT_EDITABLE)
    return HttpResponseRedirect(comment.post.get_absolute_url() + "#comments")


def _refused(request, comment, message: str):
    # Only the comment's own author is pointed back to its post.
    post = comment.post if editing.is_theirs(request, comment) else None
    context = {"post": post, "message": message}
    return render(request, "comments/edit_refused.html", context, status=403)
