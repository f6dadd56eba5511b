"""`manage.py check --deploy` asks Akismet whether the configured key is valid.

It is a deployment check (also `check --deploy --tag akismet` alone) rather than one that runs
on every `manage.py` command, so start-up, migrations and the test suite never wait on the
network, and a deploy still fails loudly on a wrong key. Without a key it says so (an Info,
not a Warning: running without Akismet is the owner's choice, and `check --deploy` stays
clean), so `make run` says at start-up that comments go unchecked, and where to set one.
"""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from comments.spam import akismet as spam
from comments.spam import health


@checks.register("akismet", deploy=True)
def check_akismet_key(app_configs=None, **kwargs):
    """Verify the Akismet key with Akismet, or say that none is set."""
    if not spam.is_configured():
        return [
            checks.Info(
                "No Akismet key is set: comments are not checked for spam, and every new one "
                "waits for an editor.",
                hint="Set AKISMET_API_KEY in .env (see .env.example) and restart the site.",
                id="comments.I002",
            )
        ]
    try:
        # Kept, so the admin index can say whether and when the key was verified.
        answer = health.record_key_check()
    except DatabaseError:
        answer = None
    try:
        valid = answer.valid if answer else spam.verify_key()
        if valid is None:
            raise spam.AkismetUnavailable(answer.error)
    except spam.AkismetUnavailable as error:
        return [
            checks.Warning(
                f"Could not reach Akismet at {settings.AKISMET_API_URL} to verify the key "
                f"({error}).",
                hint="Comments are stored and wait in the queue until Akismet answers.",
                id="comments.W001",
            )
        ]
    if not valid:
        return [
            checks.Error(
                "Akismet rejected AKISMET_API_KEY for this site "
                f"(verify-key for {settings.SITE_URL}/ answered 'invalid').",
                hint="Check AKISMET_API_KEY and SITE_URL; until then no comment is checked.",
                id="comments.E001",
            )
        ]
    return []
