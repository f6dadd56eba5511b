"""Akismet's health on the admin index: the key, the last good check, what waits on it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comments.models import AkismetKeyCheck, AkismetReport, CommentEvent, Status, Verdict
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db
Action = CommentEvent.Action


@pytest.fixture(autouse=True)
def _a_key_is_set(settings):
    settings.AKISMET_API_KEY = "test-key"


def failed_check(minutes_ago: int):
    comment = CommentFactory(status=Status.AWAITING_CHECK, spam_verdict=Verdict.ERROR)
    CommentEvent.objects.create(
        comment=comment,
        action=Action.CHECK_FAILED,
        actor_label="Akismet",
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    return comment


def panel(client) -> str:
    page = client.get(reverse("admin:index")).text
    start = page.index('<div class="akismet-health')
    return page[start : page.index("</dl>", start)]


def test_the_index_says_what_waits_on_akismet(editor_client):
    ok = CommentFactory(status=Status.APPROVED, spam_verdict=Verdict.HAM)
    CommentEvent.objects.create(comment=ok, action=Action.CHECKED, actor_label="Akismet")
    failed_check(minutes_ago=2)
    AkismetReport.objects.create(comment=ok, kind="ham", state=AkismetReport.State.FAILED)

    AkismetKeyCheck.objects.create(valid=True)

    html = panel(editor_client)

    assert "health-ok" in html
    assert "verified " in html
    assert '<dd class="health-waiting">1</dd>' in html
    assert ">1</a></dd>" in html  # one report not sent yet
    assert "never" not in html


def test_the_panel_turns_red_when_akismet_is_unreachable_for_over_ten_minutes(editor_client):
    ok = CommentFactory(status=Status.APPROVED, spam_verdict=Verdict.HAM)
    CommentEvent.objects.create(
        comment=ok,
        action=Action.CHECKED,
        actor_label="Akismet",
        created_at=timezone.now() - timedelta(hours=1),
    )
    failed_check(minutes_ago=12)
    failed_check(minutes_ago=3)

    html = panel(editor_client)

    assert "health-down" in html
    assert "Akismet has been unreachable for 12" in html
    assert '<dd class="health-waiting">2</dd>' in html


def test_a_fresh_failure_is_not_yet_an_outage(editor_client):
    AkismetKeyCheck.objects.create(valid=True)
    failed_check(minutes_ago=5)

    assert "health-ok" in panel(editor_client)


def test_verify_the_key_now_records_the_answer(editor_client, akismet_answers):
    response = editor_client.post(reverse("admin:comments_comment_verify_key"), follow=True)

    assert "Akismet accepted the key." in response.text
    assert AkismetKeyCheck.objects.get().valid is True
    assert "verified " in panel(editor_client)


def test_the_deploy_check_keeps_its_answer_for_the_index(akismet_answers):
    call_command("check", "--deploy", "--tag", "akismet")

    assert AkismetKeyCheck.objects.get().valid is True


def test_without_a_key_the_panel_is_amber_and_says_where_to_set_it(editor_client, settings):
    settings.AKISMET_API_KEY = ""

    page = editor_client.get(reverse("admin:index")).text

    assert '<div class="akismet-health health-warn"' in page
    assert "health-ok" not in page
    assert "Akismet is off: no API key is set." in page
    assert "<code>AKISMET_API_KEY</code> in <code>.env</code>" in page


@pytest.mark.parametrize(
    ("valid", "colour", "says"),
    [
        (None, "health-warn", "The Akismet key is not verified."),
        (False, "health-down", "Akismet rejected the API key."),
    ],
)
def test_a_key_not_verified_or_rejected_is_not_green(editor_client, valid, colour, says):
    if valid is not None:
        AkismetKeyCheck.objects.create(valid=valid)

    html = panel(editor_client)

    assert f'<div class="akismet-health {colour}"' in html
    assert says in html
    assert "AKISMET_API_KEY" in html


def test_an_akismet_check_that_could_not_reach_akismet_is_amber(editor_client):
    AkismetKeyCheck.objects.create(valid=None, error="timed out")

    assert '<div class="akismet-health health-warn"' in panel(editor_client)
