"""Shared steps for the discussion settings specifications: an editor saving the admin page."""

from django.forms.models import model_to_dict
from django.test import Client

from comments.models import DiscussionSettings
from tests.support.people import make_editor

SETTINGS_URL = "/admin/comments/discussionsettings/"


def settings_form(**changes) -> dict:
    """Return the admin form as an editor sends it: what is stored, with these changes."""
    values = model_to_dict(DiscussionSettings.load(), exclude=["id"])
    values.update(changes)
    form = {}
    for name, value in values.items():
        if value is False:
            continue  # an unticked box is not sent
        form[name] = "on" if value is True else "" if value is None else str(value)
    return form


def editor_browser() -> Client:
    browser = Client()
    browser.force_login(make_editor(username="settings-editor"))
    return browser


def save_settings(capture_on_commit, browser=None, **changes):
    """Save the discussion settings page in the admin, as an editor, and commit."""
    with capture_on_commit(execute=True):
        response = (browser or editor_browser()).post(SETTINGS_URL, settings_form(**changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response
