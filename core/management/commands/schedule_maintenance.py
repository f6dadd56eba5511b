from django.core.management.base import BaseCommand

from core.recurring import schedule_maintenance


class Command(BaseCommand):
    help = (
        "Make sure each recurring task (purge, overdue spam checks, Akismet reports, retention, "
        "subscriber emails) has exactly one future run queued. Safe to run on every start."
    )

    def handle(self, *args, **options):
        for line in schedule_maintenance():
            # `make run` calls this on every start: say only what changed, unless asked (-v2).
            if options["verbosity"] >= 2 or not line.endswith("already queued"):
                self.stdout.write(line)
