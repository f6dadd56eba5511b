"""Import a WordPress export: authors, categories, tags, posts, pages, comments, old links.

`import_wxr(file)` reads the file as a stream (`wordpress.wxr`) inside one transaction and
writes in batches. Every object records its WordPress id with its site (`ImportedItem`), so
a second run of the same file, or of a later export of the same site, adds only what is
new, and another site's export is imported beside it, never merged into it. Imported
comments are written in their WordPress status: no Akismet call, no email, no event.

What WordPress itself accepts imports: colliding term names, a term listed twice on a post,
percent-encoded or empty slugs, missing or repeated ids. Each oddity is a warning in the
summary; only a file that is not a WordPress export is refused.
"""

import itertools
from collections import Counter, defaultdict
from functools import partial
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import TaggedItem

from blog.bylines import author_url
from blog.markup import sanitize_html
from blog.models import AuthorProfile, Post
from core.slugs import slug_from
from redirects.models import OldLink

from . import attachments, content, shortcodes, wxr
from .comment_import import CommentWriter, known_comment_ids
from .links import LinkRewriter, old_paths, store_archive_links
from .models import ImportedItem
from .summary import Summary
from .terms import Terms

BATCH = 200

POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
    "auto-draft": Post.Status.DRAFT,
}
NOT_CONTENT = {"nav_menu_item": "menu item"}


def site_of(channel: wxr.Channel | None) -> str:
    """Return the old site's address as its imports are keyed: no scheme, no `www.`."""
    if channel is None:
        return ""
    url = channel.base_blog_url or channel.base_site_url or channel.link
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"[:300]


def import_wxr(
    source,
    *,
    author_map=None,
    progress=None,
    uploads=None,
    uploads_archive=None,
    fetch_uploads=False,
    fetch_hosts=(),
) -> Summary:
    """Import a WXR file object in one transaction and return what was done.

    Then its images, from the `uploads` folder or zip (`uploads_archive`) or, with
    `fetch_uploads`, the old site and the `fetch_hosts` confirmed as its CDN
    (`wordpress.attachments`), each on its own: one that cannot be had is a warning.
    `progress(count)` is told how far the reading is, and `progress.images(done, total)`,
    if it has one, how far the images are.
    """
    importer = Importer(author_map or {}, progress)
    with transaction.atomic():
        importer.run(source)
    attachments.bring(
        importer.attachments,
        importer.featured,
        site=importer.source or "",
        summary=importer.summary,
        uploads=uploads,
        archive=uploads_archive,
        fetch=fetch_uploads,
        sites=attachments.own_sites(importer.channel),
        fetch_hosts=list(fetch_hosts),
        progress=getattr(progress, "images", None),
    )
    return importer.summary


