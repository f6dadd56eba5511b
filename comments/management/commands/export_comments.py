import json

from django.core.management.base import BaseCommand

from comments.privacy import export_comments


class Command(BaseCommand):
    help = "Print, as JSON, everything stored about the comments written with an email address."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The commenter's email address.")

    def handle(self, *args, email, **options):
        self.stdout.write(json.dumps(export_comments(email), indent=2, ensure_ascii=False))
