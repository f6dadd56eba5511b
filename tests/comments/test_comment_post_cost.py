"""A reader's comment costs the database a handful of statements, written in one transaction.

The issue (26) counted 13 round trips and 2 commits for one comment POST; each ORM query
costs about a millisecond to build. These specify what a POST may run, against the real
transaction (not the test's wrapping one), with the task queue production uses.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommentEvent, DailyCount, Status
from tests.comments.commenting import form_data, next_address

# The statements a comment's own transaction may run: the advisory lock, the duplicate and
# flood rules in one query, and the comment with its event and its count in one statement.
MOST_STATEMENTS_IN_THE_TRANSACTION = 3
# Queueing the spam check is the check's own statement, counted apart: a task row after the
# commit, or a NOTIFY inside the transaction that wakes the checkers at the commit.
CHECK_QUEUEING = ("dbtaskresult", "pg_notify")


def queues_the_check(sql: str) -> bool:
    return any(name in sql.lower() for name in CHECK_QUEUEING)


@dataclass
class Statements:
    """Every statement a request ran: whether inside a transaction, and after how many commits."""

    runs: list = field(default_factory=list)
    commits: int = 0

    def __call__(self, execute, sql, params, many, context):
        # Outside `atomic()` each statement is a transaction of its own (autocommit).
        self.runs.append((sql, not connection.get_autocommit(), self.commits))
        return execute(sql, params, many, context)

    def the_checks_queueing(self) -> list[str]:
        return [sql for sql, _inside, _n in self.runs if queues_the_check(sql)]

    def until_the_commit(self, inside: bool) -> list[str]:
        """The comment's own statements up to its commit (what follows is the check's)."""
        return [
            sql
            for sql, was_inside, n in self.runs
            if n == 0 and was_inside == inside and not queues_the_check(sql)
        ]


@pytest.fixture
def statements(monkeypatch, settings, site_settings_kept, discussion_settings_kept):
    """Count what each comment POST runs, on a site whose settings rows are in the cache."""
    # Production's queue: queueing the spam check is one INSERT, not the check itself.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # and the check runs in a task worker, woken by the pg_notify, not in this process.
    settings.RUN_WOKEN_JOBS_IN_PROCESS = False
    recorded = Statements()
    commit = connection.commit

    def counted_commit():
        commit()
        recorded.commits += 1

    monkeypatch.setattr(connection, "commit", counted_commit)
    return recorded


def post_comment(client, post, statements, **fields):
    with connection.execute_wrapper(statements):
        return client.post(
            reverse("comments:post", args=[post.pk]),
            form_data(post, **fields),
            REMOTE_ADDR=next_address(),
        )


@pytest.mark.django_db(transaction=True)
def test_a_comment_is_stored_with_its_event_and_count_in_one_short_transaction(
    client, post, statements
):
    response = post_comment(client, post, statements)

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Status.AWAITING_CHECK
    event = CommentEvent.objects.get(comment=comment)
    assert (event.action, event.actor_label, event.to_status) == (
        CommentEvent.Action.SUBMITTED,
        "reader",
        Status.AWAITING_CHECK,
    )
    counted = DailyCount.objects.values_list("day", "status", "verdict", "count")
    assert list(counted) == [
        (timezone.localdate(comment.submitted_at), comment.status, comment.spam_verdict, 1)
    ]
    assert statements.commits >= 1
    inside = statements.until_the_commit(inside=True)
    assert len(inside) <= MOST_STATEMENTS_IN_THE_TRANSACTION, "\n\n".join(inside)
    assert statements.the_checks_queueing(), statements.runs
    # Before the transaction only the post is read: the site's and the discussion's settings
    # come from the cache, and nothing is written outside the transaction.
    before = statements.until_the_commit(inside=False)
    assert len(before) <= 1, before
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in before), before


@pytest.mark.django_db(transaction=True)
def test_a_refused_duplicate_writes_nothing(client, post, statements):
    said = {"comment": "The same words, twice."}
    assert post_comment(client, post, statements, **said).status_code == 302
    runs = len(statements.runs)

    assert post_comment(client, post, statements, **said).status_code == 409

    assert Comment.objects.count() == 1
    refused = [sql for sql, _inside, _n in statements.runs[runs:]]
    assert not [sql for sql in refused if sql.lstrip().upper().startswith("INSERT")], refused


@pytest.mark.django_db(transaction=True)
def test_a_workers_connection_prepares_the_statements_every_comment_runs(client, post, statements):
    # A gunicorn worker keeps its connection (CONN_MAX_AGE): after a few comments PostgreSQL
    # runs their statements as prepared ones instead of parsing and planning them each time.
    for n in range(7):
        said = {"email": f"reader{n}@example.com", "comment": f"Comment number {n}."}
        assert post_comment(client, post, statements, **said).status_code == 302

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    inside = statements.until_the_commit(inside=True)
    rules, insert = inside[-2], inside[-1]
    assert "EXISTS" in rules, inside
    assert insert.lstrip().upper().startswith(("INSERT", "WITH")), inside
    for sql in (rules, insert):
        assert any(_same_statement(sql, statement) for statement in prepared), (sql, prepared)


def _same_statement(sql: str, prepared: str) -> bool:
    # psycopg sends each %s or %(name)s as $1, $2…: compare the text around the placeholders.
    def shape(text):
        return re.sub(r"%\(\w+\)s|%s|\$\d+", "?", " ".join(text.split()))

    return shape(sql) == shape(prepared)
