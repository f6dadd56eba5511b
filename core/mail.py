"""Email the site sends, rendered from templates: a one-line subject, a plain-text body."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def one_line(text: str) -> str:
    """Return `text` fit for a mail header: every run of whitespace, newlines too, one space."""
    # Titles and names are people's text; a newline in a subject would start a new header.
    return " ".join(str(text).split())


def templated_email(subject: str, template: str, context: dict, *, to, headers=None):
    """Build a plain-text email: the body rendered from `template`, the subject one line."""
    return EmailMessage(
        one_line(subject), render_to_string(template, context), to=list(to), headers=headers
    )
