from django.core.management.base import BaseCommand

from wordpress.export import Exporter


class Command(BaseCommand):
    help = "Write the whole site as a WordPress export (WXR 1.2) for WordPress's importer."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="The file to write (default: standard out).")
        parser.add_argument(
            "--no-personal-data",
            action="store_true",
            help="Leave out email and IP addresses.",
        )

    def handle(self, *args, output, no_personal_data, **options):
        personal_data = not no_personal_data
        if output:
            with open(output, "w", encoding="utf-8") as out:
                Exporter(out.write, personal_data=personal_data).run()
        else:
            Exporter(
                lambda text: self.stdout.write(text, ending=""), personal_data=personal_data
            ).run()
