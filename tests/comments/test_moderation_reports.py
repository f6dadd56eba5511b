"""A person's spam/ham decision teaches Akismet: one report, with the stored payload, retried."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import AkismetReport, CommentEvent, Status, Verdict
from core import outbox
from devstack.akismet_double import AkismetDouble
from tests.comments.moderation_helpers import run_action
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db
STORED = {
    "user_ip": "198.51.100.9",
    "user_agent": "Mozilla/5.0 (stored)",
    "comment_author": "Stored Sam",
    "comment_author_email": "sam@example.com",
    "comment_content": "What comment-check saw.",
    "comment_type": "comment",
    "blog_charset": "UTF-8",
}


@pytest.fixture
def akismet(settings):
    with AkismetDouble() as double:
        settings.AKISMET_API_KEY = "test-key"
        settings.AKISMET_API_URL = double.url
        yield double


def decide(client, action, comment, status, capture):
    with capture(execute=True):
        run_action(client, action, [comment], status=status)


def test_marking_ham_as_spam_sends_one_submit_spam_with_the_stored_payload(
    admin_client, akismet, django_capture_on_commit_callbacks
):
    comment = CommentFactory(
        status=Status.PENDING,
        spam_verdict=Verdict.HAM,
        akismet_payload=STORED,
        content="Edited since the check",
    )

    decide(admin_client, "spam_comments", comment, "pending", django_capture_on_commit_callbacks)

    sent = akismet.requests_to("submit-spam")
    assert len(sent) == 1
    for key, value in STORED.items():
        assert sent[0].data[key] == value
    assert not akismet.requests_to("submit-ham")
    report = AkismetReport.objects.get(comment=comment)
    assert (report.state, report.attempts, report.kind) == ("sent", 1, "spam")
    assert comment.events.filter(action=CommentEvent.Action.REPORTED).count() == 1


def test_not_spam_sends_one_submit_ham(admin_client, akismet, django_capture_on_commit_callbacks):
    comment = CommentFactory(status=Status.SPAM, spam_verdict=Verdict.SPAM, akismet_payload=STORED)

    decide(admin_client, "ham_comments", comment, "spam", django_capture_on_commit_callbacks)

    sent = akismet.requests_to("submit-ham")
    assert len(sent) == 1
    assert sent[0].data["comment_content"] == STORED["comment_content"]
    assert not akismet.requests_to("submit-spam")


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve_comments", Status.PENDING),
        ("unapprove_comments", Status.APPROVED),
        ("trash_comments", Status.SPAM),
        ("restore_comments", Status.TRASH),
    ],
)
def test_decisions_that_are_not_spam_or_ham_tell_akismet_nothing(
    admin_client, akismet, django_capture_on_commit_callbacks, action, status
):
    comment = CommentFactory(status=status, akismet_payload=STORED, status_before_trash="spam")

    decide(admin_client, action, comment, status, django_capture_on_commit_callbacks)

    assert akismet.requests == []
    assert not AkismetReport.objects.exists()


def test_a_comment_never_checked_is_reported_with_a_payload_built_from_it(
    admin_client, akismet, django_capture_on_commit_callbacks
):
    comment = CommentFactory(status=Status.PENDING, author_name="Fresh Fran")

    decide(admin_client, "spam_comments", comment, "pending", django_capture_on_commit_callbacks)

    (sent,) = akismet.requests_to("submit-spam")
    assert sent.data["comment_author"] == "Fresh Fran"
    assert sent.data["user_ip"] == "203.0.113.7"


def test_a_failed_report_is_kept_visible_and_sent_on_retry(
    admin_client, akismet, django_capture_on_commit_callbacks
):
    comment = CommentFactory(status=Status.PENDING, akismet_payload=STORED)
    akismet.mode = "error"

    decide(admin_client, "spam_comments", comment, "pending", django_capture_on_commit_callbacks)

    report = AkismetReport.objects.get()
    assert (report.state, report.attempts) == ("failed", 1)
    assert "500" in report.last_error
    page = admin_client.get(f"/admin/comments/comment/{comment.pk}/change/").text
    assert "Failed, will retry" in page
    assert "Report to Akismet failed" in page

    akismet.mode = "normal"
    assert outbox.send_due()["comments.AkismetReport"] == 0  # its backoff has not passed
    AkismetReport.objects.update(send_after=timezone.now())
    assert outbox.send_due()["comments.AkismetReport"] == 1

    report.refresh_from_db()
    assert (report.state, report.attempts, report.last_error) == ("sent", 2, "")
    assert len(akismet.requests_to("submit-spam")) == 2


def test_failures_are_retried_later_with_no_task_row_and_never_block_the_admin(
    admin_client, akismet, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.RUN_WOKEN_JOBS_IN_PROCESS = False  # as on a site: a task worker is woken
    comment = CommentFactory(status=Status.PENDING, akismet_payload=STORED)

    decide(admin_client, "spam_comments", comment, "pending", django_capture_on_commit_callbacks)

    # The admin request only stored the report: the row is the queue entry.
    assert akismet.requests == []
    assert AkismetReport.objects.get().state == "queued"
    assert not DBTaskResult.objects.exists()

    # The woken worker sends it, and Akismet fails.
    akismet.mode = "error"
    assert outbox.send_due()["comments.AkismetReport"] == 0
    report = AkismetReport.objects.get()
    assert (report.state, report.attempts) == ("failed", 1)
    # The workers wake again when its retry is due; before that, nothing is sent twice.
    assert outbox.next_due() == report.send_after > timezone.now()
    assert outbox.send_due()["comments.AkismetReport"] == 0
    assert len(akismet.requests_to("submit-spam")) == 1
    assert not DBTaskResult.objects.exists()


def report_pk() -> int:
    return AkismetReport.objects.get().pk


def test_check_for_spam_rechecks_everything_awaiting_a_check_with_a_reason(
    admin_client, akismet, django_capture_on_commit_callbacks
):
    spam = CommentFactory(
        status=Status.AWAITING_CHECK,
        spam_verdict=Verdict.ERROR,
        author_name="akismet-guaranteed-spam",
    )
    ham = CommentFactory(status=Status.AWAITING_CHECK, spam_verdict=Verdict.ERROR)
    CommentFactory(status=Status.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/comments/comment/check-all/", follow=True)

    assert "2 comments queued for a spam check." in response.text
    checks = akismet.requests_to("comment-check")
    assert len(checks) == 2
    assert {c.data["recheck_reason"] for c in checks} == {"recheck_queue"}
    spam.refresh_from_db()
    ham.refresh_from_db()
    assert spam.status == Status.SPAM
    # A recheck of the queue never approves by itself: the editor still decides.
    assert ham.status == Status.PENDING


def test_an_editor_can_send_a_failed_report_again_at_once(
    admin_client, akismet, django_capture_on_commit_callbacks
):
    comment = CommentFactory(status=Status.SPAM, akismet_payload=STORED)
    report = AkismetReport.objects.create(
        comment=comment, kind="spam", state="failed", attempts=10, last_error="gave up"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/comments/akismetreport/",
            {"action": "send_again", "index": 0, "_selected_action": [report.pk]},
            follow=True,
        )

    assert "1 report queued to be sent again." in response.text
    report.refresh_from_db()
    assert (report.state, report.attempts) == ("sent", 1)
    assert len(akismet.requests_to("submit-spam")) == 1
