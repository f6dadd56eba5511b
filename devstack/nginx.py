"""The repository's nginx config (deploy/nginx/templates/), rendered and run on this machine.

    with nginx(upstream=web.url, static_root=tmp / "static") as proxy:
        urllib.request.urlopen(proxy.url + "/")

`render()` does what the nginx image does with /etc/nginx/templates/*.template in docker
compose: it replaces each `${NAME}` and leaves nginx's own `$variables` alone. The local run
uses Debian's `nginx` package in the mode that needs no certificates (`PROXY_MODE=http`),
with a small main config of its own in a temporary folder (pid file, logs, temporary files,
cache), started as `nginx -c <conf> -p <folder>` and stopped by the PID in its pid file.
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from devstack.stack import ROOT, Process, free_port, spawn, wait_until_ready

TEMPLATES = ROOT / "deploy" / "nginx" / "templates"
# How many free ports to try when another process takes the one chosen first.
PORT_ATTEMPTS = 3
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
# What the nginx image's own /etc/nginx/nginx.conf gives compose, for a process of our own.
MAIN_CONF = """\
{user}pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
daemon off;
worker_processes {workers};
events {{ worker_connections 1024; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log {access_log};
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    client_body_temp_path {folder}/tmp/client_body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    include {folder}/conf.d/default.conf;
}}
"""


def nginx_binary() -> str | None:
    """Return the path of Debian's nginx, or None when it is not installed."""
    # /usr/sbin is not on every user's PATH.
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    return found or None


def render(text: str, values: dict) -> str:
    """Replace each `${NAME}` in `text` with `values[NAME]`; refuse one without a value."""
    missing = sorted({name for name in PLACEHOLDER.findall(text) if name not in values})
    if missing:
        raise KeyError(f"no value for {', '.join(missing)} in the nginx templates")
    return PLACEHOLDER.sub(lambda match: str(values[match[1]]), text)


def render_templates(values: dict, into: Path) -> Path:
    """Render every template into `into` (as the nginx image renders them); return it."""
    into.mkdir(parents=True, exist_ok=True)
    for template in sorted(TEMPLATES.glob("*.template")):
        (into / template.name.removesuffix(".template")).write_text(
            render(template.read_text(), values)
        )
    return into


# The site's default WORDPRESS_IMPORT_MAX_BYTES, WORDPRESS_UPLOADS_MAX_BYTES and
# IMAGE_MAX_BYTES (config/settings/base.py).
IMPORT_MAX_BYTES = 64 * 1024 * 1024
UPLOADS_MAX_BYTES = 256 * 1024 * 1024
IMAGE_MAX_BYTES = 20 * 1024 * 1024
# TEST-NET-1: no connection here comes from it, so no client may set its address or scheme.
UNUSED_ADDRESS = "192.0.2.1"


def local_values(
    folder: Path,
    *,
    upstream: str,
    static_root: Path,
    port: int,
    import_max_bytes: int = IMPORT_MAX_BYTES,
    uploads_max_bytes: int = UPLOADS_MAX_BYTES,
    media_root: Path | None = None,
    image_max_bytes: int = IMAGE_MAX_BYTES,
    trusted_lb: str = UNUSED_ADDRESS,
) -> dict:
    """Return the placeholders' values for a local run: plain HTTP on 127.0.0.1:`port`."""
    return {
        "BLOG_UPSTREAM": upstream.removeprefix("http://"),
        "BLOG_STATIC_ROOT": str(static_root).rstrip("/"),
        "BLOG_MEDIA_ROOT": str(media_root or folder / "media").rstrip("/"),
        "IMAGE_MAX_BYTES": image_max_bytes,
        "BLOG_CACHE_DIR": str(folder / "cache"),
        "NGINX_CONF_DIR": str(folder / "conf.d"),
        "PROXY_MODE": "http",
        "HTTP_PORT": f"127.0.0.1:{port}",
        "PROXY_TRUSTED_LB": trusted_lb,
        "HTTPS_PORT": "",
        "TLS_CERT_DIR": "",
        "ACME_ROOT": "",
        # The export and its uploads zip come in one request (deploy/nginx).
        "WORDPRESS_IMPORT_BODY_MAX_BYTES": import_max_bytes + uploads_max_bytes,
    }


