"""`make audit`: Lighthouse's four scores for home, the article, a search and a gallery post.

It recreates a throwaway `bench_audit` database, loads the seed article and imports the theme
unit test data (`../shared/wxr-corpus/theme-unit-test-data.xml`, else the copy in
tests/wordpress/corpus/) with an uploads folder of stand-in photographs, one for each
attachment the export lists (the real files are on wordpress.com, out of reach here). Then it
starts gunicorn behind the repository's nginx config (`devstack`), and runs Lighthouse
(installed by `make audit` into the git-ignored `.audit/`) with Debian's chromium: each page
on mobile three times (the median performance is printed) and on desktop once. It prints the
scores, the bytes each page transfers before scrolling, and what the admin's media library
page loads. Everything it started is stopped by PID.

    python -m bench.lighthouse
"""

import io
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.database import bench_database_url, machine, recreate_database
from devstack.nginx import start_nginx
from devstack.stack import ROOT, Stack, start_gunicorn

LIGHTHOUSE = ROOT / ".audit" / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
THEME_UNIT_TEST = [
    ROOT.parent / "shared" / "wxr-corpus" / "theme-unit-test-data.xml",
    ROOT / "tests" / "wordpress" / "corpus" / "themeunittestdata.wordpress.xml",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
MOBILE_RUNS = 3
ATTEMPTS = 3
STAND_IN_SIZE = (1600, 1200)


def audit_database_url() -> str:
    parts = urlsplit(bench_database_url())
    return urlunsplit(parts._replace(path="/bench_audit"))


def stand_in_photo(width: int, height: int, seed: int) -> bytes:
    """Return a JPEG that weighs about what a camera's photo of that size does."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)  # noqa: S311 (a picture, not a secret)
    small = Image.new("RGB", (32, 24))
    small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(32 * 24)])
    picture = small.resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 24).convert("RGB")
    picture = Image.blend(picture, grain, 0.12).filter(ImageFilter.DETAIL)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=90)
    return out.getvalue()


def make_uploads(export: Path, folder: Path) -> int:
    """Write a stand-in photo for each attachment `export` lists, under its uploads path."""
    text = export.read_text(encoding="utf-8")
    addresses = re.findall(r"<wp:attachment_url>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)", text)
    for number, address in enumerate(dict.fromkeys(addresses)):
        path = urlsplit(address).path
        path = path.split("/wp-content/uploads/", 1)[-1].lstrip("/")
        sized = re.search(r"(\d{3,4})x(\d{3,4})", path)
        size = (int(sized[1]), int(sized[2])) if sized else STAND_IN_SIZE
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(stand_in_photo(*size, seed=number))
    return len(addresses)


def lighthouse(url: str, *, desktop: bool, out: Path) -> dict:
    """Run Lighthouse once on `url`; return its report."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless --no-sandbox --disable-gpu",
    ]
    if desktop:
        command.append("--preset=desktop")
    for attempt in range(ATTEMPTS):
        # Lighthouse sometimes loses the trace of a heavy page on a busy machine (NO_NAVSTART).
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300)  # noqa: S603
        if done.returncode == 0:
            return json.loads(out.read_text())
        print(f"  Lighthouse failed on {url} (attempt {attempt + 1} of {ATTEMPTS})", flush=True)
    raise SystemExit(f"Lighthouse failed {ATTEMPTS} times on {url}.")


def scores(report: dict) -> dict:
    figures = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = report["audits"]
    figures["bytes"] = int(audits["total-byte-weight"]["numericValue"])
    figures["lcp_ms"] = int(audits["largest-contentful-paint"]["numericValue"])
    return figures


def audit_page(label: str, url: str, work: Path) -> list[dict]:
    rows = []
    mobile = [
        scores(lighthouse(url, desktop=False, out=work / f"{label}-mobile-{n}.json"))
        for n in range(MOBILE_RUNS)
    ]
    median = statistics.median(run["performance"] for run in mobile)
    middle = next(run for run in mobile if run["performance"] == median)
    rows.append({"page": label, "device": f"mobile (median of {MOBILE_RUNS})", **middle})
    desktop = scores(lighthouse(url, desktop=True, out=work / f"{label}-desktop.json"))
    rows.append({"page": label, "device": "desktop", **desktop})
    return rows


