"""A small blog with every kind of reader page, built as readers and editors make one."""

from dataclasses import dataclass

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from blog.models import Category, Post
from comments.models import Comment
from comments.workflow import moves
from comments.workflow import writer as workflow
from tests.comments.commenting import form_data, next_address
from tests.factories import AuthorProfileFactory, PostFactory

LONG_TITLE = "Supercalifragilisticexpialidocious" * 4


@dataclass
class ReaderSite:
    seed: Post
    threaded: Post
    untitled: Post
    page: Post
    category: Category
    pages: dict[str, str]


def post_comment(client, post, **fields) -> Comment:
    """Post a comment through the form, as a reader does, and return it."""
    response = client.post(
        reverse("comments:post", args=[post.pk]),
        form_data(post, **fields),
        REMOTE_ADDR=next_address(),
    )
    assert response.status_code in (200, 302), response.content[:500]
    comment = Comment.objects.filter(post=post).latest("pk")
    # Approved, so that others may answer it.
    workflow.apply_move([comment.pk], moves.APPROVE)
    return comment


def build_reader_site(client) -> ReaderSite:
    """Make the seed article, a threaded discussion, an untitled post, a page and archives."""
    call_command("load_seed", verbosity=0)
    seed = Post.objects.get(slug="selling-vs-marketing")
    author = AuthorProfileFactory(user__username="ada", display_name="Ada Author").user
    category = Category.objects.create(name="Marketing", slug="marketing")
    threaded = PostFactory(
        title="A discussion in several voices",
        slug="a-discussion",
        author=author,
        custom_excerpt="Readers from three continents answer one another.",
    )
    threaded.categories.add(category)
    threaded.tags.add("conversation")
    threaded.refresh_filing()
    untitled = PostFactory(title="", slug="untitled-note", author=author)
    untitled.categories.add(category)
    untitled.tags.add("conversation")
    untitled.refresh_filing()
    PostFactory(title=LONG_TITLE, slug="a-long-word", author=author)
    page = PostFactory(title="About", slug="about", kind=Post.Kind.PAGE, author=author)

    first = post_comment(client, threaded, author="Grace Reader", comment="Marketing listens.")
    reply = post_comment(
        client,
        threaded,
        author="سارة",
        email="sara@example.com",
        comment="التسويق محادثة وليس بثا.",
        comment_parent=str(first.pk),
    )
    post_comment(
        client,
        threaded,
        author="דוד",
        email="david@example.com",
        comment="שיווק הוא שיחה.",
        comment_parent=str(reply.pk),
    )
    threaded.refresh_from_db()
    local = timezone.localtime(threaded.published_at)
    pages = {
        "home": "/",
        "home, page 2": "/?page=2",
        "seed article": seed.get_absolute_url(),
        "post with threaded comments": threaded.get_absolute_url(),
        "reply page": f"{threaded.get_absolute_url()}?replytocom={first.pk}",
        "untitled post": untitled.get_absolute_url(),
        "page": page.get_absolute_url(),
        "category archive": category.get_absolute_url(),
        "tag archive": reverse("blog:tag", args=["conversation"]),
        "year archive": f"/{local.year}/",
        "month archive": f"/{local.year}/{local.month:02d}/",
        "author archive": reverse("blog:author", args=["ada"]),
        "search": "/search/?q=marketing",
        "search without results": "/search/?q=zebra",
        "404": "/no-such-page-at-all/",
    }
    return ReaderSite(seed, threaded, untitled, page, category, pages)
