"""Derived data: the stored "Posted in … Tagged …" line, and images' effects on posts."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from core.slugs import slug_from, stand_in

from . import renditions
from .models import Category, Image, Post


@receiver(m2m_changed, sender=Post.categories.through)
@receiver(m2m_changed, sender=TaggedItem)
def filing_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Post):
        instance.refresh_filing()
    elif pk_set:
        for post in Post.objects.filter(pk__in=pk_set):
            post.refresh_filing()


@receiver(post_save, sender=Category)
@receiver(post_save, sender=Tag)
def term_renamed(sender, instance, created, **kwargs):
    if created:
        return
    posts = (
        Post.objects.filter(categories=instance)
        if sender is Category
        else Post.objects.filter(tags=instance)
    )
    for post in posts.distinct():
        post.refresh_filing()


@receiver(pre_save, sender=Tag)
def tag_slug_fits_the_address(sender, instance, **kwargs):
    # taggit slugifies a new tag's name; a name of punctuation alone ("!!!") slugifies to
    # nothing, and a slug set by hand may hold anything. Either would break /tag/<slug>/.
    slug = slug_from(instance.slug, max_length=100)
    if slug != instance.slug or not slug:
        fallback = stand_in("tag", instance.name)
        instance.slug = slug or slug_from(instance.name, max_length=100, fallback=fallback)


@receiver(post_save, sender=Image)
def image_changed(sender, instance, created, **kwargs):
    """A featured image's new alt text is a change of the posts showing it (caches, ETags)."""
    if not created:
        Post.objects.filter(featured_image=instance).update(updated_at=timezone.now())


@receiver(post_delete, sender=Image)
def image_deleted(sender, instance, **kwargs):
    """Remove the file and its sizes from storage once the row's deletion is committed."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    transaction.on_commit(lambda: renditions.delete(instance))
