"""Post comments at a fixed rate from its own process; print the stored ids as JSON.

    python -m bench.trickle http://127.0.0.1:8000 /2007/05/selling-vs-marketing/ \
        /comments/post/1/ --rate 20 --seconds 10
"""

import argparse
import json
import re
import time

from bench.client import comment_form, request


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("path")
    parser.add_argument("action")
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--wait-form", type=float, default=3.5)
    args = parser.parse_args()

    form = comment_form(args.base, args.path)
    # A form submitted within seconds of being rendered is held as suspicious; readers type.
    time.sleep(args.wait_form)
    ids, statuses, post_ms = [], {}, []
    start = time.monotonic()
    total = int(args.rate * args.seconds)
    for n in range(total):
        time.sleep(max(0.0, start + n / args.rate - time.monotonic()))
        sent = time.monotonic()
        answer = request(
            args.base,
            "POST",
            args.action,
            {
                **form["fields"],
                "author": f"Trickle reader {n}",
                "email": f"trickle-{n}-{int(start)}@example.com",
                "comment": f"Trickle comment {n} ({int(start)}): marketing first, then sales.",
            },
            # Each reader has their own address, given the way the production proxy gives it.
            {"Cookie": form["cookie"], "X-Forwarded-For": f"10.200.{n // 250}.{n % 250 + 1}"},
        )
        post_ms.append(round((time.monotonic() - sent) * 1000, 2))
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
        found = re.search(r"#comment-(\d+)", answer.headers.get("Location", ""))
        if found:
            ids.append(int(found.group(1)))
    print(json.dumps({"ids": ids, "statuses": statuses, "post_ms": post_ms, "sent": total}))


if __name__ == "__main__":
    main()
