"""The hostile sweep's machinery: the corpus, the site's URL patterns, and one request at a time.

`test_sweep.py` says what is swept; this module knows how: every value is sent as raw,
percent-encoded bytes (so lone surrogates and overlong UTF-8 arrive as a browser or a bot
would send them), each request runs in its own savepoint (a database error in one cannot
poison the next), and every answer is checked: no 5xx, nothing active, no open redirect.
"""

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from bs4 import BeautifulSoup
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.inert import MARKER, assert_inert

LONG = "x" * 10_000

# (label, value as it goes on the wire, percent-encoded). Every HTML/JS payload carries MARKER.
CORPUS = [
    ("empty", ""),
    ("nul", "%00"),
    ("nul-inside", "a%00b"),
    ("controls", "%01%07%08%0B%1B%7F"),
    ("crlf", "a%0D%0ASet-Cookie:%20x=1"),
    ("lone-surrogate", "%ED%A0%80"),
    ("low-surrogate", "a%ED%B0%80b"),
    ("overlong-slash", "%C0%AF"),
    ("overlong-nul", "%C0%80"),
    ("invalid-utf8", "%FF%FE%C3%28"),
    ("rtl-override", quote("\u202eevil\u202c\u2066x\u2069")),
    ("long", LONG),
    ("long-words", quote("a " * 5_000)),
    ("negative", "-1"),
    ("zero", "0"),
    ("huge", "99999999999999999999999999"),
    ("bigint-edge", "9223372036854775808"),
    ("float", "1e309"),
    ("nan", "NaN"),
    ("non-numeric", "abc"),
    ("hex", "0x10"),
    ("sql", quote("'); DROP TABLE comments_comment; --")),
    ("sql-or", quote("' OR '1'='1")),
    ("tsquery", quote("a & | ! :* <-> (")),
    ("tsquery-prefix", quote(":*")),
    ("html", quote('"><script>alert(1)</script>')),
    ("html-attr", quote("' onmouseover='alert(1)")),
    ("img", quote("<img src=x onerror=alert(1)>")),
    ("template", quote("{{ request.META }}{% debug %}alert(1)")),
    ("javascript-url", quote("javascript:alert(1)")),
    ("data-url", quote("data:text/html,<script>alert(1)</script>")),
    ("traversal", quote("../../../etc/passwd", safe="")),
    ("traversal-raw", "..%2F..%2F..%2Fetc%2Fpasswd"),
    ("traversal-overlong", "..%C0%AF..%C0%AFetc%C0%AFpasswd"),
    ("percent", "%25%25%2525"),
]
# The few values that found every 500 so far: for the admin's generic parameters and fields.
SHORT = {
    "nul",
    "lone-surrogate",
    "overlong-slash",
    "long",
    "negative",
    "huge",
    "non-numeric",
    "sql",
    "tsquery",
    "html",
    "javascript-url",
    "traversal",
}
SHORT_CORPUS = [(label, value) for label, value in CORPUS if label in SHORT]
# For Django's generic admin pages and each filter they might read: what broke them so far.
PROBES = [(label, value) for label, value in CORPUS if label in {"empty", "nul", "huge"}]

