import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wordpress import runs
from wordpress.wxr import WXRError


class Command(BaseCommand):
    help = "Import a WordPress export (Tools → Export → All content): posts, pages, comments."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xml file WordPress exported (WXR 1.0 to 1.2).")
        parser.add_argument(
            "--author-map",
            action="append",
            default=[],
            metavar="OLD_LOGIN=USERNAME",
            help="Credit an old author's posts to an existing user (repeatable).",
        )
        parser.add_argument(
            "--uploads",
            metavar="DIR",
            help="A copy of the old site's wp-content/uploads folder, to bring its images from.",
        )
        parser.add_argument(
            "--fetch-uploads",
            action="store_true",
            help="Fetch the images the export lists from the old site (after --uploads, if given):"
            " only from the hosts it names as its own, at public addresses.",
        )
        parser.add_argument(
            "--fetch-host",
            action="append",
            default=[],
            metavar="HOST",
            help="Also fetch from this host, the old site's CDN (repeatable): the summary of an "
            "import lists the hosts its images are on.",
        )

    def handle(self, *args, file, author_map, uploads, fetch_uploads, fetch_host, **options):
        authors = {}
        for pair in author_map:
            old, sep, new = pair.partition("=")
            if not sep or not old or not new:
                raise CommandError(f"--author-map wants OLD_LOGIN=USERNAME, not {pair!r}.")
            authors[old] = new
        if uploads and not Path(uploads).is_dir():
            raise CommandError(f"There is no folder {uploads}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file}.")
        size = path.stat().st_size
        if size == 0:
            raise CommandError("The file is empty.")
        try:
            # One import at a time, the admin's included: this one is listed with theirs.
            run = runs.begin_from_command(path.name, size)
        except runs.Busy as busy:
            raise CommandError(
                f"Another import is under way ({busy.run.file_name}, "
                f"{busy.run.get_state_display().lower()}); run this again once it has ended."
            ) from busy
        with path.open("rb") as source:
            progress = self.progress_bar(source, size) if self.stderr.isatty() else None
            try:
                summary = runs.import_recorded(
                    run.pk,
                    run.attempt,
                    source,
                    show=progress,
                    again="Run the command again.",
                    author_map=authors,
                    uploads=Path(uploads) if uploads else None,
                    fetch_uploads=fetch_uploads,
                    fetch_hosts=fetch_host,
                )
            except WXRError as error:
                raise CommandError(str(error)) from error
        if progress:
            self.stderr.write("")
        for line in summary.lines():
            self.stdout.write(line)

    def progress_bar(self, source, size: int):
        def show(count: int) -> None:
            done = source.tell() / size
            bar = "#" * int(done * 30)
            sys.stderr.write(f"\r[{bar:<30}] {done:4.0%}  {count} items and comments read")
            sys.stderr.flush()

        return show