def media_library_bytes(media_root: Path) -> dict:
    """Return what the admin's image list loads: its HTML and its images (now, and originals)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from blog.models import Image

    editor, _ = get_user_model().objects.get_or_create(
        username="audit-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(editor)
    page = client.get("/admin/blog/image/").content.decode()
    images = re.findall(r'<img src="/media/([^"]+)"', page)
    shown = sum((media_root / name).stat().st_size for name in images)
    originals = sum(
        (media_root / image.file.name).stat().st_size for image in Image.objects.all()[:100]
    )
    return {"images": len(images), "html": len(page), "shown": shown, "originals": originals}


def main() -> None:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `make audit`.")
    export = next((path for path in THEME_UNIT_TEST if path.exists()), None)
    work = Path(tempfile.mkdtemp(prefix="audit-"))
    media_root = work / "media"
    database_url = audit_database_url()
    recreate_database(database_url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(media_root),
        "SERVE_MEDIA": "false",
        "AKISMET_API_KEY": "",
        "PYTHONUNBUFFERED": "1",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from blog.models import Post

    print(f"Setting up the database {urlsplit(database_url).path[1:]} in {work}", flush=True)
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("load_seed", verbosity=0)
    article = Post.objects.published().posts().order_by("published_at").first()
    # Issue 28's pages: home, the article, a search with results, and the gallery post.
    pages = [
        ("home", "/"),
        ("article", article.get_absolute_url()),
        ("search", "/search/?q=marketing"),
    ]
    if export is not None:
        uploads = work / "uploads"
        count = make_uploads(export, uploads)
        print(f"  importing {export.name} with {count} stand-in photos", flush=True)
        call_command("import_wordpress", str(export), uploads=str(uploads), verbosity=0)
        gallery = max(
            Post.objects.published().exclude(pk=article.pk),
            key=lambda post: post.body_html.count("<img") + bool(post.featured_image_id),
        )
        print(f"  the gallery post: {gallery.title} ({gallery.body_html.count('<img')} images)")
        pages.append(("gallery", gallery.get_absolute_url()))
    else:
        print("  no theme unit test data: auditing the article alone")

    stack = Stack({**env, "LIVE_STACK_LOGS": str(work / "logs")})
    proxy = None
    try:
        web = stack.add("gunicorn", start_gunicorn(stack.env))
        proxy = start_nginx(
            upstream=web.url, static_root=ROOT / "staticfiles", media_root=media_root
        )
        rows = []
        for label, path in pages:
            rows += audit_page(label, proxy.url + path, work)
        library = media_library_bytes(media_root)
    finally:
        if proxy is not None:
            proxy.stop()
        stack.stop_all()
    print_table(rows, library)


def print_table(rows: list[dict], library: dict) -> None:
    print(f"\nLighthouse 12 on {machine()['cpu']}, through nginx (deploy/nginx):")
    header = "| page | device | performance | accessibility | best practices | SEO | KiB | LCP |"
    print(header)
    print("|" + "---|" * 8)
    for row in rows:
        print(
            f"| {row['page']} | {row['device']} | {row['performance']} | {row['accessibility']} "
            f"| {row['best-practices']} | {row['seo']} | {row['bytes'] / 1024:,.0f} "
            f"| {row['lcp_ms'] / 1000:.1f} s |"
        )
    print(
        f"\nMedia library (/admin/blog/image/): {library['images']} images shown, "
        f"{library['shown'] / 1024:,.0f} KiB of images (the originals: "
        f"{library['originals'] / 1024:,.0f} KiB), {library['html'] / 1024:,.0f} KiB of HTML"
    )


if __name__ == "__main__":
    main()
