import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from blog.models import AuthorProfile, Post
from comments.models import Comment, Status
from comments.workflow import tally


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AuthorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuthorProfile

    user = factory.SubFactory(UserFactory)
    display_name = "Ada Author"
    bio = "Ada writes about things."


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-number-{n}")
    author = factory.LazyFunction(lambda: AuthorProfileFactory().user)
    body = "First paragraph about marketing.\n\nSecond paragraph about selling."
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    post = factory.SubFactory(PostFactory)
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.Sequence(lambda n: f"reader{n}@example.com")
    content = factory.Sequence(lambda n: f"A thoughtful comment, number {n}.")
    ip_address = "203.0.113.7"
    user_agent = "Mozilla/5.0 (test)"
    status = Status.APPROVED

    # What a checked comment carries: the data comment-check was sent (reports resend it).
    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A stored comment counts on the dashboard, as `workflow.record_new` counts it.
        comment = super()._create(model_class, *args, **kwargs)
        tally.count_new(comment)
        return comment

    akismet_payload = factory.LazyAttribute(
        lambda c: {
            "user_ip": c.ip_address or "",
            "comment_author": c.author_name,
            "comment_author_email": c.author_email,
            "comment_content": c.content,
        }
    )
