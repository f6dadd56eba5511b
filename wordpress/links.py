"""Links between an imported site's posts: the old addresses, and links inside the bodies.

A post's body often links to the old site's other posts. Most of those are older posts,
which an export lists first, so a link is rewritten to its new address before its post is
stored, in the same INSERT. The rest wait for the end of the file: links to posts further
on, and to pages, whose address depends on their parent page, which is set at the end.
Rewriting every post again at the end took a tenth of an import's time.
"""

from urllib.parse import urlsplit

from blog.models import Post
from redirects.models import OldLink

from . import content, wxr

CHUNK = 500


def old_paths(item: wxr.Item, kind: str) -> list[str]:
    """Return the addresses the old site answered at for an item: path and query only."""
    query = "page_id" if kind == Post.Kind.PAGE else "p"
    paths = {f"/?{query}={item.wp_id}", f"/?p={item.wp_id}"} if item.wp_id else set()
    if item.link:
        paths.add(content.old_path(item.link))
    # A request's path never holds a NUL (and PostgreSQL text cannot): `%00` is no address.
    return sorted(path[:500] for path in paths if "\x00" not in path)


def store_archive_links(pairs: list[tuple[str, str]], summary) -> None:
    """Store old addresses that lead to an archive or a path: (old path, new path) pairs."""
    wanted = dict(pairs)
    if not wanted:
        return
    known = set(
        OldLink.objects.filter(old_path__in=list(wanted)).values_list("old_path", flat=True)
    )
    links = [OldLink(old_path=old, new_path=new) for old, new in wanted.items() if old not in known]
    OldLink.objects.bulk_create(links, ignore_conflicts=True)
    summary.created["old link"] += len(links)


def _host(channel: wxr.Channel | None) -> str:
    base = (channel.base_blog_url or channel.link) if channel else ""
    return urlsplit(base).netloc


class LinkRewriter:
    """Point links in new posts at the old site's posts to where those posts are now."""

    def __init__(self):
        self.later: list[int] = []  # posts whose links to the old site wait for the end

    def before_insert(self, new: list[tuple[Post, wxr.Item]], channel) -> list[Post]:
        """Rewrite the links whose targets are known now; return the posts that keep some."""
        host = _host(channel)
        if not host:
            return [post for post, _ in new]
        linking = [post for post, _ in new if host in post.body]
        paths = {path for post in linking for path in content.links_to(host, post.body)}
        if not paths:
            return []
        targets, waiting = {}, set()
        for link in OldLink.objects.filter(old_path__in=paths).select_related("post"):
            if link.post_id and link.post.kind == Post.Kind.PAGE:
                waiting.add(link.old_path)
            else:
                targets[link.old_path] = link.target()
        # This batch's own posts; an address already taken keeps its owner, as in the table.
        for post, item in new:
            if post.kind == Post.Kind.POST:
                for path in old_paths(item, post.kind):
                    if path in paths and path not in waiting:
                        targets.setdefault(path, post.get_absolute_url())
        kept = []
        for post in linking:
            post.body = post.body_html = content.rewrite_links(post.body, host, targets)
            if content.links_to(host, post.body):
                kept.append(post)
        return kept

    def after_insert(self, kept: list[Post]) -> None:
        self.later += [post.pk for post in kept]

    def finish(self, channel) -> None:
        """Rewrite the links that waited, now that every post and page has its address."""
        host = _host(channel)
        if not host:
            return
        for start in range(0, len(self.later), CHUNK):
            chunk = self.later[start : start + CHUNK]
            posts = list(Post.objects.filter(pk__in=chunk, body__contains=host).only("body"))
            paths = {path for post in posts for path in content.links_to(host, post.body)}
            links = OldLink.objects.filter(old_path__in=paths).select_related("post")
            targets = {link.old_path: link.target() for link in links}
            changed = []
            for post in posts:
                body = content.rewrite_links(post.body, host, targets)
                if body != post.body:
                    post.body = post.body_html = body
                    changed.append(post)
            Post.objects.bulk_update(changed, ["body", "body_html"], batch_size=100)
