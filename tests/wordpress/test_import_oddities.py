"""What real exports hold and WordPress accepts imports, with a warning, never a traceback."""

import tracemalloc
from io import BytesIO, StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from taggit.models import Tag

from blog.models import Category, Post
from comments.models import Comment, Status
from comments.workflow import notifications
from redirects.models import OldLink
from tests.factories import PostFactory
from tests.support.people import editors_group, make_editor
from wordpress import wxr
from wordpress.importer import import_wxr
from wordpress.models import ImportedItem

from .public_sweep import sweep
from .wxr_builder import C, I, export

pytestmark = pytest.mark.django_db


def run(data: bytes) -> str:
    path = BytesIO(data)
    return "\n".join(import_wxr(path).lines())


# --- Slugs in any script -------------------------------------------------------------------

NON_LATIN = [
    ("caf%c3%a9", "café"),
    ("%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82", "привет"),
    ("%ce%ba%ce%b1%ce%bb%ce%b7%ce%bc%ce%ad%cf%81%ce%b1", "καλημέρα"),
    ("%e6%97%a5%e6%9c%ac%e8%aa%9e", "日本語"),
]


@pytest.mark.parametrize(("encoded", "decoded"), NON_LATIN)
def test_a_percent_encoded_slug_is_decoded_and_every_page_still_answers(client, encoded, decoded):
    item = I(
        slug=encoded,
        link=f"http://old.example.com/2012/01/03/{encoded}/",
        terms=[("category", encoded, decoded.title()), ("post_tag", encoded, decoded)],
    )

    run(export([item], categories=[(encoded, decoded.title(), "")]))

    post = Post.objects.get()
    assert post.slug == decoded
    assert Category.objects.get().slug == decoded
    assert Tag.objects.get().slug == decoded
    assert client.get(post.get_absolute_url()).status_code == 200
    assert client.get(f"/2012/01/03/{encoded}/")["Location"] == post.get_absolute_url()
    assert client.get(f"/2012/01/03/{decoded}/")["Location"] == post.get_absolute_url()
    assert sweep() == {}


def test_a_slug_of_bidi_controls_loses_them():
    slug = "uncat\u202eegorized\u202c"

    run(export([I(terms=[("category", slug, "Uncategorized")])], categories=[(slug, "U", "")]))

    assert Category.objects.get().slug == "uncategorized"


def test_a_slug_of_punctuation_alone_falls_back_to_the_title_then_the_id():
    run(export([I(wp_id="7", slug="%%%", title="!!!"), I(wp_id="8", slug="", title="Good day")]))

    assert set(Post.objects.values_list("slug", flat=True)) == {"post-7", "good-day"}


@pytest.mark.parametrize("slug", ["a b", "a/b", "caf%C3%A9", "", "tab\there", "nul\x00"])
def test_a_slug_the_addresses_cannot_carry_is_refused_on_save(slug, post):
    post.slug = slug
    with pytest.raises(ValidationError):
        post.save()
    with pytest.raises(ValidationError):
        Category(name="x", slug=slug).save()


def test_the_admin_refuses_a_slug_with_a_space(admin_client, post):
    url = reverse("admin:blog_category_add")

    response = admin_client.post(url, {"name": "Has space", "slug": "has space"})

    assert response.status_code == 200
    assert not Category.objects.exists()


def test_a_tag_named_in_punctuation_alone_gets_an_address(client, post):
    post.tags.add("!!!")

    tag = Tag.objects.get(name="!!!")
    assert tag.slug
    assert client.get(reverse("blog:tag", args=[tag.slug])).status_code == 200
    assert client.get(post.get_absolute_url()).status_code == 200


# --- Terms ---------------------------------------------------------------------------------


def test_two_tags_whose_names_read_the_same_become_one_tag_with_a_warning():
    printed = run(
        export(
            [I(terms=[("post_tag", "content", "content"), ("post_tag", "content-2", "content")])],
            tags=[("content", "content"), ("content-2", "content")],
        )
    )

    assert Tag.objects.count() == 1
    assert "same name as the tag 'content'; merged into it" in printed
    assert list(Post.objects.get().tags.names()) == ["content"]


def test_a_category_listed_twice_on_a_post_is_filed_once():
    item = I(terms=[("category", "news", "News"), ("category", "news", "News")])

    run(export([item], categories=[("news", "News", "")]))

    assert Post.objects.get().categories.count() == 1


# --- Ids ------------------------------------------------------------------------------------


def test_an_item_listed_twice_imports_once_with_a_warning():
    printed = run(export([I(wp_id="5", title="First"), I(wp_id="5", title="Again")]))

    assert list(Post.objects.values_list("title", flat=True)) == ["First"]
    assert "post 5: listed twice in the file; the second is skipped" in printed


