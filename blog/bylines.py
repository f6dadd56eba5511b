"""What the site says of a post's author wherever it names them: their name and archive address.

The byline, the author archive and its feeds, the feeds' items, the JSON-LD, the sitemap, the
editors' replies from the desk and the importer's old addresses all ask here.
"""

from django.urls import NoReverseMatch, reverse


def display_name(user) -> str:
    """Return the name `user` signs with: their profile's, else their full name, else login."""
    profile = getattr(user, "author_profile", None)
    return (profile.display_name if profile else "") or user.get_full_name() or user.get_username()


def author_url(user) -> str | None:
    """Return the address of `user`'s archive, or None if no address can hold their login."""
    try:
        return reverse("blog:author", kwargs={"username": user.get_username()})
    except NoReverseMatch:
        # An imported WordPress login may hold a "/", which no path segment can.
        return None
