"""What the site keeps about a person, wherever an app keeps it: counted, exported, erased.

Each app that stores something about a reader registers, from its AppConfig.ready(), how to
count, export and erase it for an email address (`register`), and, if it keeps a log of
data requests, how to record one. Data requests (`core.data_requests`: the admin's *Data
requests*, `manage.py export_comments` and `erase_comments`) go through `held`, `export`,
`erase` and `record`, so no app needs to know another.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction


@dataclass(frozen=True)
class Holder:
    """One app's share of a person's data."""

    name: str
    describe: Callable[[int], str]  # "2 comments"
    count: Callable[[str], int]
    export: Callable[[str], object]
    erase: Callable[[str], int]
    record: Callable[[str, dict[str, int], object], None] | None = None


_HOLDERS: dict[str, Holder] = {}


def register(name: str, *, describe, count, export, erase, record=None) -> None:
    """Say how to count, export and erase what this app keeps about an email address."""
    _HOLDERS[name] = Holder(name, describe, count, export, erase, record)


def held(email: str) -> dict[str, int]:
    """Count what each app keeps about `email`, in the order the apps registered."""
    return {holder.name: holder.count(email) for holder in _HOLDERS.values()}


def describe(counts: dict[str, int]) -> str:
    """Say what `held` counted, for people: "2 comments, 0 subscriptions"."""
    return ", ".join(_HOLDERS[name].describe(n) for name, n in counts.items())


def export(email: str) -> dict[str, object]:
    """Return everything each app keeps about `email`, under the app's name."""
    return {holder.name: holder.export(email) for holder in _HOLDERS.values()}


@transaction.atomic
def erase(email: str) -> dict[str, int]:
    """Erase what every app keeps about `email`, all or nothing; return how much each erased."""
    # The last to register first: an app's data may point at an earlier app's (subscriptions
    # at comments), never the other way.
    erased = {holder.name: holder.erase(email) for holder in reversed(_HOLDERS.values())}
    return {name: erased[name] for name in _HOLDERS}


def record(kind: str, counts: dict[str, int], actor) -> None:
    """Have the apps that keep a log record a request handled ("Export", "Erasure")."""
    for holder in _HOLDERS.values():
        if holder.record is not None:
            holder.record(kind, counts, actor)


def forget_admin_history(model, pks) -> int:
    """Delete the admin's log of these objects (an erased reader's); return how many entries."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id__in=[str(pk) for pk in pks],
    )
    return entries.delete()[0]