def test_items_without_ids_are_each_imported_with_a_warning():
    printed = run(export([I(wp_id="0", slug="a"), I(wp_id="", slug="b"), I(wp_id="-3", slug="c")]))

    assert Post.objects.count() == 3
    assert printed.count("no id; imported") == 3
    assert not ImportedItem.objects.filter(kind="post").exists()


def test_a_huge_comment_id_leaves_our_own_ids_alone(client, post):
    item = I(comments=[C(wp_id=str(2**63 - 1)), C(wp_id=str(2**64 + 5), content="Bigger")])

    run(export([item]))

    imported = Comment.objects.get(content="A comment.")
    assert imported.old_number == 2**63 - 1
    assert imported.pk < 2**31
    assert Comment.objects.get(content="Bigger").old_number is None
    later = Comment.objects.create(post=post, author_name="x", content="y")
    assert later.pk < 2**31


def test_a_reply_whose_parent_is_on_another_post_stays_on_its_own_post_at_the_top():
    printed = run(
        export(
            [
                I(wp_id="1", slug="one", comments=[C(wp_id="11")]),
                I(wp_id="2", slug="two", comments=[C(wp_id="12", parent="11")]),
            ]
        )
    )

    reply = Comment.objects.get(old_number=12)
    assert reply.parent is None
    assert reply.post.slug == "two"
    assert "comment 12: its parent is on another post" in printed


def test_replies_that_loop_back_are_shown_at_the_top():
    run(export([I(comments=[C(wp_id="1", parent="2"), C(wp_id="2", parent="1")])]))

    assert set(Comment.objects.values_list("parent", flat=True)) == {None}


# --- Two sites -------------------------------------------------------------------------------


def test_another_sites_export_is_imported_beside_the_first_never_merged_into_it():
    first = export([I(wp_id="1", slug="ours", comments=[C(wp_id="1", content="Ours.")])])
    other = export(
        [I(wp_id="1", slug="theirs", comments=[C(wp_id="1", content="Theirs.")])],
        site="https://another.example.org",
    )
    run(first)

    printed = run(other)

    assert sorted(Post.objects.values_list("slug", flat=True)) == ["ours", "theirs"]
    theirs = Comment.objects.get(content="Theirs.")
    assert theirs.post.slug == "theirs"
    assert "old.example.com" in printed
    assert "kept apart" in printed
    assert "Already present: 1 author." in printed


def test_the_same_site_over_https_and_with_www_is_the_same_site():
    run(export([I(wp_id="1")], site="http://old.example.com"))

    printed = run(export([I(wp_id="1")], site="https://www.old.example.com/"))

    assert Post.objects.count() == 1
    assert "Already present: 1 author, 1 post." in printed


# --- Accounts --------------------------------------------------------------------------------


def test_imported_authors_get_no_moderator_mail(post):
    editor = make_editor(email="editor@example.com")
    run(export([I()], authors=["writer"]))
    # An older import made its authors staff in Editors; they still cannot sign in.
    legacy = get_user_model().objects.get(username="writer")
    legacy.is_staff = True
    legacy.email = "writer@example.com"
    legacy.save()
    legacy.groups.add(editors_group())

    assert list(notifications.moderators()) == [editor]


# --- Hostile files ---------------------------------------------------------------------------


def _peak_mib(data: bytes) -> tuple[str, float]:
    tracemalloc.start()
    try:
        list(wxr.read(BytesIO(data)))
        outcome = "read"
    except wxr.WXRError as error:
        outcome = str(error)
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return outcome, peak / 2**20


def test_millions_of_empty_elements_in_an_item_are_refused_in_bounded_memory():
    data = export([I(content="x")]).replace(b"<title>A post", b"<a/>" * 2_000_000 + b"<title>A")

    outcome, peak = _peak_mib(data)

    assert "holds more than 250,000 elements" in outcome
    assert peak < 80


def test_millions_of_empty_siblings_of_the_channel_stay_in_bounded_memory():
    data = export([I()]).replace(b"</channel>", b"</channel>" + b"<a/>" * 2_000_000)

    outcome, peak = _peak_mib(data)

    assert outcome == "read"
    assert peak < 20


def test_deep_nesting_is_refused_in_one_line():
    data = export([I()]).replace(b"<title>A post", b"<a>" * 100_000 + b"</a>" * 100_000 + b"<t")

    outcome, peak = _peak_mib(data)

    assert outcome == "This is not a WordPress export: its elements nest more than 32 deep."
    assert peak < 20


def test_a_refused_file_stores_nothing(post):
    data = export([I(), I(wp_id="11", slug="b")]).replace(b"</item>", b"<a/>" * 300_000, 1)
    before = (Post.objects.count(), OldLink.objects.count(), ImportedItem.objects.count())

    with pytest.raises(wxr.WXRError):
        import_wxr(BytesIO(data))

    assert (Post.objects.count(), OldLink.objects.count(), ImportedItem.objects.count()) == before


