from .ensure_editor import Command as EnsureEditorCommand


class Command(EnsureEditorCommand):
    help = (
        "Make sure the owner account exists (a superuser: people, site settings, everything); "
        "print its password the first time only."
    )
    role = "owner"

    def give_role(self, user) -> None:
        """Make the account a superuser: the owner adds editors and authors and sets the site."""
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
