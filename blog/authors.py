"""Author archives: one author's published posts at /author/<username>/, with their feeds."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from .feeds import PostsAtom
from .models import Post
from .taxonomy_feeds import CategoryFeed
from .taxonomy_views import ArchiveView


def author_from_username(username: str):
    """Return the user `username` names, or raise Http404."""
    if "\x00" in username:
        # No user name holds a NUL, and PostgreSQL cannot compare text that does.
        raise Http404("No such author")
    users = get_user_model().objects.select_related("author_profile")
    return get_object_or_404(users, **{get_user_model().USERNAME_FIELD: username})


def author_url(user) -> str:
    return reverse("blog:author", kwargs={"username": user.get_username()})


def display_name(user) -> str:
    profile = getattr(user, "author_profile", None)
    return (profile.display_name if profile else "") or user.get_full_name() or user.get_username()


class AuthorArchiveView(ArchiveView):
    # An author with no published post has no archive: 404, like an unknown one.
    allow_empty = False

    def get_term(self):
        return author_from_username(self.kwargs["username"])

    def term_url(self):
        return author_url(self.term)

    def get_queryset(self):
        return Post.objects.listed().filter(author=self.term)

    def heading(self):
        return _("Posts by %(name)s") % {"name": display_name(self.term)}


class AuthorFeed(CategoryFeed):
    def get_object(self, request, username):
        user = author_from_username(username)
        if not Post.objects.listed().filter(author=user).exists():
            raise Http404(_("No posts by this author."))
        return user

    def title(self, user):
        return f"{self.site_title()} » {display_name(user)}"

    def link(self, user):
        return author_url(user)

    def description(self, user):
        return _("New posts by %(name)s.") % {"name": display_name(user)}

    def items(self, user):
        return Post.objects.listed().unprotected().filter(author=user)[:20]


class AuthorAtomFeed(AuthorFeed):
    feed_type = PostsAtom
    subtitle = AuthorFeed.description
