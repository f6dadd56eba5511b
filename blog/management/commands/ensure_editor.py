import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from blog.models import AuthorProfile

EDITORS_GROUP = "Editors"
# The site's owner answers readers' requests for their data (the admin's "Data requests").
OWNER_PERMISSIONS = [("comments", "handle_data_requests")]


class Command(BaseCommand):
    help = "Make sure the editor account exists; print its password the first time only."
    # What the account is called in what this command prints (ensure_owner: "owner").
    role = "editor"

    def add_arguments(self, parser):
        parser.add_argument("--username", default=self.role)
        parser.add_argument(
            "--password-from-env",
            metavar="NAME",
            help="take the first password from this environment variable instead of printing "
            "a generated one (docker compose: its logs never show it)",
        )
        parser.add_argument(
            "--name",
            help="the name posts and replies show (default: SITE_NAME); kept if already set",
        )
        parser.add_argument(
            "--email",
            help="the address on the editor's replies (default: DEFAULT_FROM_EMAIL)",
        )

    def handle(self, *args, username, password_from_env=None, name=None, email=None, **options):
        password = os.environ.get(password_from_env, "") if password_from_env else ""
        if password_from_env and not password:
            raise CommandError(f"Set {password_from_env} to the {self.role}'s first password.")
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        self.give_role(user)
        group = Group.objects.filter(name=EDITORS_GROUP).first()
        if group:
            user.groups.add(group)
        self.give_a_name(user, name or settings.SITE_NAME, email or settings.DEFAULT_FROM_EMAIL)
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label__in=[app for app, _codename in OWNER_PERMISSIONS],
                codename__in=[codename for _app, codename in OWNER_PERMISSIONS],
            )
        )
        if not created:
            self.stdout.write(
                f"Sign in at /admin/ as '{username}' "
                f"(`manage.py changepassword {username}` sets a new password)."
            )
            return
        if password_from_env:
            user.set_password(password)
            user.save()
            self.stdout.write(
                f"Created the {self.role} account '{username}' with ${password_from_env}."
            )
            return
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the {self.role} account. Log in at /admin/ as '{username}' with password "
                f"{password}\nThis password is shown only once."
            )
        )

    def give_role(self, user) -> None:
        """Give the account what its role may do beyond the Editors group (nothing here)."""

    def give_a_name(self, user, name: str, email: str) -> None:
        """Give the editor the name bylines and replies show, and an address, where unset."""
        # Accounts made before this (as "editor", editor@localhost, no profile) are mended.
        if not user.first_name and not user.last_name:
            user.first_name, _space, user.last_name = name.partition(" ")
        if not user.email or user.email == f"{user.get_username()}@localhost":
            user.email = email
        user.save(update_fields=["first_name", "last_name", "email"])
        AuthorProfile.objects.get_or_create(user=user, defaults={"display_name": name})
