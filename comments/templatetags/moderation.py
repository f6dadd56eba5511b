from django import template

from comments.moderation.dashboard import dashboard

register = template.Library()


@register.inclusion_tag("admin/comments/dashboard.html", takes_context=True)
def moderation_dashboard(context):
    """Show editors what waits for them, the last 30 days and Akismet's record."""
    request = context["request"]
    if not request.user.has_perm("comments.view_comment"):
        return {"show": False}
    return {"show": True, **dashboard()}
