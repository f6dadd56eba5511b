"""Import a WordPress export: authors, categories, tags, posts, pages, comments, old links.

`import_wxr(file)` reads the file as a stream (`wordpress.wxr`) inside one transaction and
writes in batches. Every object records its WordPress id (`ImportedItem`), so a second run
of the same file, or of a later export of the same site, adds only what is new. Imported
comments are written in their WordPress status: no Akismet call, no email, no event.
"""

from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from blog.models import AuthorProfile, Category, Post
from comments.models import Comment

from . import content, wxr
from .comment_import import CommentWriter, known_comment_ids
from .links import LinkRewriter, old_paths
from .models import ImportedItem, OldLink
from .summary import Summary

BATCH = 200
EDITORS_GROUP = "Editors"

POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
    "auto-draft": Post.Status.DRAFT,
}
NOT_CONTENT = {"attachment": "attachment", "nav_menu_item": "menu item"}


def import_wxr(source, *, author_map=None, progress=None) -> Summary:
    """Import a WXR file object in one transaction and return what was done."""
    importer = Importer(author_map or {}, progress)
    with transaction.atomic():
        importer.run(source)
    return importer.summary


class Importer:
    def __init__(self, author_map: dict[str, str], progress=None):
        self.summary = Summary()
        self.author_map = author_map
        self.progress = progress
        self.channel = None
        self.posts = dict(
            ImportedItem.objects.filter(kind=ImportedItem.Kind.POST).values_list(
                "wp_id", "object_id"
            )
        )
        self.comment_writer = CommentWriter(self.summary, self.tick)
        self.slugs = set(Post.objects.values_list("slug", flat=True))
        self.categories = {c.slug: c for c in Category.objects.select_related("parent")}
        self.tags = {tag.slug: tag for tag in Tag.objects.all()}
        self.authors: dict[str, object] = {}
        self.pending_terms: list[wxr.Term] = []
        self.batch: list[tuple[Post | None, wxr.Item]] = []
        self.page_parents: list[tuple[int, int, int]] = []  # (post pk, own wp id, parent wp id)
        self.post_type = ContentType.objects.get_for_model(Post)
        self.links = LinkRewriter()
        self.term_links: dict[tuple, list[str]] = {}
        self.count = 0

    # --- The stream ---------------------------------------------------------------------

    def run(self, source) -> None:
        for channel, record in wxr.read(source, known_comments=known_comment_ids()):
            self.channel = channel
            match record:
                case wxr.Author():
                    self.author(record)
                case wxr.Term():
                    self.pending_terms.append(record)
                case wxr.Item():
                    self.create_terms()
                    self.item(record)
        self.create_terms()
        self.flush()
        self.finish()

    def tick(self, n: int = 1) -> None:
        before, self.count = self.count, self.count + n
        if self.progress and before // 50 != self.count // 50:
            self.progress(self.count)

    # --- Authors and terms -------------------------------------------------------------

    def author(self, record: wxr.Author, *, kind="author"):
        login = record.login
        if login in self.authors:
            return self.authors[login]
        User = get_user_model()
        mapped = self.author_map.get(login)
        user = User.objects.filter(username=mapped or login).first()
        if mapped and user is None:
            raise wxr.WXRError(f"--author-map {login}={mapped}: there is no user {mapped!r}.")
        if user is not None:
            self.summary.present[kind] += 1
        else:
            user = User(
                username=login[:150],
                email=record.email,
                first_name=record.first_name[:150],
                last_name=record.last_name[:150],
                is_staff=True,
            )
            # An editor account that cannot sign in until someone sets its password.
            user.set_unusable_password()
            user.save()
            if group := Group.objects.filter(name=EDITORS_GROUP).first():
                user.groups.add(group)
            AuthorProfile.objects.create(
                user=user, display_name=content.plain_text(record.display_name) or login
            )
            if record.wp_id:
                ImportedItem.objects.get_or_create(
                    kind=ImportedItem.Kind.AUTHOR,
                    wp_id=record.wp_id,
                    defaults={"object_id": user.pk},
                )
            OldLink.objects.get_or_create(old_path=f"/author/{login}/", defaults={"new_path": "/"})
            self.summary.created[kind] += 1
        self.authors[login] = user
        return user

    def create_terms(self) -> None:
        """Create the categories and tags read so far, parents first."""
        if not self.pending_terms:
            return
        terms, self.pending_terms = self.pending_terms, []
        created = []
        for term in terms:
            slug = term.slug or slugify(term.name) or "term"
            if term.taxonomy == "category":
                if slug in self.categories:
                    self.summary.present["category"] += 1
                    continue
                category = Category.objects.create(
                    name=content.plain_text(term.name)[:200] or slug,
                    slug=slug[:200],
                    description=term.description,
                )
                self.categories[slug] = category
                created.append((category, term.parent_slug))
                self.summary.created["category"] += 1
            elif term.taxonomy == "post_tag":
                self.tag(slug, term.name)
        for category, parent_slug in created:
            if parent_slug:
                parent = self.categories.get(parent_slug)
                if parent is None:
                    self.summary.warn("category", category.slug, "its parent is not in the file")
                    continue
                category.parent = parent
                category.save(update_fields=["parent"])

    def tag(self, slug: str, name: str) -> Tag:
        tag = self.tags.get(slug)
        if tag is None:
            tag = Tag.objects.create(name=content.plain_text(name)[:100] or slug, slug=slug[:100])
            self.tags[slug] = tag
            self.summary.created["tag"] += 1
        elif name is not None:
            self.summary.present["tag"] += 1
        return tag

    def category(self, slug: str, name: str) -> Category:
        category = self.categories.get(slug)
        if category is None:
            self.pending_terms.append(wxr.Term("category", slug, name))
            self.create_terms()
            category = self.categories[slug]
        return category

    # --- Posts and pages ---------------------------------------------------------------

    def item(self, item: wxr.Item) -> None:
        self.tick()
        kind = "page" if item.type == "page" else "post"
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
            status = Post.Status.DRAFT
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
            body_html=body,
            body_format=Post.BodyFormat.HTML,
            custom_excerpt=content.plain_text(item.excerpt),
            status=status,
            published_at=published_at,
            comments_open=item.comment_status != "closed",
            kind=Post.Kind.PAGE if kind == "page" else Post.Kind.POST,
            sticky=item.sticky,
        )
        post.filing = self.filing(item)
        self.summary.created[kind] += 1
        return post

    def unique_slug(self, item: wxr.Item) -> str:
        base = (item.slug or slugify(content.plain_text(item.title)) or f"post-{item.wp_id}")[:190]
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        if slug != base:
            self.summary.warn("post", item.wp_id, f"slug {base!r} was taken; it is now {slug!r}")
        self.slugs.add(slug)
        return slug

    def filing(self, item: wxr.Item) -> dict:
        categories, tags = [], []
        for taxonomy, slug, name in item.terms:
            if taxonomy == "category":
                categories.append(self.category(slug or slugify(name), name))
            elif taxonomy == "post_tag":
                tags.append(self.tag(slug or slugify(name), None if slug in self.tags else name))
        item.terms = [("category", c.pk) for c in categories] + [("post_tag", t.pk) for t in tags]
        return {
            "categories": [
                self.filed(c, c.get_absolute_url) for c in sorted(categories, key=_name)
            ],
            "tags": [
                self.filed(t, partial(reverse, "blog:tag", args=[t.slug]))
                for t in sorted(tags, key=_name)
            ],
        }

    def filed(self, term, url) -> list[str]:
        # Every post names its terms' addresses: a reverse() each, thousands of times over.
        key = (type(term), term.pk)
        if key not in self.term_links:
            self.term_links[key] = [term.name, url()]
        return list(self.term_links[key])

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
        self.links.after_insert(linking)
        Post.objects.filter(pk__in=[post.pk for post, _ in new]).update(
            search_vector=Post.search_vector_expression()
        )
        links, through, tagged = [], [], []
        for post, item in new:
            self.posts[item.wp_id] = post.pk
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
                ImportedItem(kind=ImportedItem.Kind.POST, wp_id=item.wp_id, object_id=post.pk)
                for post, item in new
            ]
        )
        Post.categories.through.objects.bulk_create(through)
        TaggedItem.objects.bulk_create(tagged)
        self.summary.created["old link"] += len(
            OldLink.objects.bulk_create(links, ignore_conflicts=True)
        )
        self.comment_writer.write([(self.posts[item.wp_id], item) for _post, item in batch])

    # --- The end -----------------------------------------------------------------------

    def finish(self) -> None:
        for post_pk, wp_id, parent_wp_id in self.page_parents:
            parent = self.posts.get(parent_wp_id)
            if parent is None:
                self.summary.warn("page", wp_id, "its parent page is missing; kept at the top")
                continue
            Post.objects.filter(pk=post_pk).update(parent_id=parent)
        self.links.finish(self.channel)
        if self.comment_writer.used_explicit_ids:
            # Ids were given explicitly: move the sequence past them (as loaddata does).
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Comment]):
                    cursor.execute(sql)
        self.summary.site = self.channel.title if self.channel else ""
        self.summary.version = self.channel.wxr_version if self.channel else ""


def _name(term) -> str:
    return term.name.lower()
