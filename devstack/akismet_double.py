"""An Akismet-compatible HTTP server on 127.0.0.1, for tests, the benchmark and the soak run.

It answers the documented test values the way Akismet does (author `akismet-guaranteed-spam`
or `viagra-test-123`, or email `akismet-guaranteed-spam@example.com`, is spam;
`user_role=administrator` is ham), records every request, and can be told to misbehave:
slow, HTTP 500, garbage, or an invalid key.

    python -m devstack.akismet_double --port 8765 --delay 0.3
"""

import argparse
import contextlib
import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SPAM_AUTHORS = {"akismet-guaranteed-spam", "viagra-test-123"}
SPAM_EMAILS = {"akismet-guaranteed-spam@example.com"}
THANKS = "Thanks for making the web a better place."
# The site's Akismet timeout in tests against the double (a timeout test delays past it).
# Each answer is local and instant, but a loaded machine can stall one for half a second.
SITE_TIMEOUT = 2.0


@dataclass
class RecordedRequest:
    endpoint: str
    data: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    # Each of the two listening checkers asks about up to 64 comments at once (CHECK_BATCH);
    # the standard library's backlog of 5 would drop the rest of the connections for a second.
    request_queue_size = 128


class AkismetDouble:
    """Start with `with AkismetDouble() as double:`; `double.url` is the API endpoint."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, delay: float = 0.0):
        self.delay = delay
        self.mode = "normal"  # normal | error | garbage | invalid_key | discard
        # Answer gzip-compressed to a client that accepts it, as a web server in front may.
        self.compressed = False
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server = _Server((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "AkismetDouble":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def requests_to(self, endpoint: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.endpoint == endpoint]

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
        self.mode, self.delay, self.compressed = "normal", 0.0, False

    def answer(self, endpoint: str, data: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        if self.mode == "error":
            return 500, "Internal Server Error", {}
        if self.mode == "garbage":
            return 200, "<html>surprise</html>", {}
        if endpoint == "verify-key":
            return 200, ("invalid" if self.mode == "invalid_key" else "valid"), {}
        if self.mode == "invalid_key":
            return 200, "invalid", {"X-akismet-debug-help": "We were unable to verify the key."}
        if endpoint in ("submit-spam", "submit-ham"):
            return 200, THANKS, {}
        if endpoint == "comment-check":
            if self.mode == "discard":
                return 200, "true", {"X-akismet-pro-tip": "discard"}
            if data.get("user_role") == "administrator":
                return 200, "false", {}
            spam = (
                data.get("comment_author", "") in SPAM_AUTHORS
                or data.get("comment_author_email", "") in SPAM_EMAILS
            )
            return 200, ("true" if spam else "false"), {}
        return 404, "Not found", {}

    def _handler_class(self):
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The headers and the body leave in two writes; with Nagle's algorithm the body
            # waited for the client's delayed ACK, 40 ms on Linux, on every answer. Akismet's
            # own servers answer at once.
            disable_nagle_algorithm = True

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace")
                self._respond(parse_qs(body, keep_blank_values=True))

            def do_GET(self):
                self._respond(parse_qs(urlsplit(self.path).query, keep_blank_values=True))

            def _respond(self, parsed):
                endpoint = urlsplit(self.path).path.rstrip("/").rsplit("/", 1)[-1]
                data = {k: v[-1] for k, v in parsed.items()}
                with double._lock:
                    double.requests.append(RecordedRequest(endpoint, data, dict(self.headers)))
                if double.delay:
                    time.sleep(double.delay)
                status, text, headers = double.answer(endpoint, data)
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                if double.compressed and "gzip" in self.headers.get("Accept-Encoding", ""):
                    payload = gzip.compress(payload)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):
                pass

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args()
    double = AkismetDouble(args.host, args.port, args.delay)
    print(f"Akismet double on {double.url} (delay {args.delay}s)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        double._server.serve_forever()


if __name__ == "__main__":
    main()