class Importer:
    def __init__(self, author_map: dict[str, str], progress=None):
        self.summary = Summary()
        self.author_map = author_map
        self.progress = progress
        self.channel = None
        self.source = None  # the old site (`site_of`), known once the channel has said it
        self.posts: dict[int, int] = {}
        self.comment_writer = None
        self.in_file: set[int] = set()  # the post ids read so far: a file can repeat one
        self.slugs = set(Post.objects.values_list("slug", flat=True))
        self.terms = Terms(self.summary)
        self.authors: dict[str, object] = {}
        self.batch: list[tuple[Post | None, wxr.Item]] = []
        self.page_parents: list[tuple[int, int, int]] = []  # (post pk, own wp id, parent wp id)
        self.post_type = ContentType.objects.get_for_model(Post)
        self.links = LinkRewriter()
        self.count = 0
        self.attachments: list[attachments.Attachment] = []
        self.featured: dict[int, int] = {}  # our post id -> its featured attachment's id
        # `[gallery]` shows images the file may list after the post: drawn at the end.
        self.gallery_images: dict[int, list[shortcodes.GalleryImage]] = defaultdict(list)
        self.galleries: list[tuple[Post, wxr.Item]] = []

    # --- The stream ---------------------------------------------------------------------

    def run(self, source) -> None:
        repaired = partial(self.summary.warn, "line")
        for channel, record in wxr.read(source, known_comments=self.known_comments, warn=repaired):
            self.channel = channel
            self.begin()
            match record:
                case wxr.Author():
                    self.author(record)
                case wxr.Term():
                    self.terms.add(record)
                case wxr.Item():
                    self.terms.create()
                    self.item(record)
        self.terms.create()
        self.flush()
        self.finish()

    def begin(self) -> None:
        """Once the channel has named its site: what earlier imports of that site brought."""
        if self.source is not None:
            return
        self.source = source = site_of(self.channel)
        imported = ImportedItem.objects.all()
        if not imported.exclude(source="").exists():
            # Imports from before sites were told apart were all of one site: this one.
            imported.filter(source="").update(source=source)
        others = imported.exclude(source=source).values_list("source", flat=True).distinct()
        for other in others[:5]:
            self.summary.warn(
                "site", other or "(unnamed)", f"also imported here; kept apart from {source}"
            )
        self.posts = dict(
            imported.filter(source=source, kind=ImportedItem.Kind.POST).values_list(
                "wp_id", "object_id"
            )
        )
        self.comment_writer = CommentWriter(self.summary, self.tick, source)

    def known_comments(self, channel):
        self.channel = channel
        self.begin()
        return known_comment_ids(self.source)

    def tick(self, n: int = 1) -> None:
        before, self.count = self.count, self.count + n
        if self.progress and before // 50 != self.count // 50:
            self.progress(self.count)

    # --- Authors and terms -------------------------------------------------------------

    def author(self, record: wxr.Author, *, kind="author"):
        login = record.login[:150]
        if not login:
            self.summary.warn(kind, record.wp_id or "without an id", "no login; not imported")
            return None
        if login in self.authors:
            return self.authors[login]
        User = get_user_model()
        mapped = self.author_map.get(login)
        if mapped:
            user = User.objects.filter(username=mapped).first()
            if user is None:
                raise wxr.WXRError(f"--author-map {login}={mapped}: there is no user {mapped!r}.")
            self.summary.present[kind] += 1
        elif user := self.own_account(record, login):
            self.summary.present[kind] += 1
        else:
            username = self.free_username(login)
            if username != login:
                self.summary.warn(
                    kind,
                    login,
                    f"{login!r} here is someone else's account; credited to a new account "
                    f"{username!r} (map it in the upload form to credit an account here)",
                )
            # A plain account that posts are credited to: not staff, in no group, and unable
            # to sign in until an administrator gives it a password.
            user = User(
                username=username,
                email=record.email[:254],
                first_name=record.first_name[:150],
                last_name=record.last_name[:150],
            )
            user.set_unusable_password()
            user.save()
            AuthorProfile.objects.create(
                user=user, display_name=content.plain_text(record.display_name)[:200] or login
            )
            if record.wp_id:
                ImportedItem.objects.get_or_create(
                    source=self.source,
                    kind=ImportedItem.Kind.AUTHOR,
                    wp_id=record.wp_id,
                    defaults={"object_id": user.pk},
                )
            self.summary.created[kind] += 1
        self.author_links(record, user)
        self.authors[login] = user
        return user

    def own_account(self, record: wxr.Author, login: str):
        """Return the account an earlier import made for this author, or None."""
        # Never an account of this site's own people: a file that names its author `admin`
        # or `editor` must not put words under their byline unless the editor maps it so.
        User = get_user_model()
        if record.wp_id:
            earlier = ImportedItem.objects.filter(
                source=self.source, kind=ImportedItem.Kind.AUTHOR, wp_id=record.wp_id
            ).values_list("object_id", flat=True)
            if user := User.objects.filter(pk__in=earlier).first():
                return user
        for username in _usernames(login):
            user = User.objects.filter(username=username).first()
            if user is None:
                return None
            if _is_plain(user):
                return user
        return None

    def free_username(self, login: str) -> str:
        taken = set(
            get_user_model()
            .objects.filter(username__startswith=login[:140])
            .values_list("username", flat=True)
        )
        return next(username for username in _usernames(login) if username not in taken)

    def author_links(self, record: wxr.Author, user) -> None:
        """Lead WordPress's addresses of an author (`/?author=2`, `/author/a-b/`) to theirs."""
        archive = author_url(user)
        if archive is None:
            # A login no address can hold has no archive, as its byline shows.
            return
        old = [(f"/?author={record.wp_id}", archive)] if record.wp_id else []
        # WordPress's author address is the login made a slug (its user_nicename).
        nicename = slugify(record.login)
        taken = get_user_model().objects.filter(username=nicename).exclude(pk=user.pk).exists()
        if nicename and not taken and f"/author/{nicename}/" != unquote(archive):
            old.append((f"/author/{nicename}/", archive))
        store_archive_links(old, self.summary)

    # --- Posts and pages ---------------------------------------------------------------

    def item(self, item: wxr.Item) -> None:
        self.tick()
        kind = "page" if item.type == "page" else "post"
        if item.type == "attachment":
            if attachment := attachments.from_item(item):
                self.attachments.append(attachment)
                self.gallery_images[item.parent].append(
                    shortcodes.GalleryImage(
                        attachment.wp_id,
                        item.parent,
                        attachment.url,
                        attachment.alt,
                        content.plain_text(item.excerpt),
                    )
                )
            return
        if item.type in NOT_CONTENT:
            self.summary.skipped[(NOT_CONTENT[item.type], "not imported")] += 1
            return
        if item.type not in ("post", "page"):
            self.summary.skipped[(f"{item.type} item", "not a post or page")] += 1
            return
        if item.status == "trash":
            self.summary.skipped[(kind, "in the trash")] += 1
            skipped = len(item.comments) + item.known_comments
            self.summary.skipped[("comment", "its post was skipped")] += skipped
            return
        if not item.wp_id:
            self.summary.warn(
                kind, repr(item.title[:60]), "no id; imported, but importing again adds it again"
            )
        elif item.wp_id in self.in_file:
            self.summary.warn(kind, item.wp_id, "listed twice in the file; the second is skipped")
            return
        self.in_file.add(item.wp_id)
        if item.wp_id in self.posts:
            self.summary.present[kind] += 1
            self.queue(None, item)
            return
        self.queue(self.new_post(item, kind), item)

    def new_post(self, item: wxr.Item, kind: str) -> Post:
        status = POST_STATUSES.get(item.status)
        if status is None:
            status = Post.Status.DRAFT
            self.summary.warn(kind, item.wp_id, f"unknown status {item.status!r}; kept as draft")
        title = content.plain_text(item.title)[:200]
        if item.password:
            self.summary.protected.append(f"{item.wp_id} “{title}”")
        published_at = wxr.parse_date(item.date_gmt, item.date)
        if published_at is None:
            published_at = timezone.now()
            self.summary.warn(kind, item.wp_id, "no date; dated now")
        body = content.post_html(item.content, self.summary.shortcodes)
        post = Post(
            title=title,
            slug=self.unique_slug(item),
            author=self.author(wxr.Author(login=item.creator or "wordpress")),
            body=body,
            body_html=sanitize_html(body),
            body_format=Post.BodyFormat.HTML,
            custom_excerpt=content.plain_text(item.excerpt),
            status=status,
            published_at=published_at,
            comments_open=item.comment_status != "closed",
            kind=Post.Kind.PAGE if kind == "page" else Post.Kind.POST,
            sticky=item.sticky,
            password=item.password[:255],
        )
        post.filing = self.terms.filing(item)
        if shortcodes.has_gallery(item.content):
            self.galleries.append((post, item))
        self.summary.created[kind] += 1
        return post

    def unique_slug(self, item: wxr.Item) -> str:
        base = slug_from(item.slug, max_length=190) or slug_from(
            content.plain_text(item.title), max_length=190, fallback=f"post-{item.wp_id or 1}"
        )
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        if slug != base:
            self.summary.warn("post", item.wp_id, f"slug {base!r} was taken; it is now {slug!r}")
        self.slugs.add(slug)
        return slug

    def keep_modified_dates(self, new) -> None:
        """Date each post's last change as WordPress did, not at this import (feeds, sitemap)."""
        # bulk_create stamps `updated_at` now (auto_now); bulk_update writes what we give it.
        # An export without modified dates (WXR 1.0) has the publication date at least.
        for post, item in new:
            modified = wxr.parse_date(item.modified_gmt, item.modified)
            post.updated_at = max(modified or post.published_at, post.published_at)
        Post.objects.bulk_update([post for post, _ in new], ["updated_at"])

    def queue(self, post: Post | None, item: wxr.Item) -> None:
        self.batch.append((post, item))
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the queued posts and all their new comments, tags and old links."""
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        new = [(post, item) for post, item in batch if post is not None]
        linking = self.links.before_insert(new, self.channel)
        Post.objects.bulk_create([post for post, _ in new])
        self.keep_modified_dates(new)
        self.links.after_insert(linking)
        Post.objects.filter(pk__in=[post.pk for post, _ in new]).update(
            search_vector=Post.search_vector_expression()
        )
        links, through, tagged = [], [], []
        for post, item in new:
            if item.wp_id:
                self.posts[item.wp_id] = post.pk
            if thumbnail := wxr.parse_id(item.meta.get("_thumbnail_id", "")):
                self.featured[post.pk] = thumbnail
            for taxonomy, term_pk in item.terms:
                if taxonomy == "category":
                    through.append(Post.categories.through(post_id=post.pk, category_id=term_pk))
                else:
                    tagged.append(
                        TaggedItem(content_type=self.post_type, object_id=post.pk, tag_id=term_pk)
                    )
            if item.parent and post.kind == Post.Kind.PAGE:
                self.page_parents.append((post.pk, item.wp_id, item.parent))
            paths = old_paths(item, post.kind)
            links += [OldLink(old_path=path, post_id=post.pk) for path in paths]
        ImportedItem.objects.bulk_create(
            [
                ImportedItem(
                    source=self.source,
                    kind=ImportedItem.Kind.POST,
                    wp_id=item.wp_id,
                    object_id=post.pk,
                )
                for post, item in new
                if item.wp_id
            ]
        )
        Post.categories.through.objects.bulk_create(through)
        TaggedItem.objects.bulk_create(tagged)
        self.summary.created["old link"] += len(
            OldLink.objects.bulk_create(links, ignore_conflicts=True)
        )
        self.comment_writer.write(
            [(post.pk if post else self.posts[item.wp_id], item) for post, item in batch]
        )

    # --- The end -----------------------------------------------------------------------

    def draw_galleries(self) -> None:
        """Draw each `[gallery]` now that every image in the file is known."""

        def images(post_wp_id: int) -> list[shortcodes.GalleryImage]:
            if post_wp_id:
                return self.gallery_images.get(post_wp_id, [])
            return [image for listed in self.gallery_images.values() for image in listed]

        for post, item in self.galleries:
            body = content.post_html(
                item.content, Counter(), post_wp_id=item.wp_id, gallery_images=images
            )
            Post.objects.filter(pk=post.pk).update(body=body, body_html=body)
            # Its links to the old site are pointed at the new addresses with the others'.
            self.links.after_insert([post])

    def finish(self) -> None:
        for post_pk, wp_id, parent_wp_id in self.page_parents:
            parent = self.posts.get(parent_wp_id)
            if parent is None or parent == post_pk:
                self.summary.warn("page", wp_id, "its parent page is missing; kept at the top")
                continue
            Post.objects.filter(pk=post_pk).update(parent_id=parent)
        self.draw_galleries()
        self.links.finish(self.channel)
        if self.channel:
            # A blog installed in a folder (`/blog/`): its home, and its feeds after it.
            folder = urlsplit(self.channel.base_blog_url or self.channel.link).path.rstrip("/")
            if folder:
                store_archive_links([(f"{folder}/", "/")], self.summary)
        self.summary.site = self.channel.title if self.channel else ""
        self.summary.version = self.channel.wxr_version if self.channel else ""


def _usernames(login: str):
    """Yield the usernames an author `login` may have here: `login`, then `login-2`, ..."""
    yield login
    for n in itertools.count(2):
        yield f"{login[: 150 - len(str(n)) - 1]}-{n}"


def _is_plain(user) -> bool:
    """Whether `user` is an account imports make: no staff rights, no way to sign in."""
    return not (user.is_staff or user.is_superuser or user.has_usable_password())
