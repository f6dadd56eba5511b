"""Generated exports full of what real ones hold: the import takes them or refuses in one line.

Hypothesis writes WordPress exports with odd slugs in many scripts (percent-encoded or not,
with spaces, bidi controls, punctuation alone), missing, zero, repeated and huge ids,
colliding term names, a term listed twice, replies to missing or foreign parents, unknown
statuses and types, bad dates, and sometimes cuts the file short. Whatever it writes, the
import either succeeds and every public page answers below 500, or it is refused with one
line and nothing is stored; never a traceback.
"""

from io import BytesIO
from urllib.parse import quote

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.models import Category, Post
from comments.models import Comment
from redirects.models import OldLink
from wordpress.importer import import_wxr
from wordpress.models import ImportedItem
from wordpress.wxr import WXRError

from .public_sweep import sweep
from .wxr_builder import C, I, export

pytestmark = pytest.mark.django_db

# Characters an XML file can carry: no controls but tab and newline, no surrogates.
TEXT = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\ufffe\uffff",
        max_codepoint=0x2FFFF,
    )
    | st.sampled_from(["-", "_", " ", "%", "/", "\u202e", "\u200f", "é", "я", "λ", "日", "!"]),
    max_size=20,
)
SLUG = TEXT | TEXT.map(lambda text: quote(text.encode(), safe="").lower())
IDS = st.sampled_from(["", "0", "-1", "1", "2", "3", "7", "18446744073709551617", "x"])
STATUSES = st.sampled_from(["1", "0", "spam", "trash", "", "hold", "post-trashed"])
DATES = st.sampled_from(["2012-01-04 16:00:00", "0000-00-00 00:00:00", "", "yesterday"])

comments = st.builds(C, wp_id=IDS, parent=IDS, approved=STATUSES, author=TEXT, date=DATES)
terms = st.tuples(st.sampled_from(["category", "post_tag", "tag", "nav_menu"]), SLUG, TEXT)
items = st.builds(
    I,
    wp_id=IDS,
    title=TEXT,
    slug=SLUG,
    status=st.sampled_from(["publish", "draft", "private", "future", "trash", "inherit", "??"]),
    type=st.sampled_from(["post", "page", "attachment", "nav_menu_item", "wp_block"]),
    parent=IDS,
    creator=TEXT,
    date=DATES,
    terms=st.lists(terms, max_size=4),
    comments=st.lists(comments, max_size=4),
)
exports = st.builds(
    export,
    st.lists(items, max_size=4),
    categories=st.lists(st.tuples(SLUG, TEXT, SLUG), max_size=3),
    tags=st.lists(st.tuples(SLUG, TEXT), max_size=3),
    authors=st.lists(TEXT, max_size=2),
)


def stored() -> tuple:
    models = (Post, Category, Comment, ImportedItem, OldLink)
    return tuple(model.objects.count() for model in models)


class Undo(Exception):
    """Roll one example back, so the next starts from the same database."""


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=exports, cut=st.none() | st.integers(min_value=1, max_value=4000))
def test_a_generated_export_imports_or_is_refused_in_one_line(data, cut):
    if cut is not None:
        data = data[:cut]
    before = stored()
    try:
        with transaction.atomic():
            refusal = None
            try:
                import_wxr(BytesIO(data))
            except WXRError as refused:
                refusal = str(refused)
            if refusal is None:
                assert sweep() == {}
            else:
                assert "\n" not in refusal
                assert stored() == before
            raise Undo
    except Undo:
        pass
