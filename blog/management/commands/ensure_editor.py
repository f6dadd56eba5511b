import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

EDITORS_GROUP = "Editors"


class Command(BaseCommand):
    help = "Make sure the editor account exists; print its password the first time only."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument(
            "--password-from-env",
            metavar="NAME",
            help="take the first password from this environment variable instead of printing "
            "a generated one (docker compose: its logs never show it)",
        )

    def handle(self, *args, username, password_from_env=None, **options):
        password = os.environ.get(password_from_env, "") if password_from_env else ""
        if password_from_env and not password:
            raise CommandError(f"Set {password_from_env} to the editor's first password.")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "email": f"{username}@localhost"}
        )
        group = Group.objects.filter(name=EDITORS_GROUP).first()
        if group:
            user.groups.add(group)
        if not created:
            self.stdout.write(
                f"Sign in at /admin/ as '{username}' "
                f"(`manage.py changepassword {username}` sets a new password)."
            )
            return
        if password_from_env:
            user.set_password(password)
            user.save()
            self.stdout.write(f"Created the editor account '{username}' with ${password_from_env}.")
            return
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the editor account. Log in at /admin/ as '{username}' with password "
                f"{password}\nThis password is shown only once."
            )
        )
