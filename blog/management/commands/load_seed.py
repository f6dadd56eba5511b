import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from blog.models import AuthorProfile, Post

SEED_FILE = Path(__file__).resolve().parents[2] / "seed" / "article.txt"
SLUG = "selling-vs-marketing"
AUTHOR_NAME = "John Bradley Jackson"
AUTHOR_BIO = (
    "John Bradley Jackson writes about selling and marketing for small and medium sized businesses."
)


def parse_seed(text: str) -> tuple[str, str]:
    """Split the seed page into the article body and its copyright line."""
    lines = text.replace("\r\n", "\n").split("\n")
    byline_at = lines.index(AUTHOR_NAME)
    body = "\n".join(lines[:byline_at]).strip()
    copyright_line = lines[byline_at + 1].strip()
    return body, copyright_line


class Command(BaseCommand):
    help = "Load the seed article 'Selling vs. Marketing' if it is not there yet."

    @transaction.atomic
    def handle(self, *args, **options):
        if Post.objects.filter(slug=SLUG).exists():
            # `make run` calls this on every start: nothing to say when nothing was done.
            if options["verbosity"] >= 2:
                self.stdout.write("Seed article already present.")
            return
        User = get_user_model()
        author, created = User.objects.get_or_create(
            username="jbjackson",
            defaults={"first_name": "John Bradley", "last_name": "Jackson"},
        )
        if created:
            author.set_unusable_password()
            author.save()
        AuthorProfile.objects.get_or_create(
            user=author, defaults={"display_name": AUTHOR_NAME, "bio": AUTHOR_BIO}
        )
        body, copyright_line = parse_seed(SEED_FILE.read_text(encoding="utf-8"))
        published = timezone.make_aware(datetime.datetime(2007, 5, 14, 9, 0))  # noqa: DTZ001
        Post.objects.create(
            title="Selling vs. Marketing",
            slug=SLUG,
            author=author,
            body=body,
            copyright_notice=copyright_line,
            status=Post.Status.PUBLISHED,
            published_at=published,
        )
        self.stdout.write(self.style.SUCCESS("Loaded the seed article 'Selling vs. Marketing'."))
