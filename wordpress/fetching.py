"""Fetching an export's images from the old site, safe by construction.

An export names addresses; fetching them on its word would let any file make this server
ask for anything it can reach (its own admin ports, a cloud's metadata service, the
office network). So `GuardedFetcher` asks only:

1. the hosts the export names as its own site (`base_site_url`, `base_blog_url`) and the
   CDN hosts an editor confirmed, on the ports those addresses name (80/443 otherwise);
2. at public addresses: each host is resolved, every address it has must be public (no
   loopback, private, link-local or metadata, CGNAT, multicast or reserved range), and
   the request is sent to the address that was checked, so a second DNS answer cannot
   swap it (rebinding). TLS still verifies the certificate against the host's name;
3. again at each redirect, which is followed by hand, at most MAX_REDIRECTS times;
4. within bounds: IMAGE_MAX_BYTES a file, WORDPRESS_FETCH_TIMEOUT_SECONDS a file, and
   WORDPRESS_FETCH_MAX_FILES files an import.

Whatever goes wrong on the way (refused, reset, timed out, bad TLS) is the same one
sentence, so the errors cannot be used to tell an open port from a closed one.

WORDPRESS_FETCH_ALLOW_ADDRESSES names addresses that are allowed although not public:
empty in production; the tests put 127.0.0.1 there, where their stand-in old site runs.
"""

import ipaddress
import socket
import time
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from django.conf import settings

MAX_REDIRECTS = 3
DEFAULT_PORTS = {"http": 80, "https": 443}
UNREACHABLE = "the old site could not be reached"


class NotFetched(OSError):
    """A file the fetcher would not or could not bring; the message says why, for the editor."""


class ForeignHost(NotFetched):
    """An address on a host that is not the old site's own (nor confirmed as its CDN)."""

    def __init__(self, host: str):
        super().__init__(f"{host} is not the old site's own host")
        self.host = host


def origin_of(url: str) -> tuple[str, int] | None:
    """Return the (host, port) an address names, or None if it is not http(s)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        return None
    return parts.hostname.lower(), port


def public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Tell whether an address is one of the public Internet's."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved)


class GuardedFetcher:
    """Fetch files from a fixed set of hosts at public addresses, within bounds."""

    def __init__(
        self,
        sites: Iterable[str],
        *,
        allowed_addresses: Iterable[str] | None = None,
        max_files: int | None = None,
        max_bytes: int | None = None,
        timeout: float | None = None,
    ):
        # `sites` are addresses (https://example.com/, http://127.0.0.1:8000) or bare hosts.
        self.origins: set[tuple[str, int]] = set()
        for site in sites:
            self.allow(site)
        if allowed_addresses is None:
            allowed_addresses = settings.WORDPRESS_FETCH_ALLOW_ADDRESSES
        self.allowed_addresses = {ipaddress.ip_address(a) for a in allowed_addresses}
        self.max_files = settings.WORDPRESS_FETCH_MAX_FILES if max_files is None else max_files
        self.max_bytes = settings.IMAGE_MAX_BYTES if max_bytes is None else max_bytes
        self.timeout = settings.WORDPRESS_FETCH_TIMEOUT_SECONDS if timeout is None else timeout
        self.fetched = 0
        # No proxies from the environment: the request goes to the address checked here.
        self.client = httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=False)

    def allow(self, site: str) -> None:
        """Allow a site's host: on the port its address names, or on 80 and 443."""
        url = site.strip() if "://" in site else f"https://{site.strip()}"
        origin = origin_of(url)
        if origin is None:
            return
        host, port = origin
        explicit = urlsplit(url).port is not None
        self.origins.update([(host, port)] if explicit else [(host, 80), (host, 443)])

    @property
    def hosts(self) -> set[str]:
        return {host for host, _port in self.origins}

    def fetch(self, url: str) -> bytes:
        """Return the file at `url`; raise NotFetched saying why not."""
        if self.fetched >= self.max_files:
            raise NotFetched(f"more than {self.max_files:,} files (WORDPRESS_FETCH_MAX_FILES)")
        self.fetched += 1
        deadline = time.monotonic() + self.timeout
        for _hop in range(MAX_REDIRECTS + 1):
            answer = self._get(url, deadline)
            if isinstance(answer, bytes):
                return answer
            url = answer  # a redirect: its target is checked as the first address was
        raise NotFetched(f"more than {MAX_REDIRECTS} redirects")

    def _address(self, url: str) -> tuple[str, int, str]:
        """Return the checked (host, port, address) to send a request for `url` to."""
        origin = origin_of(url)
        if origin is None:
            raise NotFetched("not an http or https address")
        host, port = origin
        if origin not in self.origins:
            raise ForeignHost(host)
        try:
            answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            addresses = [ipaddress.ip_address(answer[4][0].split("%")[0]) for answer in answers]
        except (OSError, ValueError, UnicodeError):
            raise NotFetched(UNREACHABLE) from None
        if not addresses:
            raise NotFetched(UNREACHABLE)
        for address in addresses:
            if not public(address) and address not in self.allowed_addresses:
                raise NotFetched(f"{host} is not at a public address")
        return host, port, str(addresses[0])

    def _get(self, url: str, deadline: float) -> bytes | str:
        host, port, address = self._address(url)
        parts = urlsplit(url)
        netloc = f"[{address}]" if ":" in address else address
        direct = urlunsplit((parts.scheme, f"{netloc}:{port}", parts.path or "/", parts.query, ""))
        named = host if port == DEFAULT_PORTS[parts.scheme] else f"{host}:{port}"
        # TLS is checked against the host's name (server_hostname), not the address.
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        try:
            with self.client.stream(
                "GET", direct, headers={"Host": named}, extensions=extensions
            ) as response:
                if response.is_redirect and "location" in response.headers:
                    return urljoin(url, response.headers["location"])
                if response.status_code != 200:
                    raise NotFetched(f"the old site answered {response.status_code}")
                return self._body(response, deadline)
        except httpx.HTTPError:
            raise NotFetched(UNREACHABLE) from None

    def _body(self, response: httpx.Response, deadline: float) -> bytes:
        too_large = NotFetched(f"larger than {self.max_bytes:,} bytes")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_large
        data = bytearray()
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > self.max_bytes:
                raise too_large
            if time.monotonic() > deadline:
                raise NotFetched(f"slower than {self.timeout:g} seconds")
        return bytes(data)

    def close(self) -> None:
        self.client.close()
