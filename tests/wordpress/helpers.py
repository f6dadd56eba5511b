import importlib
from io import StringIO
from pathlib import Path

from django.contrib.auth.models import Permission
from django.core.management import call_command

FIXTURES = Path(__file__).parent / "fixtures"
# "Import from WordPress" and the permissions it gives the Editors group.
MIGRATION = importlib.import_module("wordpress.migrations.0004_import_runs_from_the_admin")
# ... and deleting finished runs (issue 19).
DELETE_MIGRATION = importlib.import_module(
    "wordpress.migrations.0006_import_runs_end_one_at_a_time"
)


def run_import(name: str, *args) -> str:
    """Run `import_wordpress` on a fixture and return what it printed."""
    out = StringIO()
    call_command("import_wordpress", str(FIXTURES / name), *args, stdout=out)
    return out.getvalue()


def export_of_posts(count: int) -> bytes:
    """Return a WXR 1.2 export of `count` published posts, enough for the importer's progress."""
    items = "".join(
        f"<item><title>Post {n}</title><link>http://old.example.com/?p={n}</link>"
        f"<dc:creator>writer</dc:creator><content:encoded>Text {n}.</content:encoded>"
        f"<wp:post_id>{n}</wp:post_id><wp:post_date>2012-01-03 09:00:00</wp:post_date>"
        f"<wp:post_date_gmt>2012-01-03 17:00:00</wp:post_date_gmt>"
        f"<wp:post_name>post-{n}</wp:post_name><wp:status>publish</wp:status>"
        f"<wp:post_type>post</wp:post_type></item>\n"
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">'
        "<channel><title>Old blog</title><link>http://old.example.com</link>"
        f"<wp:wxr_version>1.2</wp:wxr_version>{items}</channel></rss>\n"
    ).encode()


def grant_import(user):
    """Give `user` what the migration gives the Editors group (a flush forgets it)."""
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="wordpress",
            codename__in=[*MIGRATION.CODENAMES, *DELETE_MIGRATION.CODENAMES],
        )
    )
    return user
