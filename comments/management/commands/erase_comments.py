from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from comments.privacy import comments_by_email, erase_person


class Command(BaseCommand):
    help = (
        "Delete every comment written with an email address, and everything else stored about "
        "it (a data-subject erasure request). "
        "Replies by other readers are kept and move to their nearest surviving ancestor."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The commenter's email address.")
        parser.add_argument(
            "--yes", action="store_true", help="Really delete; without it, only say what would go."
        )

    def handle(self, *args, email, yes=False, **options):
        count = comments_by_email(email).count()
        if not count:
            raise CommandError(f"No comments were written with {email!r}.")
        if not yes:
            self.stdout.write(
                ngettext(
                    "%(n)d comment would be deleted. Run again with --yes to delete it.",
                    "%(n)d comments would be deleted. Run again with --yes to delete them.",
                    count,
                )
                % {"n": count}
            )
            return
        erased = erase_person(email)
        self.stdout.write(
            ngettext("Deleted %(n)d comment.", "Deleted %(n)d comments.", erased) % {"n": erased}
        )
