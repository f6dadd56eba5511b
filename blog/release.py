"""When this release of the code started: part of every validator and cached fragment's key.

Pages rendered by an older deploy must not be revalidated as current. The time is taken once
per server, when Django sets up (`BlogConfig.ready`); gunicorn preloads the app, so its
workers share it. Taken when the views are first imported instead, each worker would have a
time of its own, and a copy one worker validated another would answer in full.
"""

import time

STARTED = time.time()
RELEASE = f"{STARTED:.0f}"
