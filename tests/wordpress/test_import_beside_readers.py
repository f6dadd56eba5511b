"""An import runs while the site is live: a reader posting meanwhile is answered at once.

The import holds one transaction for minutes on a large file. Here it is paused halfway,
its first comments written and not yet committed, while a reader posts a comment over
HTTP to the live server; the reader's answer must come before the import goes on, and both
must be stored. When imported comments took WordPress's ids, the reader's comment took
the same id from the sequence and waited on the import's row: the two waited for each other.
"""

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from bench.wordpress_import import write_export
from comments.models import Comment, DailyCount, Status
from comments.workflow.moves import MOVES
from comments.workflow.purge import purge_old_comments
from comments.workflow.writer import apply_move
from tests.comments.commenting import form_data
from tests.factories import PostFactory
from wordpress.importer import import_wxr

pytestmark = pytest.mark.django_db(transaction=True)

READER_TIMEOUT_SECONDS = 20


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_as_reader(url: str, data: dict) -> tuple[int, float]:
    opener = urllib.request.build_opener(NoRedirect)
    body = urllib.parse.urlencode(data).encode()
    started = time.monotonic()
    try:
        status = opener.open(url, body, timeout=READER_TIMEOUT_SECONDS).status
    except urllib.error.HTTPError as answer:
        status = answer.code
    return status, time.monotonic() - started


def test_a_comment_posted_during_an_import_is_answered_at_once_and_both_are_stored(
    live_server, tmp_path
):
    post = PostFactory(title="Live post")
    export = tmp_path / "export.xml"
    write_export(export, posts=300, comments_per_post=10)
    halfway, reader_done = threading.Event(), threading.Event()
    outcome = {}

    def progress(count):
        # After the first batch of 200 posts and their 2,000 comments is written.
        if count > 2_300 and not halfway.is_set():
            halfway.set()
            reader_done.wait(READER_TIMEOUT_SECONDS + 10)

    def run_import():
        try:
            with export.open("rb") as source:
                outcome["summary"] = import_wxr(source, progress=progress)
        except Exception as error:  # the assertion below names it
            outcome["error"] = error
        finally:
            from django.db import connection

            connection.close()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert halfway.wait(120), outcome
        assert Comment.objects.count() == 0  # the import's comments are not committed yet
        url = f"{live_server.url}/comments/post/{post.pk}/"
        status, seconds = post_as_reader(url, form_data(post, author="Reader during import"))
    finally:
        reader_done.set()
        importer.join(180)

    assert status == 302
    assert seconds < 5
    assert "error" not in outcome, outcome.get("error")
    assert Comment.objects.filter(author_name="Reader during import", post=post).exists()
    assert Comment.objects.filter(old_number__isnull=False).count() == 3_000
    assert "Created: 1 author, 20 categories, 50 tags, 300 posts, 3000 comments" in "\n".join(
        outcome["summary"].lines()
    )


def test_the_ledger_equals_the_live_counts_after_an_import_and_moves(tmp_path):

    export = tmp_path / "export.xml"
    write_export(export, posts=20, comments_per_post=10)
    with export.open("rb") as source:
        import_wxr(source)
    assert ledger() == live_counts()

    pending = list(Comment.objects.filter(status=Status.PENDING).values_list("pk", flat=True))
    apply_move(pending[:5], MOVES["approve"])
    apply_move(pending[5:8], MOVES["spam"])
    assert ledger() == live_counts()

    before = live_counts()
    spam, _trash = purge_old_comments(now=timezone.now() + timedelta(days=365))
    # A purge removes comments but never a past figure: the ledger keeps what arrived.
    assert spam > 0
    assert ledger() == before
    assert live_counts() != before


def ledger() -> dict:
    totals = {}
    for row in DailyCount.objects.values("status", "count"):
        totals[row["status"]] = totals.get(row["status"], 0) + row["count"]
    return {status: n for status, n in totals.items() if n}


def live_counts() -> dict:
    totals = {}
    for status in Comment.objects.values_list("status", flat=True):
        totals[status] = totals.get(status, 0) + 1
    return totals
