"""Readers posting comments through a running site, several at once."""

import re
import threading

import httpx

from devstack.stack import comment_form


def post_comments(base_url: str, article, count: int, *, spam_every: int = 0) -> list[int]:
    """Post `count` distinct comments from 8 threads; return the ids acknowledged by 302."""
    with httpx.Client(timeout=30) as client:
        action, hidden = comment_form(client.get(base_url + article.get_absolute_url()).text)
        cookies = client.cookies
    ids, lock = [], threading.Lock()

    def send(numbers):
        with httpx.Client(timeout=30, cookies=cookies) as client:
            for n in numbers:
                spam = spam_every and n % spam_every == 0
                answer = client.post(
                    base_url + action,
                    data={
                        **hidden,
                        "author": "akismet-guaranteed-spam" if spam else f"Reader {n}",
                        "email": f"reader{n}@example.com",
                        "comment": f"Comment number {n} on selling and marketing.",
                    },
                )
                assert answer.status_code == 302, answer.text[:300]
                with lock:
                    ids.append(int(re.search(r"#comment-(\d+)$", answer.headers["location"])[1]))

    threads = [threading.Thread(target=send, args=(range(i, count, 8),)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ids
