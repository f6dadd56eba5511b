import logging
import os
import time
import uuid
from types import SimpleNamespace

import akismet
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

# The URLs as the test settings make them, before any test overrides MEDIA_URL (an S3 test's
# absolute MEDIA_URL would leave out the local /media/ route for the whole run).
import config.urls  # noqa: F401
from blog import public_cache, site
from blog.models import Post
from comments.rules import discussion
from comments.spam import akismet as spam
from config.settings import base
from devstack.akismet_double import SITE_TIMEOUT, AkismetDouble
from devstack.redis import redis_binary, redis_server
from tests.comments.commenting import form_data, next_address
from tests.factories import PostFactory
from tests.media import s3
from tests.media.s3 import moto_server
from tests.subscriptions.mailbox import start_smtp_server
from wordpress import runs

# aiosmtpd logs each session at INFO from its own thread, which may outlive a test's captured
# output ("I/O operation on closed file"); its warnings and errors still show.
logging.getLogger("mail.log").setLevel(logging.WARNING)

pytest_plugins = ["tests.support.people"]

# A test that revalidates the post page finishes within this many seconds.
HOUR_MARGIN_SECONDS = 20


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Close the "progress" connection before the test database is dropped.

    pytest-django keeps connections open between tests, and dropping the database closes
    only "default"'s: "progress" (a mirror of it, wordpress/runs.py) would hold it open.
    """
    yield
    connections["progress"].close()


@pytest.fixture(autouse=True)
def _import_progress_written_every_time(monkeypatch):
    # An import writes its progress through the "progress" database at most once a second,
    # so a test that imports without declaring that database used to fail only when the
    # machine was slow enough for a second to pass. Written every time, it fails every time.
    monkeypatch.setattr(runs, "PROGRESS_EVERY_SECONDS", 0)


@pytest.fixture
def seed_post(db) -> Post:
    call_command("load_seed", verbosity=0)
    return Post.objects.get(slug="selling-vs-marketing")


@pytest.fixture
def post(db) -> Post:
    return PostFactory()


@pytest.fixture
def draft(db) -> Post:
    return PostFactory(status=Post.Status.DRAFT, title="Unfinished thoughts")


@pytest.fixture(autouse=True)
def _cache_starts_empty():
    # Pages are cached under their address, and the seed post's address is the same in
    # every test: one test's page must not be another's.
    cache.clear()


@pytest.fixture(scope="session")
def redis_cache(tmp_path_factory):
    """A real redis-server for the run: the cache production's processes share (compose's)."""
    if redis_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's redis-server is required in CI (make test installs it as root).")
        pytest.skip("redis-server is missing: `make test` installs it as root")
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
def shared_cache(redis_cache):
    """The Redis cache, empty: what one test's servers kept must not answer the next."""
    redis_cache.flush()
    return redis_cache


@pytest.fixture
def site_settings_kept(db, monkeypatch):
    """Keep the site settings row in the cache for the whole test, as a shared cache would.

    In a per-process cache they are kept a second (blog.site); a test counting queries must
    not depend on how fast the machine runs it.
    """
    monkeypatch.setattr(site.kept, "per_process_seconds", 60 * 60)
    return site.current()


@pytest.fixture
def discussion_settings_kept(db, monkeypatch):
    """Keep the discussion settings row in the cache for the whole test, as a shared cache would."""
    monkeypatch.setattr(discussion.kept, "per_process_seconds", 60 * 60)
    return discussion.current()


@pytest.fixture
def one_second(monkeypatch):
    """Hold the shared page's clock in the second the test started, until the test moves it.

    Readers without cookies of ours share one page per second (blog.public_cache). Two requests a
    few milliseconds apart still straddle a second now and then, more often on a loaded
    machine, so a test that means "within the same second" holds the clock rather than hope.
    """
    clock = SimpleNamespace(second=int(time.time()))
    monkeypatch.setattr(public_cache, "current_second", lambda: clock.second)
    return clock


