from django.core.management.base import BaseCommand

from comments.rules import conf
from comments.workflow.purge import purge_old_comments


class Command(BaseCommand):
    help = (
        "Delete spam older than COMMENTS_SPAM_PURGE_DAYS and trash older than "
        "COMMENTS_TRASH_PURGE_DAYS, in batches, and record the purge."
    )

    def handle(self, *args, **options):
        spam, trash = purge_old_comments()
        self.stdout.write(
            f"Purged {spam} spam (older than {conf.spam_purge_days()} days) and "
            f"{trash} trash comments (older than {conf.trash_purge_days()} days)."
        )