# Hostile request headers, as WSGI environ keys.
HEADERS = [
    ("inm-huge", {"HTTP_IF_NONE_MATCH": 'W/"' + "a" * 10_000 + '"'}),
    ("inm-many", {"HTTP_IF_NONE_MATCH": ", ".join(f'"{n}"' for n in range(2_000))}),
    ("inm-malformed", {"HTTP_IF_NONE_MATCH": 'W/"unterminated, *, "", W/'}),
    ("inm-star", {"HTTP_IF_NONE_MATCH": "*"}),
    ("ims-malformed", {"HTTP_IF_MODIFIED_SINCE": "Yesterday, 99 Foo 20x7 25:61:61 XYZ"}),
    ("ims-huge", {"HTTP_IF_MODIFIED_SINCE": "Sun, 06 Nov 99999 08:49:37 GMT"}),
    ("ims-epoch", {"HTTP_IF_MODIFIED_SINCE": "Thu, 01 Jan 1970 00:00:00 GMT"}),
    ("ims-long", {"HTTP_IF_MODIFIED_SINCE": LONG}),
    ("ius-malformed", {"HTTP_IF_UNMODIFIED_SINCE": "garbage", "HTTP_IF_MATCH": 'W/"x'}),
    ("range", {"HTTP_RANGE": "bytes=0-0,-1,5-1,99999999999999999999-"}),
    ("range-garbage", {"HTTP_RANGE": "lines=" + "1-2," * 2_000}),
    ("accept-language", {"HTTP_ACCEPT_LANGUAGE": "xx-YY;q=2, *;q=-1, ../../etc, " + "a" * 5_000}),
    ("accept-language-nul", {"HTTP_ACCEPT_LANGUAGE": "en\x00de\u202e"}),
    ("accept-garbage", {"HTTP_ACCEPT": "*/*;q=abc, text/html;level=" + "9" * 500}),
    ("host-evil", {"HTTP_HOST": "evil.example"}),
    ("host-port", {"HTTP_HOST": "localhost:99999"}),
    ("host-userinfo", {"HTTP_HOST": "user@localhost"}),
    ("host-garbage", {"HTTP_HOST": "local host\x00/<script>alert(1)</script>"}),
    ("host-long", {"HTTP_HOST": "a" * 10_000 + ".localhost"}),
    ("xff-garbage", {"HTTP_X_FORWARDED_FOR": "not-an-ip, <script>alert(1)</script>"}),
    ("xff-long", {"HTTP_X_FORWARDED_FOR": "203.0.113.9, " * 2_000 + "203.0.113.9"}),
    ("xff-scoped-ipv6", {"HTTP_X_FORWARDED_FOR": "fe80::1%eth0"}),
    ("xff-port", {"HTTP_X_FORWARDED_FOR": "203.0.113.9:8080"}),
    ("xff-empty-hops", {"HTTP_X_FORWARDED_FOR": ",,, ,"}),
    ("xff-nul", {"HTTP_X_FORWARDED_FOR": "203.0.113.9\x00"}),
    ("xff-mapped", {"HTTP_X_FORWARDED_FOR": "::ffff:203.0.113.9"}),
    ("fetch-cross-site", {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil"}),
    ("fetch-same-origin", {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "null"}),
    ("fetch-none", {"HTTP_SEC_FETCH_SITE": "none"}),
    ("fetch-garbage", {"HTTP_SEC_FETCH_SITE": "same-origin, cross-site\x00"}),
    ("origin-only-evil", {"HTTP_ORIGIN": "https://evil.example"}),
    ("origin-garbage", {"HTTP_ORIGIN": "javascript:alert(1)"}),
    ("referer-garbage", {"HTTP_REFERER": "javascript:alert(1)//" + "\u202e" * 50}),
    ("user-agent-long", {"HTTP_USER_AGENT": "<script>alert(1)</script>" + LONG}),
    ("cookie-author", {"HTTP_COOKIE": "comment_author=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"}),
    ("cookie-pending", {"HTTP_COOKIE": "comment_pending=1,2,3:forged:sig; csrftoken=" + "z" * 64}),
    ("cookie-garbage", {"HTTP_COOKIE": "a=\x00; =; ;;; b=%ED%A0%80; " + "c" * 5_000}),
]

ACTIVE_REDIRECT = re.compile(r"^\s*(javascript|data|vbscript):|^\s*//|^\s*https?://(?!testserver)")


# --- The site's URL patterns -------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One URL pattern of the site, with its full route and the names of its parts."""

    name: str
    route: str
    kwargs: tuple

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    def url(self, values: dict) -> str:
        """Return the address with each part filled in (values already percent-encoded)."""
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], self.route)
        url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], url)
        return "/" + url.replace("^", "").replace("$", "")


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            kwargs = tuple(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))
            kwargs = tuple(a or b for a, b in kwargs)
            name = f"{namespace}{pattern.name}" if pattern.name else route
            yield Endpoint(name=name, route=route, kwargs=kwargs)


