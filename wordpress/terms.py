"""The categories and tags of an import: every slug valid, every name unique where it must be.

Terms are created as they are read, parents first. A term's slug is its own decoded
(WordPress keeps `caf%c3%a9`), else its name's, else a stand-in; two tags whose names read
the same are one tag (taggit's names are unique); a post that lists a term twice is filed
under it once.
"""

from functools import partial

from django.urls import reverse
from taggit.models import Tag

from blog.models import Category
from core.slugs import slug_from, stand_in

from . import content, wxr
from .links import store_archive_links
from .summary import Summary


class Terms:
    def __init__(self, summary: Summary):
        self.summary = summary
        self.categories = {c.slug: c for c in Category.objects.select_related("parent")}
        self.tags = {tag.slug: tag for tag in Tag.objects.all()}
        self.tag_names = {tag.name: tag for tag in self.tags.values()}
        self.pending: list[wxr.Term] = []
        self.links: dict[tuple, list[str]] = {}

    def add(self, term: wxr.Term) -> None:
        self.pending.append(term)

    def create(self) -> None:
        """Create the categories and tags read so far, parents first."""
        if not self.pending:
            return
        terms, self.pending = self.pending, []
        created, numbered = [], []
        for term in terms:
            slug = self.slug(term.taxonomy, term.slug, term.name)
            if term.taxonomy == "category":
                if term.wp_id:
                    numbered.append((term.wp_id, slug))
                if slug in self.categories:
                    self.summary.present["category"] += 1
                    continue
                category = Category.objects.create(
                    name=content.plain_text(term.name)[:200] or slug,
                    slug=slug,
                    description=term.description,
                )
                self.categories[slug] = category
                created.append((category, term.parent_slug))
                self.summary.created["category"] += 1
            elif term.taxonomy == "post_tag":
                self.tag(slug, term.name)
        for category, parent_slug in created:
            if parent_slug:
                parent = self.categories.get(slug_from(parent_slug))
                if parent is None or parent == category:
                    self.summary.warn("category", category.slug, "its parent is not in the file")
                    continue
                category.parent = parent
                category.save(update_fields=["parent"])
        # WordPress's plain address of a category, `/?cat=5`, leads to its archive here.
        store_archive_links(
            [
                (f"/?cat={wp_id}", self.categories[slug].get_absolute_url())
                for wp_id, slug in numbered
            ],
            self.summary,
        )

    def slug(self, taxonomy: str, slug: str, name: str) -> str:
        """Return a valid slug for a term: its own decoded, else its name's, else a stand-in."""
        limit = 100 if taxonomy == "post_tag" else 200
        valid = slug_from(slug, max_length=limit) or slug_from(
            content.plain_text(name or ""), max_length=limit
        )
        if not valid:
            valid = stand_in("tag" if taxonomy == "post_tag" else "category", f"{slug}|{name}")
            self.summary.warn(taxonomy.replace("post_", ""), repr(name), f"no usable slug; {valid}")
        return valid

    def tag(self, slug: str, name: str | None) -> Tag:
        tag = self.tags.get(slug)
        if tag is None:
            label = content.plain_text(name or "")[:100] or slug
            # Tag names are unique too: two slugs whose names read the same are one tag.
            tag = self.tag_names.get(label)
            if tag is not None:
                self.summary.warn("tag", slug, f"same name as the tag {tag.slug!r}; merged into it")
                old = (f"/tag/{slug}/", reverse("blog:tag", args=[tag.slug]))
                store_archive_links([old], self.summary)
            else:
                tag = Tag.objects.create(name=label, slug=slug)
                self.tag_names[label] = tag
                self.summary.created["tag"] += 1
            self.tags[slug] = tag
        elif name is not None:
            self.summary.present["tag"] += 1
        return tag

    def category(self, slug: str, name: str) -> Category:
        category = self.categories.get(slug)
        if category is None:
            self.pending.append(wxr.Term("category", slug, name))
            self.create()
            category = self.categories[slug]
        return category

    def filing(self, item: wxr.Item) -> dict:
        """Return what "Posted in … Tagged …" shows for an item; leave its terms' pks on it."""
        categories, tags = {}, {}  # by pk, in file order: a post may list a term twice
        for taxonomy, raw_slug, name in item.terms:
            if taxonomy not in ("category", "post_tag"):
                continue
            slug = self.slug(taxonomy, raw_slug, name)
            if taxonomy == "category":
                category = self.category(slug, name)
                categories[category.pk] = category
            else:
                tag = self.tag(slug, None if slug in self.tags else name)
                tags[tag.pk] = tag
        categories, tags = list(categories.values()), list(tags.values())
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
        if key not in self.links:
            self.links[key] = [term.name, url()]
        return list(self.links[key])


def _name(term) -> str:
    return term.name.lower()
