"""Every address of the site, every part, parameter, field and header, sent hostile input.

The URL patterns come from the site's own resolver, so a new page is swept the day it is
added; a pattern this sweep cannot fill in fails `test_every_url_pattern_is_swept_or_skipped`
until it gets a valid value below or a line in SKIPPED saying why not. Reader pages are
visited as an anonymous reader, admin pages as an editor of the Editors group. Each case
asserts no 5xx, nothing the sender wrote rendered active, no redirect off the site, and that
the cache does not grow with the number of distinct hostile values. `make test` prints the
figure: requests sent, endpoints covered, 5xx seen.
"""

import logging
import os
import time
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.http import QueryDict
from django.test import Client

from blog.models import Category, Post
from comments.models import AkismetReport, CommentEvent, DiscussionSettings, Status
from subscriptions import links
from tests.factories import CommentFactory, PostFactory
from tests.security import sweep
from tests.security.sweep import CORPUS, HEADERS, PROBES, SHORT_CORPUS, Endpoint
from tests.support.people import make_editor

pytestmark = pytest.mark.django_db

ENDPOINTS = sweep.site_endpoints()
# Patterns this sweep does not visit, each with the reason. Keep it short.
SKIPPED: dict[str, str] = {}
# Pages sent every hostile header; the others get one of each kind.
HEADER_TARGETS = {"blog:post_detail", "comments:post"}
# Admin pages that get one of each kind too; other admin pages get none.
ADMIN_HEADER_TARGETS = {"admin:login", "admin:comments_comment_changelist"}
HEADER_KINDS = ["inm-huge", "ims-malformed", "range", "accept-language", "host-evil"]
HEADER_KINDS += ["xff-scoped-ipv6", "fetch-cross-site", "cookie-garbage"]
# Our own admin pages (the queue, one-click moderation) get more than Django's generic ones,
# and so do the parameters our own code reads.
OWN_ADMIN = "admin:comments_comment_"
OWN_PARAMETERS = {"q", "cpage", "replytocom", "page", "p", "status", "status__exact", "o"}
# Where a form that posts to an address is found, for addresses that only take POST.
FORM_PAGES = {
    "comments:post": lambda data: data.post.get_absolute_url(),
    "admin:comments_comment_empty": lambda data: "/admin/comments/comment/?status=spam",
    "admin:comments_comment_check_all": lambda data: "/admin/comments/comment/",
    "admin:logout": lambda data: "/admin/",
}
# Parameters the reader's pages read that change what is cached: a burst of distinct values
# of each must not leave a cache entry per value.
CACHE_BURST = 5

# --- What the sweep found when it was first run (issue 13) ---------------------------------
# Each was a 500 or an unbounded cache; each is fixed, and each is swept again on its own below
# so that a regression names the finding.
EARLIER_FINDINGS = {
    ("blog:search", "query:q"): "a NUL in the search gets 'no results', not a 500",
    ("blog:post_detail", "cache:cpage"): "the thread cache key takes the clamped page",
    **{
        (f"admin:comments_comment_{move}", "path:object_id"): (
            "an invalid id in a one-click moderation address gets 404, not a 500"
        )
        for move in ("approve", "unapprove", "spam", "ham", "trash", "restore")
    },
}


@dataclass
class SiteData:
    post: object
    draft: object
    comment: object
    pending: object
    editor: object
    category: object
    page: object


@pytest.fixture
def data(db):
    post = PostFactory(title="Selling vs. Marketing")
    comment = CommentFactory(post=post)
    pending = CommentFactory(post=post, status=Status.PENDING, parent=comment)
    CommentFactory(post=post, status=Status.SPAM)
    CommentFactory(post=post, status=Status.AWAITING_CHECK)
    CommentEvent.objects.create(comment=pending, action="held", actor_label="rules")
    AkismetReport.objects.create(comment=comment, kind="spam")
    DiscussionSettings.load()
    parent = Category.objects.create(name="Business", slug="business")
    category = Category.objects.create(name="Selling", slug="selling", parent=parent)
    post.categories.add(category)
    post.tags.add("marketing")
    return SiteData(
        post=post,
        draft=PostFactory(status="draft"),
        comment=comment,
        pending=pending,
        editor=make_editor(),
        category=category,
        page=PostFactory(title="About", slug="about", kind=Post.Kind.PAGE),
    )


@pytest.fixture(autouse=True)
def hostile_site(settings, tmp_path, caplog):
    """A site as production sees it: one trusted proxy, real host checks, a countable cache."""
    # Thousands of refused requests each log a line; the findings say what matters.
    for logger in ("django", "axes"):
        caplog.set_level(logging.CRITICAL, logger=logger)
    settings.TRUSTED_PROXY_HOPS = 1
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "[::1]"]
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    }
    return tmp_path / "cache"


def cache_entries(folder) -> int:
    return len(os.listdir(folder)) if folder.exists() else 0


