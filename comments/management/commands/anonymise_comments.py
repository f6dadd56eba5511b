from django.core.management.base import BaseCommand

from comments.rules import conf
from comments.workflow.personal_data import anonymise_old_comments


class Command(BaseCommand):
    help = "Remove IP addresses and user agents from comments older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention period in days (default: COMMENTS_IP_RETENTION_DAYS).",
        )

    def handle(self, *args, days=None, **options):
        days = conf.ip_retention_days() if days is None else days
        count = anonymise_old_comments(days)
        self.stdout.write(
            f"Removed IP address and user agent from {count} "
            f"comment{'s' if count != 1 else ''} older than {days} days."
        )