def site_endpoints() -> list[Endpoint]:
    """Return every URL pattern the site has, read from its resolver."""
    return list(_walk(get_resolver().url_patterns))


# --- Sending and checking ----------------------------------------------------------------


@dataclass
class Finding:
    endpoint: str
    where: str
    label: str
    status: int
    detail: str

    def __str__(self):
        return f"{self.endpoint} {self.where}={self.label}: {self.status} {self.detail}"


@dataclass
class Tally:
    """What the whole sweep sent and saw; printed at the end of the run."""

    requests: int = 0
    endpoints: set = field(default_factory=set)
    server_errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0


TALLY = Tally()


def _describe(error: BaseException) -> str:
    frames = []
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if "/site-packages/" not in code.co_filename:
            frames.append(f"{'/'.join(code.co_filename.rsplit('/', 2)[-2:])}:{tb.tb_lineno}")
        tb = tb.tb_next
    where = frames[-1] if frames else ""
    return f"{type(error).__name__}: {str(error)[:160]} at {where}"


def send(client, endpoint, where, label, method, url, *, body=None, headers=None):
    """Send one request; return (response or None, findings)."""
    started = time.monotonic()
    TALLY.requests += 1
    TALLY.endpoints.add(endpoint.name)
    kwargs = dict(headers or {})
    if body is not None:
        kwargs["content_type"] = "application/x-www-form-urlencoded"
    try:
        with transaction.atomic():
            response = client.generic(method, url, body.encode() if body else b"", **kwargs)
    except Exception as error:  # the test client re-raises what the view raised
        TALLY.seconds += time.monotonic() - started
        TALLY.statuses[500] += 1
        return None, [Finding(endpoint.name, where, label, 500, _describe(error))]
    TALLY.seconds += time.monotonic() - started
    TALLY.statuses[response.status_code] += 1
    return response, check(endpoint, where, label, response, sent=url + (body or ""))


def check(endpoint, where, label, response, *, sent: str) -> list[Finding]:
    """Return what is wrong with an answer: a 5xx, active input, or a redirect off the site."""
    found = []

    def finding(detail):
        found.append(Finding(endpoint.name, where, label, response.status_code, detail))

    if response.status_code >= 500:
        finding("server error")
    location = response.get("Location", "")
    if ACTIVE_REDIRECT.match(location):
        finding(f"redirect to {location[:80]!r}")
    content_type = response.get("Content-Type", "")
    hostile = MARKER in sent or "alert%281%29" in sent or "alert(1)" in sent
    if hostile and not response.streaming and "html" in content_type:
        try:
            assert_inert(response.content.decode(errors="replace"))
        except AssertionError as error:
            finding(f"active input: {error}")
    elif hostile and "xml" in content_type and b"<script" in response.content:
        finding("a <script> in XML")
    return found


def forms_on(html: str, page_url: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return each POST form of a page as (action path, [(name, value)...]), as sent."""
    found = []
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        action = urlsplit(urljoin("http://testserver" + page_url, form.get("action") or page_url))
        fields = []
        for element in form.find_all(["input", "textarea", "select"]):
            name = element.get("name")
            kind = (element.get("type") or "").lower()
            if not name or (kind in ("checkbox", "radio") and not element.has_attr("checked")):
                continue
            if element.name == "textarea":
                value = element.get_text()
            elif element.name == "select":
                option = element.find("option", selected=True) or element.find("option")
                value = option.get("value", option.get_text()) if option else ""
            else:
                value = element.get("value", "")
            fields.append((name, value))
        path = action.path + (f"?{action.query}" if action.query else "")
        found.append((path, fields))
    return found


def encode_form(fields, replace: str | None = None, raw: str = "") -> str:
    """Encode form fields, with `replace`'s value swapped for a raw (already encoded) one."""
    parts = []
    for name, value in fields:
        if name == replace:
            parts.append(f"{quote(name)}={raw}")
        else:
            parts.append(f"{quote(name)}={quote(value, safe='')}")
    if replace and replace not in {name for name, _value in fields}:
        parts.append(f"{quote(replace)}={raw}")
    return "&".join(parts)
