from django.core.management.base import BaseCommand

from core.recurring import schedule_maintenance


class Command(BaseCommand):
    help = (
        "Put each recurring task (purge, overdue spam checks, the outbox's sweep, retention, "
        "subscriber emails) on the clock. Safe to run on every start; task workers do it too."
    )

    def handle(self, *args, **options):
        for line in schedule_maintenance():
            # `make run` calls this on every start: say only what changed, unless asked (-v2).
            if options["verbosity"] >= 2 or not line.endswith("already scheduled"):
                self.stdout.write(line)
