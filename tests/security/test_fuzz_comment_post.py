"""Property-based fuzzing of the comment POST: no input makes a 500, and only a 302 stores."""

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.models import Comment
from devstack.stack import comment_form
from tests.factories import PostFactory
from tests.security.test_hostile_comments import REFUSED, STORED

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIELDS = [
    "author",
    "email",
    "url",
    "comment",
    "comment_parent",
    "form_ts",
    "ak_hp_textarea",
    "wp-comment-cookies-consent",
]
# Anything a browser can send in a form (UTF-8 cannot carry lone surrogates).
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=300)
INTERESTING = [value for _field, value in STORED + REFUSED] + [
    "",
    " ",
    "0",
    "-1",
    "1",
    "yes",
    "on",
    "https://example.com/",
    "ada@example.com",
    "%00",
    "\x00",
    "\r\n",
    "é" * 246,
    "👍" * 70_000,
]
VALUES = st.one_of(
    ANY_TEXT,
    st.sampled_from(INTERESTING),
    st.emails(),
    st.integers().map(str),
    st.lists(ANY_TEXT, min_size=2, max_size=3),
)
SUBMISSIONS = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(FIELDS, VALUES),
        "author": st.one_of(VALUES, st.just("Ada Reader")),
        "email": st.one_of(VALUES, st.just("ada@example.com")),
        "comment": st.one_of(VALUES, st.just("A real comment.")),
    },
)


@pytest.fixture
def article(db):
    return PostFactory()


@pytest.fixture
def form_fields(client, article):
    _action, hidden = comment_form(client.get(article.get_absolute_url()).content.decode())
    return hidden


@override_settings(COMMENTS_FLOOD_SECONDS=0)
@FUZZ
@given(submission=SUBMISSIONS, keep_form=st.booleans())
def test_no_form_submission_makes_a_500_and_only_a_302_stores(
    client, article, form_fields, submission, keep_form
):
    data = {**form_fields, **submission} if keep_form else submission
    before = Comment.objects.count()

    response = client.post(f"/comments/post/{article.pk}/", data)

    assert response.status_code < 500, response.content.decode()[:300]
    assert response.status_code in (302, 400, 403, 409, 429)
    stored = Comment.objects.count() - before
    assert stored == (1 if response.status_code == 302 else 0)


@override_settings(COMMENTS_FLOOD_SECONDS=0)
@FUZZ
@given(body=st.binary(max_size=600), content_type=st.sampled_from(["form", "multipart", "json"]))
def test_no_raw_body_makes_a_500_and_only_a_302_stores(client, article, body, content_type):
    content_type = {
        "form": "application/x-www-form-urlencoded",
        "multipart": "multipart/form-data; boundary=xyz",
        "json": "application/json",
    }[content_type]
    before = Comment.objects.count()

    response = client.generic("POST", f"/comments/post/{article.pk}/", body, content_type)

    assert response.status_code < 500, response.content.decode(errors="replace")[:300]
    stored = Comment.objects.count() - before
    assert stored == (1 if response.status_code == 302 else 0)