@pytest.fixture
def a_second_passes(one_second):
    """Move the shared page's clock on by one second, as waiting would, without sleeping.

    Until it is called, every request of the test falls in the same second (`one_second`).
    """

    def wait():
        one_second.second += 1

    return wait


@pytest.fixture
def the_hour_does_not_turn():
    """Start the test well before the hour turns: the post page's validators change hourly.

    Its ETag and Last-Modified carry the hour (blog.public_cache), so a 304 a test expects from its
    second request would be a 200 if the hour turned in between.
    """
    left = 3600 - time.time() % 3600
    if left < HOUR_MARGIN_SECONDS:
        time.sleep(left + 0.05)


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post a comment through HTTP, running what the view queues after its commit."""

    def post_comment(post, *, ip=None, http_client=None, headers=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return (http_client or client).post(
                reverse("comments:post", args=[post.pk]),
                form_data(post, **fields),
                REMOTE_ADDR=ip or next_address(),
                **(headers or {}),
            )

    return post_comment


@pytest.fixture
def akismet_answers(monkeypatch, settings):
    """Configure Akismet with the package's TestSyncClient; return a setter and the calls."""
    settings.AKISMET_API_KEY = "test-key"
    calls = []

    def answer(verdict=akismet.CheckResponse.HAM):
        class Recording(akismet.TestSyncClient):
            comment_check_response = verdict

            def comment_check(self, user_ip, **kwargs):
                calls.append({"user_ip": user_ip, **kwargs})
                return super().comment_check(user_ip, **kwargs)

        monkeypatch.setattr(spam, "client_class", Recording)
        return calls

    answer()
    answer.calls = calls
    return answer


@pytest.fixture
def double(settings):
    """Point the site at a local Akismet-compatible HTTP server."""
    with AkismetDouble() as server:
        settings.AKISMET_API_KEY = "test-key"
        settings.AKISMET_API_URL = server.url
        settings.AKISMET_TIMEOUT = SITE_TIMEOUT
        yield server


@pytest.fixture
def smtp_server(settings):
    """Start a real SMTP server (aiosmtpd) on a free port and send the site's email to it."""
    inbox, controller = start_smtp_server()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def media_root(settings, tmp_path):
    """Keep the files a test uploads in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 API server on 127.0.0.1 (moto's server mode) for the whole run."""
    with moto_server() as url:
        yield url


@pytest.fixture
def s3_media(s3_server, settings, monkeypatch):
    """Keep uploads in a new bucket of the local S3 server, configured as production would."""
    bucket = f"media-{uuid.uuid4().hex[:12]}"
    s3.client(s3_server).create_bucket(Bucket=bucket)
    media_url = f"{s3_server}/{bucket}/"
    for name, value in {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": s3_server,
        "S3_REGION": s3.REGION,
        "S3_ACCESS_KEY_ID": s3.ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": s3.SECRET_KEY,
        # Readers fetch the images without signatures: the objects are public.
        "S3_DEFAULT_ACL": "public-read",
    }.items():
        monkeypatch.setenv(name, value)
    settings.MEDIA_URL = media_url
    settings.STORAGES = {**settings.STORAGES, "default": base.media_storage("s3", media_url)}
    settings.CONTENT_SECURITY_POLICY = base.content_security_policy(media_url)
    return SimpleNamespace(url=media_url, bucket=bucket, client=s3.client(s3_server))


@pytest.fixture
def image_origins(settings):
    """Let posts show images from other sites, as IMAGE_REMOTE_ORIGINS does: CSP and all."""

    def allow(*origins: str) -> None:
        settings.IMAGE_REMOTE_ORIGINS = [origin.rstrip("/").lower() for origin in origins]
        settings.CONTENT_SECURITY_POLICY = base.content_security_policy(
            settings.MEDIA_URL, settings.IMAGE_REMOTE_ORIGINS
        )

    return allow
