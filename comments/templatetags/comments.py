"""The comment section under a post, rendered by `{% render_comments post %}`."""

from django import template
from django.conf import settings

from comments.intake import policy
from comments.intake.cookies import remembered_author
from comments.intake.forms import CommentForm
from comments.reading.threads import page_number, reply_target, thread_for
from comments.rules import conf

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def render_comments(context, post):
    """Render a post's comment section: its approved comments and the comment form."""
    request = context.get("request")
    discussion = conf.discussion()
    is_open = not policy.closed_reason(post, discussion)
    user = request.user if request else None
    login_required = is_open and bool(policy.login_refusal(discussion, user))
    # A reader who may not comment gets neither the form nor Reply links.
    may_comment = is_open and not login_required
    form = context.get("comment_form")
    if form is None:
        form = CommentForm(initial=remembered_author(request) if request else {})
        parent_id = request.GET.get("replytocom") if request else None
    else:
        parent_id = form["comment_parent"].value()
    thread_html = thread_for(request, post, page=page_number(request), is_open=may_comment)
    return {
        "post": post,
        "thread_html": thread_html,
        # No approved comment, yet a thread: the reader's own comments awaiting moderation.
        "only_own_pending": not post.comment_count and bool(thread_html.strip()),
        "is_open": is_open,
        "login_required": login_required,
        "form": form,
        "comment_error": context.get("comment_error", ""),
        "form_ts": policy.form_timestamp(post),
        "reply_to": reply_target(post, parent_id) if may_comment else None,
        "akismet_notice": bool(settings.AKISMET_API_KEY) and discussion.akismet_notice,
        # Only a signed-in user's form carries Django's token (see core/csrf.py).
        "signed_in": bool(request and request.user.is_authenticated),
    }
