import json

from django.core.management.base import BaseCommand

from core import personal_data


class Command(BaseCommand):
    help = (
        "Print, as JSON, everything stored about a person by email address: their comments, "
        "and what else the site keeps about them (their subscriptions)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The reader's email address.")

    def handle(self, *args, email, **options):
        self.stdout.write(json.dumps(personal_data.export(email), indent=2, ensure_ascii=False))
