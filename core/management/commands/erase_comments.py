from django.core.management.base import BaseCommand, CommandError

from core import personal_data


class Command(BaseCommand):
    help = (
        "Delete everything stored about an email address: the comments written with it, its "
        "subscriptions, whatever else an app keeps (a data-subject erasure request). "
        "Replies by other readers are kept and move to their nearest surviving ancestor."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The reader's email address.")
        parser.add_argument(
            "--yes", action="store_true", help="Really delete; without it, only say what would go."
        )

    def handle(self, *args, email, yes=False, **options):
        held = personal_data.held(email)
        if not any(held.values()):
            raise CommandError(f"Nothing is stored about {email!r}.")
        if not yes:
            self.stdout.write(
                f"This would delete {personal_data.describe(held)}. Run again with --yes to "
                "delete it."
            )
            return
        erased = personal_data.erase(email)
        self.stdout.write(f"Deleted {personal_data.describe(erased)}.")
