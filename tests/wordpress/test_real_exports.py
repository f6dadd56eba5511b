"""WordPress's own published exports move in whole, and the site stays up after each.

The files are WordPress's (tests/wordpress/corpus/README.md says where each comes from):
the importer plugin's test data and the theme unit test data, content nobody here wrote.
"""

from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from blog.models import Category, Post
from comments.models import Comment, DailyCount, Status
from redirects.models import OldLink
from wordpress.models import ImportedItem

from .public_sweep import sweep

# Big exports make the import write its progress through the "progress" database.
pytestmark = pytest.mark.django_db(databases=["default", "progress"])

CORPUS = Path(__file__).parent / "corpus"
VALID = sorted(CORPUS.glob("*.xml"))
INVALID = sorted((CORPUS / "invalid").glob("*.xml"))
THEME_UNIT_TEST = CORPUS / "themeunittestdata.wordpress.xml"


def import_file(path: Path) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), stdout=out)
    return out.getvalue()


def stored() -> dict[str, int]:
    return {
        "posts": Post.objects.count(),
        "categories": Category.objects.count(),
        "comments": Comment.objects.count(),
        "users": get_user_model().objects.count(),
        "imported": ImportedItem.objects.count(),
        "old links": OldLink.objects.count(),
    }


def test_the_corpus_holds_the_public_exports():
    assert len(VALID) == 35
    assert len(INVALID) == 5


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_every_valid_wordpress_export_imports_and_every_public_page_answers(path):
    printed = import_file(path)

    assert printed.startswith("Imported ")
    assert "Traceback" not in printed
    assert sweep() == {}


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.name)
def test_a_file_that_is_not_a_valid_export_is_refused_in_one_line_storing_nothing(path):
    before = stored()

    with pytest.raises(CommandError) as refused:
        import_file(path)

    assert "\n" not in str(refused.value)
    assert stored() == before


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_importing_an_export_again_adds_only_what_it_cannot_recognise(path):
    import_file(path)
    first = stored()

    printed = import_file(path)

    # Items without an id cannot be recognised; the summary says so, once for each.
    unrecognised = printed.count("no id; imported")
    assert stored() == {**first, "posts": first["posts"] + unrecognised}


@pytest.fixture
def theme_unit_test(db):
    return import_file(THEME_UNIT_TEST)


def test_theme_unit_test_comments_arrive_as_thirty_approved_and_three_pending(theme_unit_test):
    statuses = sorted(Comment.objects.values_list("status", flat=True))

    assert statuses.count(Status.APPROVED) == 30
    assert statuses.count(Status.PENDING) == 3
    assert len(statuses) == 33


def test_theme_unit_test_ten_deep_reply_chain_is_intact(theme_unit_test):
    deepest = Comment.objects.get(old_number=915)
    chain = []
    comment = deepest
    while comment.parent_id:
        comment = comment.parent
        chain.append(comment.old_number)

    assert chain == [914, 913, 912, 911, 910, 907, 906, 905, 904]
    assert len({c.post_id for c in Comment.objects.filter(old_number__in=chain)}) == 1


def test_theme_unit_test_old_comment_anchors_still_land(client, theme_unit_test):
    comment = Comment.objects.get(old_number=915)
    page = BeautifulSoup(client.get(comment.post.get_absolute_url()).content, "html.parser")

    assert page.find(id="comment-915") is not None


def test_theme_unit_test_sticky_post_comes_first(client, theme_unit_test):
    page = BeautifulSoup(client.get("/").content, "html.parser")

    first = page.select_one("article h2 a, article .entry-title a")
    assert first.get_text(strip=True) == "Template: Sticky"


def test_theme_unit_test_closed_posts_stay_closed(theme_unit_test):
    closed = Post.objects.get(slug="template-comments-disabled")

    assert not closed.comments_open


def test_theme_unit_test_old_links_lead_to_the_posts(client, theme_unit_test):
    sticky = Post.objects.get(slug="template-sticky")
    old = "/2012/01/07/template-sticky/"
    wp_id = ImportedItem.objects.get(kind="post", object_id=sticky.pk).wp_id

    answer = client.get(old)
    assert answer.status_code == 301
    assert answer["Location"] == sticky.get_absolute_url()
    assert client.get(answer["Location"]).status_code == 200
    assert client.get(f"/?p={wp_id}")["Location"] == sticky.get_absolute_url()
    assert client.get(f"{old}feed/")["Location"] == f"{sticky.get_absolute_url()}feed/"
    assert client.get(f"{old}comment-page-1/")["Location"].endswith("?cpage=1")


def test_theme_unit_test_pages_answer_at_page_id(client, theme_unit_test):
    about = Post.objects.pages().get(slug="about")
    wp_id = ImportedItem.objects.get(kind="post", object_id=about.pk).wp_id

    assert client.get(f"/?page_id={wp_id}")["Location"] == about.get_absolute_url()


def test_theme_unit_test_categories_and_tags_keep_their_addresses(client, theme_unit_test):
    nested = Category.objects.get(slug="child-category-03")

    assert client.get(nested.get_absolute_url()).status_code == 200
    assert nested.get_absolute_url().startswith("/category/parent-category/")
    assert client.get("/tag/alignment-2/").status_code == 200
    assert client.get("/category/markup/feed/").status_code == 200


def test_the_dashboard_ledger_counts_what_an_import_brought(theme_unit_test):
    ledger = {}
    for row in DailyCount.objects.values("status", "count"):
        ledger[row["status"]] = ledger.get(row["status"], 0) + row["count"]

    assert ledger == {Status.APPROVED: 30, Status.PENDING: 3}


def test_imported_authors_are_plain_accounts_that_cannot_sign_in(theme_unit_test):
    for user in get_user_model().objects.all():
        assert not user.is_staff
        assert not user.groups.exists()
        assert not user.has_usable_password()
