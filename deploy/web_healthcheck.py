"""Exit 0 when gunicorn in this container answers /healthz (docker compose's health check).

It asks as the proxy would: for the site's first ALLOWED_HOSTS name, over "https" (the
X-Forwarded-Proto the proxy sets), so production's host check and HTTPS redirect let it in.
"""

import os
import sys
import urllib.request

host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".")
request = urllib.request.Request(
    "http://127.0.0.1:8000/healthz",
    headers={"Host": host or "localhost", "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"web is not healthy: {error}", file=sys.stderr)
    sys.exit(1)
