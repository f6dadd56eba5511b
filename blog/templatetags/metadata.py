from django import template
from django.utils.html import json_script
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def json_ld(value):
    """Render data as a JSON-LD script, escaped as Django's json_script escapes JSON."""
    # json_script escapes <, > and & so no text can close the script; only its type differs.
    script = json_script(value).replace('type="application/json"', 'type="application/ld+json"', 1)
    return mark_safe(script)  # noqa: S308
