from django.core.management.base import BaseCommand

from comments.tasks import schedule_maintenance


class Command(BaseCommand):
    help = (
        "Make sure each recurring task (purge, overdue spam checks, Akismet reports, privacy "
        "retention) has exactly one future run queued. Safe to run on every start."
    )

    def handle(self, *args, **options):
        for line in schedule_maintenance():
            self.stdout.write(line)
