"""The live settings with production's HTTPS rules, for the proxy's scheme tests.

As `config.settings.production` does: the scheme is the proxy's `X-Forwarded-Proto`, and a
request that came over http is redirected to https.
"""

from devstack.live_settings import *  # noqa: F403

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
# The harness waits for /healthz without the proxy's header (compose's check sends it).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
