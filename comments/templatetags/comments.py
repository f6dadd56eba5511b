from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("comments/section.html", takes_context=True)
def render_comments(context, post):
    """Render a post's comment section: its approved comments and the comment form."""
    return {
        "post": post,
        "request": context.get("request"),
        "akismet_notice": bool(settings.AKISMET_API_KEY),
    }