def valid_values(endpoint: Endpoint, data: SiteData) -> dict:
    """Return a value that resolves for each part of the endpoint's address."""
    year, month, slug = data.post.get_absolute_url().strip("/").split("/")
    values = {"year": year, "month": month, "slug": slug, "post_id": str(data.post.pk)}
    # A day archive and WordPress's /page/N/ (issue 27).
    values |= {"day": "01", "page": "1"}
    values |= {"app_label": "comments", "url": "no-such-page/", "id": str(data.editor.pk)}
    values["content_type_id"] = str(ContentType.objects.get_for_model(data.comment).pk)
    values["object_id"] = values["comment_id"] = str(data.comment.pk)
    # Categories nest and pages are paths of slugs; both take a `path`.
    page_path = data.page.get_absolute_url().strip("/")
    category_path = data.category.get_absolute_url().strip("/").removeprefix("category/")
    values["path"] = category_path if endpoint.name.startswith("blog:category") else page_path
    values["slug"] = "marketing" if endpoint.name.startswith("blog:tag") else slug
    values["username"] = data.post.author.get_username()
    values["token"] = (
        links.confirm_token(data.comment.author_email)
        if endpoint.name == "subscriptions:confirm"
        else links.unsubscribe_token(data.comment.author_email, data.post.pk)
    )
    parts = endpoint.route.split("/")
    model_object = "object_id" in endpoint.kwargs and "content_type_id" not in endpoint.kwargs
    if endpoint.is_admin and len(parts) > 3 and model_object:
        model = apps.get_model(parts[1], parts[2])
        first = model._default_manager.order_by("pk").first()
        values["object_id"] = str(first.pk) if first else "1"
    return values


def admin_parameters(endpoint: Endpoint) -> set[str]:
    """Return the query parameters an admin page takes: its filters, search, sort, page."""
    params = {"_changelist_filters", "_to_field"}
    parts = endpoint.route.split("/")
    if not endpoint.name.endswith("_changelist") or len(parts) < 3:
        return params
    model_admin = admin.site._registry.get(apps.get_model(parts[1], parts[2]))
    params |= {"q", "p", "o", "e", "all"}
    if model_admin is None:
        return params
    for spec in model_admin.list_filter:
        if isinstance(spec, str | tuple):
            name = spec if isinstance(spec, str) else spec[0]
            params |= {f"{name}__exact", f"{name}__gte", f"{name}__id__exact"}
        else:
            params.add(spec.parameter_name)
    if model_admin.date_hierarchy:
        params |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month")}
    return params


def parameters_read(client, url, monkeypatch) -> set[str]:
    """Return the query parameters a page looks at, by watching its request.GET."""
    read = set()
    for method in ("get", "__getitem__", "getlist", "__contains__"):
        original = getattr(QueryDict, method)

        def watching(self, key, *args, _original=original, **kwargs):
            read.add(key)
            return _original(self, key, *args, **kwargs)

        monkeypatch.setattr(QueryDict, method, watching)
    try:
        client.get(url)
    finally:
        monkeypatch.undo()
    return {key for key in read if isinstance(key, str)}


class Case:
    """Sweep one endpoint; collect what went wrong."""

    def __init__(self, endpoint, data, cache_folder, monkeypatch):
        self.endpoint, self.data, self.cache_folder = endpoint, data, cache_folder
        self.monkeypatch = monkeypatch
        self.client = Client()
        if endpoint.is_admin and endpoint.name != "admin:login":
            self.client.force_login(data.editor)
        self.values = valid_values(endpoint, data)
        self.url = endpoint.url(self.values)
        self.findings = []
        self.method = "GET"

    def send(self, where, label, url, *, method=None, body=None, headers=None):
        response, found = sweep.send(
            self.client, self.endpoint, where, label, method or self.method, url,
            body=body, headers=headers,
        )  # fmt: skip
        self.findings += found
        return response

    def baseline(self):
        response = self.send("baseline", "valid", self.url)
        if response is not None and response.status_code == 405:
            self.method = "POST"
        return response

    def path_parts(self, corpus):
        for name in self.endpoint.kwargs:
            for label, value in corpus:
                url = self.endpoint.url({**self.values, name: value})
                self.send(f"path:{name}", label, url)

    def query(self, params, corpus):
        for name in sorted(params):
            for label, value in corpus:
                self.send(f"query:{name}", label, f"{self.url}?{quote(name)}={value}")
            self.send(f"query:{name}", "array", f"{self.url}?{quote(name)}=1&{quote(name)}=%00")

    def forms(self, page_url, corpus):
        page = self.client.get(page_url)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            return 0
        target = self.url.split("?")[0]
        forms = [f for f in sweep.forms_on(page.text, page_url) if f[0].split("?")[0] == target]
        for action, fields in forms:
            # The test client does not check CSRF tokens; the CSRF tests check them.
            for name in {name for name, _value in fields} - {"csrfmiddlewaretoken"}:
                for label, value in corpus:
                    body = sweep.encode_form(fields, name, value)
                    self.send(f"form:{name}", label, action, method="POST", body=body)
                body = sweep.encode_form(fields, name, "1") + f"&{quote(name)}=2"
                self.send(f"form:{name}", "array", action, method="POST", body=body)
        return len(forms)

    def headers(self, kinds=None):
        body = None
        if self.method == "POST" and self.endpoint.name in FORM_PAGES:
            page_url = FORM_PAGES[self.endpoint.name](self.data)
            forms = sweep.forms_on(self.client.get(page_url).text, page_url)
            fields = next((f for a, f in forms if a.split("?")[0] == self.url), [])
            body = sweep.encode_form(fields)
        for label, headers in HEADERS:
            if kinds is None or label in kinds:
                self.send("header", label, self.url, body=body, headers=headers)

    def cache_bursts(self, params):
        """Send a burst of distinct values per parameter; count the cache entries it adds."""
        grown = {}
        for name in sorted(params):
            before, started = cache_entries(self.cache_folder), time.monotonic()
            for n in range(CACHE_BURST):
                for value in (str(10**9 + n), f"-{n + 2}", f"x{n}"):
                    self.send(f"cache:{name}", "distinct", f"{self.url}?{name}={value}")
            # The shared page is kept per second; anything else per value is growth.
            allowance = 6 + 2 * int(time.monotonic() - started + 1)
            growth = cache_entries(self.cache_folder) - before
            grown[name] = growth
            if growth > allowance:
                detail = f"{growth} cache entries for {3 * CACHE_BURST} distinct values"
                finding = sweep.Finding(self.endpoint.name, f"cache:{name}", "distinct", 0, detail)
                self.findings.append(finding)
        return grown


