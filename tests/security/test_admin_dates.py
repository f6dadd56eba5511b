"""Impossible dates in the admin's filters: every changelist, every date lookup, a clear answer.

The admin lets its user filter any changelist on any date field of its model, with any of
Django's date parts (`?submitted_at__year=0`, `?published_at__iso_year__gte=-5`); a year
outside 1 to 9999 cannot be a Python date, and was a 500. The sweep sends each hostile value to
each date part of each date field of each registered model, as a superuser (who may open
every changelist), and counts the 5xx.
"""

import time

import pytest
from django.contrib import admin
from django.db import models, transaction
from django.urls import reverse

from tests.factories import CommentFactory, PostFactory
from tests.security.sweep import TALLY

pytestmark = pytest.mark.django_db

DATE_PARTS = ["year", "iso_year", "month", "day", "week", "week_day", "iso_week_day", "quarter"]
TIME_PARTS = ["hour", "minute", "second"]
COMPARISONS = ["", "__gte", "__lt"]
# The years a date cannot hold, and the last one it can (a period in it ends after it).
HOSTILE = ["0", "-5", "9999", "10000"]
# What issue 29 reported, each a 500 before.
REPORTED = ["submitted_at__year=0", "submitted_at__iso_year=0"]
REPORTED += ["submitted_at__year__gte=0", "submitted_at__year__lt=-5"]
# The admin's date drill-down (`date_hierarchy`) ends a period at the next one's first day.
DRILL_DOWNS = ["year=9999", "year=9999&{f}__month=12", "year=9998&{f}__month=12&{f}__day=31"]


def date_lookups(model) -> list[str]:
    """Return every date-part lookup the admin accepts on the model's own date fields."""
    lookups = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.DateField):
            continue
        parts = DATE_PARTS + (TIME_PARTS if isinstance(field, models.DateTimeField) else [])
        lookups += [f"{field.name}__{part}{how}" for part in parts for how in COMPARISONS]
    return lookups


def changelists() -> list[tuple[str, list[str]]]:
    found = []
    for model in admin.site._registry:
        lookups = date_lookups(model)
        if lookups:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            found.append((url, lookups))
    return sorted(found)


def answer(client, url) -> int:
    """Return the status of one GET, or 500 when the view raised."""
    started = time.monotonic()
    TALLY.requests += 1
    TALLY.endpoints.add(url.split("?")[0])
    try:
        with transaction.atomic():
            status = client.get(url).status_code
    except Exception:  # the test client re-raises what the view raised
        status = 500
    TALLY.seconds += time.monotonic() - started
    TALLY.statuses[status] += 1
    TALLY.server_errors += status >= 500
    return status


@pytest.mark.parametrize("query", REPORTED)
def test_an_impossible_year_in_the_queue_filter_gets_a_400_page(superuser_client, query):
    CommentFactory()

    response = superuser_client.get(f"/admin/comments/comment/?{query}")

    assert response.status_code == 400
    assert "Your request could not be read" in response.text


@pytest.mark.parametrize(
    "query", ["submitted_at__year=2026", "submitted_at__year__gte=1", "submitted_at__year__lt=9999"]
)
def test_a_possible_year_still_filters_the_queue(superuser_client, query):
    CommentFactory()

    response = superuser_client.get(f"/admin/comments/comment/?{query}")

    assert response.status_code == 200


def test_every_date_lookup_of_every_changelist_answers_impossible_dates_without_a_5xx(
    superuser_client,
):
    CommentFactory(post=PostFactory())
    swept = changelists()
    failures = []
    for url, lookups in swept:
        for lookup in lookups:
            for value in HOSTILE:
                status = answer(superuser_client, f"{url}?{lookup}={value}")
                if status >= 500:
                    failures.append(f"{url}?{lookup}={value}")

    assert len(swept) >= 10, swept
    assert not failures, f"{len(failures)} 5xx, first: {failures[:20]}"


def test_the_date_drill_down_of_every_changelist_answers_the_last_year_without_a_5xx(
    superuser_client,
):
    drill_downs = [
        (model, model_admin.date_hierarchy)
        for model, model_admin in admin.site._registry.items()
        if model_admin.date_hierarchy
    ]
    failures = []
    for model, field in drill_downs:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in DRILL_DOWNS:
            address = f"{url}?{field}__" + query.format(f=field)
            if answer(superuser_client, address) >= 500:
                failures.append(address)

    assert len(drill_downs) >= 3
    assert not failures, failures