@dataclass
class Nginx:
    process: Process
    folder: Path

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def pid(self) -> int:
        """Return the master's PID, as nginx wrote it to our own pid file."""
        return int((self.folder / "nginx.pid").read_text())

    def error_log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop nginx by the PID in its pid file (a fast shutdown), and wait for it."""
        if self.process.alive():
            with contextlib.suppress(FileNotFoundError, ValueError, ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
        self.process.stop()


def check_config(conf: Path, folder: Path) -> subprocess.CompletedProcess:
    """Run `nginx -t` on a main config; return the result (nginx reports on stderr)."""
    return subprocess.run(
        [nginx_binary() or "nginx", "-t", "-q", "-c", str(conf), "-p", str(folder)],
        capture_output=True,
        text=True,
        timeout=30,
    )


def start_nginx(
    *,
    upstream: str,
    static_root: Path,
    folder: Path | None = None,
    workers: int | str = 1,
    access_log: bool = False,
    wait_path: str = "/nginx-health",
    import_max_bytes: int = IMPORT_MAX_BYTES,
    uploads_max_bytes: int = UPLOADS_MAX_BYTES,
    media_root: Path | None = None,
    image_max_bytes: int = IMAGE_MAX_BYTES,
    trusted_lb: str = UNUSED_ADDRESS,
) -> Nginx:
    """Render the repository's config in front of `upstream`, start nginx, wait for it."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError(
            "nginx is not installed: `make test` installs it (apt-get install nginx)"
        )
    folder = Path(folder or tempfile.mkdtemp(prefix="nginx-"))
    for sub in ("tmp", "cache", "media"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    # nginx binds its port itself, so another process can take the free port we chose
    # before nginx binds it: then nginx gives up, and we try again on another port.
    attempts_left = PORT_ATTEMPTS
    while True:
        proxy = _start_on_a_free_port(
            binary,
            folder,
            upstream,
            static_root,
            workers,
            access_log,
            {
                "import_max_bytes": import_max_bytes,
                "uploads_max_bytes": uploads_max_bytes,
                "image_max_bytes": image_max_bytes,
                "trusted_lb": trusted_lb,
            },
            media_root,
        )
        attempts_left -= 1
        try:
            _wait_until_serving(proxy, wait_path)
        except RuntimeError:
            lost_the_port = "Address already in use" in proxy.process.log() + proxy.error_log()
            proxy.stop()
            if lost_the_port and attempts_left:
                continue
            raise
        except BaseException:
            proxy.stop()
            raise
        return proxy


def _start_on_a_free_port(
    binary, folder, upstream, static_root, workers, access_log, choices, media_root
) -> Nginx:
    port = free_port()
    render_templates(
        local_values(
            folder,
            upstream=upstream,
            static_root=static_root,
            port=port,
            media_root=media_root,
            **choices,
        ),
        folder / "conf.d",
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        MAIN_CONF.format(
            # As root, workers would otherwise run as `nobody`, who cannot enter our folder.
            user="user root;\n" if os.geteuid() == 0 else "",
            folder=folder,
            workers=workers,
            mime_types="/etc/nginx/mime.types",
            access_log=f"{folder}/access.log" if access_log else "off",
        )
    )
    checked = check_config(conf, folder)
    if checked.returncode != 0:
        raise RuntimeError(f"nginx refused its config:\n{checked.stderr}")
    (folder / "nginx.pid").unlink(missing_ok=True)
    process = spawn("nginx", [binary, "-c", str(conf), "-p", str(folder)], dict(os.environ))
    process.url = f"http://127.0.0.1:{port}"
    return Nginx(process, folder)


def _wait_until_serving(proxy: Nginx, wait_path: str) -> None:
    """Wait until our nginx answers; raise if it exits (as it does when its port is taken)."""
    wait_until_ready(proxy.process, wait_path, timeout=20)
    # The pid file appears once the master has bound its ports: until then the answer may
    # have come from another server on that port.
    deadline = time.monotonic() + 20
    while not (proxy.folder / "nginx.pid").exists():
        if not proxy.process.alive() or time.monotonic() > deadline:
            raise RuntimeError(f"nginx did not start:\n{proxy.process.log()[-3000:]}")
        time.sleep(0.05)


@contextlib.contextmanager
def nginx(**options):
    """Run nginx in front of a gunicorn for the `with` block."""
    proxy = start_nginx(**options)
    try:
        yield proxy
    finally:
        proxy.stop()
