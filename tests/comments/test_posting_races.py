"""Duplicate and flood rules hold when many readers post at the same moment."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.commenting import form_data

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 50


def post_all_at_once(post, variants) -> Counter:
    """Post each (ip, fields) from its own thread and connection, all released together."""
    barrier = threading.Barrier(len(variants))
    statuses = []

    def run(ip, fields):
        try:
            client = Client()
            barrier.wait()
            response = client.post(
                reverse("comments:post", args=[post.pk]), form_data(post, **fields), REMOTE_ADDR=ip
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=variant) for variant in variants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(statuses)


def test_fifty_simultaneous_copies_of_a_comment_store_it_once(post):
    variants = [
        (f"198.51.100.{n}", {"comment": "Posted by a nervous double-clicker."})
        for n in range(CLIENTS)
    ]

    statuses = post_all_at_once(post, variants)

    assert statuses == Counter({302: 1, 409: CLIENTS - 1})
    assert Comment.objects.count() == 1


def test_fifty_simultaneous_comments_from_one_address_store_one(post, settings):
    # The rule serialises them: on a loaded machine the last may come 15 s after the first,
    # which the 15 s window would then rightly accept. An hour keeps them all in the window.
    settings.COMMENTS_FLOOD_SECONDS = 3600
    variants = [
        ("203.0.113.50", {"email": f"reader{n}@example.com", "comment": f"Comment {n}"})
        for n in range(CLIENTS)
    ]

    statuses = post_all_at_once(post, variants)

    assert statuses == Counter({302: 1, 429: CLIENTS - 1})
    assert Comment.objects.count() == 1
