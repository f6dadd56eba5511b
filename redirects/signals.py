"""A post's old address keeps working when its own changes: slug, date or parent page.

blog/ knows nothing of old links, so this app, which owns them, watches posts being saved:
it notes the published addresses before the save (a page's, and those of the pages under
it, which move with it) and records each one that changed as an old link to its post.
Bulk updates (`QuerySet.update`) send no signal and record nothing.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from blog.models import Post

from .models import OldLink


def published_addresses(post: Post) -> dict[int, str]:
    """Return the addresses of the post, or of the page and every page under it, by id."""
    addresses, frontier = {}, [post]
    while frontier:
        addresses.update(
            {item.pk: item.get_absolute_url() for item in frontier if item.is_published}
        )
        if post.kind != Post.Kind.PAGE:
            break
        seen = set(addresses) | {item.pk for item in frontier}
        frontier = list(Post.objects.filter(parent__in=frontier).exclude(pk__in=seen))
    return addresses


@receiver(pre_save, sender=Post, dispatch_uid="redirects.remember_addresses")
def remember_addresses(sender, instance, raw=False, **kwargs):
    stored = None if raw or instance.pk is None else Post.objects.filter(pk=instance.pk).first()
    instance.addresses_before_save = published_addresses(stored) if stored else {}


@receiver(post_save, sender=Post, dispatch_uid="redirects.record_moved_addresses")
def record_moved_addresses(sender, instance, raw=False, **kwargs):
    before = getattr(instance, "addresses_before_save", {})
    if raw or not before:
        return
    moved = Post.objects.filter(pk__in=before)
    now = {item.pk: item.get_absolute_url() for item in moved}
    for pk, old in before.items():
        new = now.get(pk)
        if new is None or new == old:
            continue
        OldLink.objects.update_or_create(old_path=old, defaults={"post_id": pk, "new_path": ""})
        # Renamed back: the address is the post's own again, and no longer an old one.
        OldLink.objects.filter(old_path=new, post_id=pk).delete()