def run_case(endpoint, data, cache_folder, monkeypatch, only="") -> list:
    """Sweep one endpoint (only the parts whose name starts with `only`); return findings."""
    case = Case(endpoint, data, cache_folder, monkeypatch)

    def wants(*parts):
        return not only or only.startswith(parts)

    baseline = case.baseline()
    reader = not endpoint.is_admin
    own = reader or endpoint.name.startswith(OWN_ADMIN)
    allowed = baseline is not None and baseline.status_code != 403
    if wants("path"):
        case.path_parts(CORPUS if reader else SHORT_CORPUS if own and allowed else PROBES)
    if case.method == "GET" and wants("query", "cache"):
        read = parameters_read(case.client, case.url, monkeypatch) - {"csrfmiddlewaretoken"}
        if wants("query"):
            ours = read & OWN_PARAMETERS if own else set()
            case.query(ours, CORPUS if reader else SHORT_CORPUS)
            case.query(read - ours, PROBES)
            if endpoint.is_admin:
                # Pages the editor may not open still read `_to_field` before saying so.
                generic = admin_parameters(endpoint) - read
                case.query(generic if allowed else generic & {"_to_field"}, PROBES)
            else:
                case.query({"utm_source"}, PROBES)
        if not endpoint.is_admin and wants("cache"):
            case.cache_bursts(read)
    if allowed and wants("form"):
        page_url = FORM_PAGES.get(endpoint.name, lambda _data: case.url)(data)
        case.forms(page_url, SHORT_CORPUS if own else PROBES)
    if wants("header") and (not endpoint.is_admin or endpoint.name in ADMIN_HEADER_TARGETS):
        case.headers(None if endpoint.name in HEADER_TARGETS else HEADER_KINDS)
    return case.findings


def _counted(findings) -> list:
    sweep.TALLY.server_errors += sum(f.status >= 500 for f in findings)
    return findings


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_hostile_input_to_every_address_gets_a_clear_answer(
    endpoint, data, hostile_site, monkeypatch
):
    if endpoint.name in SKIPPED:
        pytest.skip(SKIPPED[endpoint.name])
    findings = _counted(run_case(endpoint, data, hostile_site, monkeypatch))

    assert not findings, "\n".join(map(str, findings[:30]))


def test_every_url_pattern_is_swept_or_skipped_with_a_reason(data):
    fillable = valid_values(ENDPOINTS[0], data)
    unfillable = [
        e.name
        for e in ENDPOINTS
        if e.name not in SKIPPED and any(kwarg not in fillable for kwarg in e.kwargs)
    ]

    assert not unfillable, f"add a valid value in valid_values() or a SKIPPED reason: {unfillable}"
    assert len(ENDPOINTS) > 50
    assert {"blog:post_detail", "comments:post", "admin:comments_comment_approve"} <= {
        e.name for e in ENDPOINTS
    }


@pytest.mark.parametrize(
    ("endpoint_name", "where"),
    [
        pytest.param(name, where, id=f"{name}-{where}")
        for (name, where), _what in EARLIER_FINDINGS.items()
    ],
)
def test_what_the_first_sweep_found_stays_fixed(
    endpoint_name, where, data, hostile_site, monkeypatch
):
    (endpoint,) = [e for e in ENDPOINTS if e.name == endpoint_name]
    findings = run_case(endpoint, data, hostile_site, monkeypatch, only=where)

    assert not [f for f in findings if f.where == where], where
