"""Helpers shared by the comment specifications: the comment form as a reader sends it."""

import itertools
import time

from comments.intake import policy

# Each post comes from an address of its own unless the test says otherwise, so the flood
# rule (one comment per IP address per 15 s) only bites where a test means it to. The
# addresses go round: a test's database is new, so only 254 posts within one test could meet
# an address again, while a plain iterator ran dry once the whole run had made 254 posts.
_addresses = itertools.cycle([f"198.51.100.{n}" for n in range(1, 255)])


def form_data(post, **fields) -> dict:
    """Return the form as a reader sends it a minute after the page was shown."""
    data = {
        "author": "Grace Reader",
        "email": "grace@example.com",
        "url": "",
        "comment": "Marketing is a conversation, not a broadcast.",
        "comment_parent": "",
        "form_ts": policy.form_timestamp(post, issued_at=time.time() - 60),
        "ak_hp_textarea": "",
    }
    data.update(fields)
    return data


def next_address() -> str:
    return next(_addresses)
