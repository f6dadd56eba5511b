# The axe tests drive the same chromium as the browser tests.
from tests.e2e.conftest import browser  # noqa: F401