def test_the_command_prints_the_refusal_in_one_line(tmp_path):
    path = tmp_path / "deep.xml"
    path.write_bytes(export([I()]).replace(b"<title>", b"<a>" * 40 + b"</a>" * 40 + b"<title>"))

    with pytest.raises(Exception, match="nest more than 32 deep") as refused:
        call_command("import_wordpress", str(path), stdout=StringIO())
    assert "\n" not in str(refused.value)


def test_every_imported_public_page_answers_after_a_mixed_file():
    item = I(
        slug="caf%c3%a9",
        terms=[("category", "caf%c3%a9", "Café"), ("post_tag", "", "!!!")],
        comments=[C(wp_id="1"), C(wp_id="1"), C(wp_id="0"), C(wp_id="2", parent="99")],
    )
    PostFactory(slug="café")

    run(export([item, I(wp_id="0", type="page", slug="%e6%97%a5")]))

    assert sweep() == {}
    assert Comment.objects.filter(status=Status.APPROVED).count() == 3


# --- What WordPress's importer reads, this reads (issue 27) ----------------------------------


def test_an_export_that_uses_atom_without_declaring_it_imports():
    # WordPress.com's exports of 2011-2012 write <atom:link> in the channel, undeclared.
    data = export([I()]).replace(
        b"<channel>",
        b"<channel><atom:link rel='hub' href='http://old.example.com/?pushpress=hub'/>",
    )

    printed = run(data)

    assert printed.startswith("Imported Old blog")
    assert Post.objects.get().title == "A post"


def test_control_bytes_in_postmeta_are_dropped_each_line_a_warning():
    # WordPress.com's oEmbed cache: serialized PHP whose protected property names hold NULs.
    meta = (
        b"<wp:postmeta><wp:meta_key>_oembed_1</wp:meta_key><wp:meta_value><![CDATA["
        b'O:8:"stdClass":1:{s:7:"\x00*\x00data";s:3:"\x0bab";}]]></wp:meta_value></wp:postmeta>'
        b"\n<wp:postmeta><wp:meta_key>_oembed_2</wp:meta_key>"
        b"<wp:meta_value>\x00</wp:meta_value></wp:postmeta>"
    )
    data = export([I(comments=[C()])]).replace(b"</item>", meta + b"</item>")
    first = data[: data.index(b"\x00")].count(b"\n") + 1

    printed = run(data)

    assert Post.objects.get().title == "A post"
    assert Comment.objects.count() == 1
    assert f"line {first}: dropped 3 control bytes XML forbids (0x00, 0x0B)" in printed
    assert f"line {first + 1}: dropped a control byte XML forbids (0x00)" in printed


def test_a_file_of_control_bytes_alone_is_still_refused_as_not_an_export():
    with pytest.raises(wxr.WXRError):
        run(b"\x00\x01\x02" * 1000)


def test_a_prefix_that_is_neither_declared_nor_well_known_is_still_refused():
    data = export([I()]).replace(b"<channel>", b"<channel><made:up>x</made:up>")

    with pytest.raises(wxr.WXRError, match="unbound prefix"):
        run(data)


# --- Authors by mapping (issue 27) -------------------------------------------------------------


@pytest.mark.parametrize("login", ["editor", "admin"])
def test_a_file_author_named_like_a_staff_account_never_borrows_its_byline(login):
    staff = make_editor(username=login)
    data = export([I(creator=login)], authors=[login])

    printed = run(data)
    again = run(data)

    author = Post.objects.get().author
    assert author != staff
    assert author.username == f"{login}-2"
    assert not author.is_staff
    assert not author.has_usable_password()
    assert author.author_profile.display_name == login
    assert f"credited to a new account '{login}-2'" in printed
    assert "Already present: 1 author, 1 post." in again
    assert get_user_model().objects.filter(username__startswith=login).count() == 2


def test_a_file_author_without_an_id_named_like_a_superuser_gets_its_own_account_once():
    get_user_model().objects.create_superuser("admin", "admin@example.com", "x")
    # WXR 1.0 lists no authors: the item's creator is all there is.
    data = export([I(creator="admin")], authors=[], version="1.0")

    run(data)
    run(data)

    assert Post.objects.get().author.username == "admin-2"
    assert get_user_model().objects.filter(username__startswith="admin").count() == 2


def test_the_command_line_author_map_still_credits_a_staff_account():
    staff = make_editor(username="editor")

    summary = import_wxr(BytesIO(export([I(creator="writer")])), author_map={"writer": "editor"})

    assert Post.objects.get().author == staff
    assert summary.present["author"] == 1


def test_an_author_whose_login_holds_a_slash_imports_and_the_post_answers(client):
    # WordPress never makes such a login, but a file may hold one: no archive can have it.
    data = export([I(creator="a/b")], authors=["a/b"])

    printed = run(data)

    post = Post.objects.get()
    assert post.author.username == "a/b"
    assert "Created:" in printed
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert 'rel="author"' not in page.content.decode()
