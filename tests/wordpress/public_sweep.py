"""Every public address of an imported site, asked for as a reader would: none may fail.

After an import, the site's own pages are what readers meet first: the home page and its
pages, the feeds and sitemap, every post and page with its comment feed, every category
and tag with theirs, the date archives, a search for each title, and every old address the
import recorded, followed to where it leads. Each answer must be below 500; old addresses
must end on a page that exists.
"""

from urllib.parse import quote, urlsplit

from django.db.models.functions import TruncMonth
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from blog.models import Category, Post
from redirects.models import OldLink

# Values the hostile sweep (tests/security/sweep.py) sends, on the parameters readers' pages read.
HOSTILE = ["0", "-1", "01", "+1", "99999999999999999999", "%00", "%ED%A0%80", "%27%22%3E"]


def public_addresses() -> list[str]:
    """Return the reader pages of the site as it is stored now."""
    addresses = ["/", "/feed/", "/feed/atom/", "/sitemap.xml", "/comments/feed/", "/robots.txt"]
    posts = Post.objects.published()
    for n, post in enumerate(posts.select_related("parent")):
        url = post.get_absolute_url()
        addresses += [url, f"{url}feed/"]
        if n < 5:
            addresses += [f"{url}?cpage={value}" for value in HOSTILE]
            addresses.append(reverse("blog:search") + "?q=" + quote(post.title[:40]))
    for category in Category.objects.select_related("parent"):
        url = category.get_absolute_url()
        addresses += [url, f"{url}feed/"]
    for tag in Tag.objects.all():
        url = reverse("blog:tag", args=[tag.slug])
        addresses += [url, f"{url}feed/"]
    months = posts.posts().annotate(month=TruncMonth("published_at")).values_list("month")
    for (month,) in months.distinct():
        addresses += [f"/{month:%Y}/", f"/{month:%Y}/{month:%m}/"]
    addresses += [f"/?page={value}" for value in HOSTILE]
    return addresses


def sweep(client: Client | None = None) -> dict[str, int]:
    """Ask for every public address and every old link; return the answers that failed."""
    client = client or Client()
    failures = {}
    for address in public_addresses():
        status = client.get(address).status_code
        if status >= 500:
            failures[address] = status
    for old_path in OldLink.objects.values_list("old_path", flat=True):
        response = client.get(old_path, follow=True)
        if response.status_code >= 500:
            failures[old_path] = response.status_code
        for target, _status in response.redirect_chain:
            if urlsplit(target).netloc:
                failures[f"{old_path} → {target}"] = 0
    return failures
