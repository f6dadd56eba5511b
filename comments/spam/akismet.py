"""The one adapter between this site and Akismet.

Everything that talks to Akismet goes through here, so the rest of the app deals in
`Verdict`s and one exception, `AkismetUnavailable`, and tests can swap `client_class`
for `akismet.TestSyncClient` or point `AKISMET_API_URL` at a local double. A checker's batch
is asked side by side (`ask_all`) on one HTTP client and one pool of threads per process.
"""

import atexit
import datetime
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import akismet
import httpx
import urllib3
from django.conf import settings

from comments.models import Verdict
from comments.rules import conf

logger = logging.getLogger(__name__)

# Tests replace this with a subclass of akismet.TestSyncClient.
client_class: type[akismet.SyncClient] = akismet.SyncClient

# The hidden form field bots fill in; Akismet is told its name.
HONEYPOT_FIELD = "ak_hp_textarea"


class AkismetUnavailable(Exception):
    """Akismet could not give an answer: timeout, HTTP error, garbage or an invalid key."""


class _EndpointTransport(httpx.BaseTransport):
    """Carry the akismet package's requests to AKISMET_API_URL on urllib3's connection pool.

    The akismet package builds absolute URLs on https://rest.akismet.com, and httpx ignores
    `base_url` for absolute URLs, so the scheme, host and port are swapped here, keeping the
    path. urllib3 carries them because its pool costs less CPU than httpx's own transport:
    asking about a batch cost 1.4 against 1.8 ms of CPU a comment, side by side in the checker
    (issue 26), the largest part of a comment's check. httpx's timeouts come with each request.
    """

    def __init__(self, endpoint: str, connections: int):
        url = urllib3.util.parse_url(endpoint)
        self.origin = f"{url.scheme}://{url.netloc}"
        # As many kept-alive connections as a batch asks side by side; `retries=False` as
        # httpx: a failed call is the check's to retry, on its own schedule.
        self.pool = urllib3.PoolManager(maxsize=connections, retries=False)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        limits = request.extensions.get("timeout", {})
        timeout = urllib3.Timeout(connect=limits.get("connect"), read=limits.get("read"))
        headers = {name: value for name, value in request.headers.items() if name != "host"}
        try:
            answer = self.pool.request(
                request.method,
                self.origin + request.url.raw_path.decode("ascii"),
                body=request.read(),
                headers=headers,
                timeout=timeout,
                redirect=False,
                # httpx decodes the body by its Content-Encoding, as it would its own.
                decode_content=False,
            )
        except urllib3.exceptions.TimeoutError as error:
            raise httpx.TimeoutException(str(error), request=request) from error
        except urllib3.exceptions.HTTPError as error:
            raise httpx.TransportError(str(error), request=request) from error
        return httpx.Response(
            answer.status, headers=list(answer.headers.items()), content=answer.data
        )

    def close(self) -> None:
        self.pool.clear()


def is_configured() -> bool:
    return bool(settings.AKISMET_API_KEY)


# One HTTP client per process, built on first use and reused: building one costs about
# 42 ms of CPU (it loads the TLS trust store), more than the rest of a comment POST. Beside
# it, the pool of threads that asks about a batch side by side (`ask_all`).
_lock = threading.Lock()
_shared: dict = {"settings": None, "http": None, "askers": None}


def _start_afresh_after_fork() -> None:
    # gunicorn forks its workers from a loaded app: a child builds its own client and threads,
    # since its parent's kept-alive connections are not its to use and threads do not fork.
    global _lock
    _lock = threading.Lock()
    _shared.update(settings=None, http=None, askers=None)


os.register_at_fork(after_in_child=_start_afresh_after_fork)


def http_client() -> httpx.Client:
    """Return this process's HTTP client for Akismet, built on first use and closed at exit."""
    wanted = (settings.AKISMET_API_URL, settings.AKISMET_TIMEOUT)
    with _lock:
        if _shared["settings"] != wanted:
            # Only tests change the settings while the process runs.
            if _shared["http"] is not None:
                _shared["http"].close()
            _shared["http"] = httpx.Client(
                headers={"User-Agent": akismet.USER_AGENT},
                timeout=settings.AKISMET_TIMEOUT,
                transport=_EndpointTransport(settings.AKISMET_API_URL, conf.CHECK_BATCH),
            )
            _shared["settings"] = wanted
        return _shared["http"]


