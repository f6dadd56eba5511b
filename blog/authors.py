"""Author archives: one author's published posts at /author/<username>/, with their feeds."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .bylines import author_url, display_name
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


def with_archive(user):
    """Return `user`, or raise Http404 unless they wrote a published post or page."""
    # Pages name their author too (their structured data), as WordPress's archive does.
    if not Post.objects.published().filter(author=user).exists():
        raise Http404(_("No posts by this author."))
    return user


class AuthorArchiveView(ArchiveView):
    def get_term(self):
        # An author with nothing published has no archive: 404, like an unknown one.
        return with_archive(author_from_username(self.kwargs["username"]))

    def term_url(self):
        return author_url(self.term)

    def get_queryset(self):
        return Post.objects.listed().filter(author=self.term)

    def heading(self):
        return _("Posts by %(name)s") % {"name": display_name(self.term)}


class AuthorFeed(CategoryFeed):
    def get_object(self, request, username):
        return with_archive(author_from_username(username))

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
