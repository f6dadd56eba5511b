"""Keep each post's stored "Posted in … Tagged …" line in step with its categories and tags."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from .models import Category, Post


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