def close() -> None:
    """Close this process's HTTP client for Akismet, if one was built."""
    with _lock:
        if _shared["http"] is not None:
            _shared["http"].close()
        _shared["settings"] = _shared["http"] = None


atexit.register(close)


def client() -> akismet.SyncClient:
    """Return an Akismet client on this process's HTTP client: cheap, it holds the config."""
    # Never `with client()`: entering it calls verify-key first, which would double every
    # request, and leaving it would close the shared HTTP client.
    config = akismet.Config(key=settings.AKISMET_API_KEY, url=f"{settings.SITE_URL}/")
    return client_class(config=config, http_client=http_client())


_ERRORS = (akismet.AkismetError, httpx.HTTPError, ValueError)


def payload_for(comment, *, user_role: str = "", recheck_reason: str = "") -> dict:
    """Build the comment-check arguments for a comment: everything Akismet accepts."""
    post = comment.post
    payload = {
        "user_ip": comment.ip_address or "",
        "user_agent": comment.user_agent,
        "referrer": comment.referrer,
        "permalink": f"{settings.SITE_URL}{post.get_absolute_url()}",
        "comment_type": "reply" if comment.parent_id else "comment",
        "comment_author": comment.author_name,
        "comment_author_email": comment.author_email,
        "comment_author_url": comment.author_url,
        "comment_content": comment.content,
        "comment_date_gmt": _gmt(comment.submitted_at),
        "comment_post_modified_gmt": _gmt(post.updated_at),
        "blog_lang": settings.LANGUAGE_CODE.split("-")[0],
        "blog_charset": "UTF-8",
        "honeypot_field_name": HONEYPOT_FIELD,
    }
    if user_role:
        payload["user_role"] = user_role
    if settings.AKISMET_TEST_MODE:
        payload["is_test"] = 1
    if recheck_reason:
        payload["recheck_reason"] = recheck_reason
    return payload


def _gmt(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def comment_check(payload: dict) -> Verdict:
    """Ask Akismet about a payload; raise AkismetUnavailable when there is no answer."""
    try:
        answer = client().comment_check(**payload)
    except _ERRORS as error:
        raise AkismetUnavailable(str(error) or error.__class__.__name__) from error
    return {
        akismet.CheckResponse.HAM: Verdict.HAM,
        akismet.CheckResponse.SPAM: Verdict.SPAM,
        akismet.CheckResponse.DISCARD: Verdict.DISCARD,
    }[answer]


def ask_all(payloads: list[dict]) -> list[tuple]:
    """Ask Akismet about each payload, side by side on the shared HTTP client.

    Each answer is (verdict, None, True), or (None, error, expected) when there is none:
    `expected` is False for an unexpected error (a bug, not an answer from Akismet).
    """
    if len(payloads) <= 1:
        return [_answer(sent) for sent in payloads]
    return list(_askers().map(_answer, payloads))


def _answer(sent: dict) -> tuple:
    try:
        return comment_check(sent), None, True
    except AkismetUnavailable as error:
        return None, str(error), True
    except Exception as error:
        logger.exception("Spam check of %s failed unexpectedly", sent.get("permalink", ""))
        return None, f"{error.__class__.__name__}: {error}", False


def _askers() -> ThreadPoolExecutor:
    # As wide as a checker's batch, and reused by every batch.
    with _lock:
        if _shared["askers"] is None:
            _shared["askers"] = ThreadPoolExecutor(
                max_workers=conf.CHECK_BATCH, thread_name_prefix="akismet"
            )
        return _shared["askers"]


def submit_spam(payload: dict) -> None:
    _submit("submit_spam", payload)


def submit_ham(payload: dict) -> None:
    _submit("submit_ham", payload)


def _submit(method: str, payload: dict) -> None:
    # recheck_reason belongs to comment-check only.
    payload = {k: v for k, v in payload.items() if k != "recheck_reason"}
    try:
        getattr(client(), method)(**payload)
    except _ERRORS as error:
        raise AkismetUnavailable(str(error) or error.__class__.__name__) from error


def verify_key() -> bool:
    """Return whether Akismet accepts the configured key; raise AkismetUnavailable if unsure."""
    try:
        return client().verify_key()
    except _ERRORS as error:
        raise AkismetUnavailable(str(error) or error.__class__.__name__) from error
