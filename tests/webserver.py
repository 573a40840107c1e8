"""A loopback HTTP server for fetch tests: postings, errors, huge and binary bodies, redirects.

It records every request it receives, so a test can prove a refused URL was never contacted.
Routes (GET):
  /posting.html, /posting.pdf, /scan.pdf (no text layer), /missing (404), /huge (30 MB, no length
  header, streamed), /huge-declared (Content-Length 30 MB), /binary (application/octet-stream),
  /nul.html (text/html with NUL bytes), /untyped.pdf (a PDF sent as application/octet-stream), /loop-a <-> /loop-b, /chain/N (N redirects then the
  posting), /to/<url> (302 to any URL), /flaky (503 once, then the posting), /stall (never answers
  until the server stops).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from tests.documents import make_pdf

POSTING_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Machine Learning Intern, Forecasting | Careers at Lindenbrook Energy</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"},
 {"@type": "JobPosting", "title": "Machine Learning Intern, Forecasting",
  "hiringOrganization": {"@type": "Organization", "name": "Lindenbrook Energy"}}]}</script></head>
<body><div id="cookie-consent"><p>We use cookies to improve this site.</p><button>Accept</button></div>
<nav><a href="/">Home</a> <a href="/careers">Careers</a></nav>
<main><h1>Machine Learning Intern, Forecasting</h1>
<div class="meta">Lindenbrook Energy · Denver, CO · Hybrid · Internship</div>
<h2>About Lindenbrook Energy</h2><p>Lindenbrook Energy runs wind and solar farms across the Mountain West and
forecasts how much power they will make every fifteen minutes.</p>
<h2>What you'll do</h2><ul><li>Build load and generation forecasting models in Python and PyTorch</li>
<li>Backtest forecasts against two years of metered data</li><li>Ship a model behind our forecasting API</li></ul>
<h2>Minimum qualifications</h2><ul><li>Pursuing a BS or MS in computer science, statistics or a related field</li>
<li>Experience with time-series models</li><li>Strong Python and SQL</li></ul>
<h2>Details</h2><p>Pay: $44–$50 per hour. 12 weeks starting June 1, 2026.</p></main>
<footer>Powered by JobBoard · Privacy</footer></body></html>"""

POSTING_PDF_PAGES = [
    [
        "# Data Science Intern, Grid Analytics",
        "Marlowe Power - Austin, TX (on-site)",
        "** About Marlowe Power",
        "Marlowe Power operates battery storage sites across Texas and trades their capacity every day.",
        "** Responsibilities",
        "• Build price forecasting models in Python",
        "• Analyse battery dispatch data with SQL and pandas",
        "• Present results to the trading desk",
        "** Requirements",
        "• Pursuing a BS or MS in statistics, economics or computer science",
        "• Experience with regression and time-series analysis",
        "Pay: $40 per hour. 10 weeks starting June 8, 2026.",
    ]
]
HUGE_BYTES = 30 * 1024 * 1024


class LoopbackServer:
    """ThreadingHTTPServer on 127.0.0.1; `requests` lists the paths it was asked for."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.huge_sent = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._flaky_seen = False
        self.pdf = make_pdf(POSTING_PDF_PAGES, title="Data Science Intern — Marlowe Power")
        self.scan = make_pdf([[]])
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="loopback-http", daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def _record(self, path: str) -> None:
        with self._lock:
            self.requests.append(path)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server._record(self.path)
                try:
                    server._route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (size cap): expected

        return Handler

    def _route(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        if path == "/posting.html":
            return _send(h, 200, "text/html; charset=utf-8", POSTING_HTML.encode())
        if path == "/posting.pdf":
            return _send(h, 200, "application/pdf", self.pdf)
        if path == "/untyped.pdf":
            return _send(h, 200, "application/octet-stream", self.pdf)
        if path == "/scan.pdf":
            return _send(h, 200, "application/pdf", self.scan)
        if path == "/binary":
            return _send(h, 200, "application/octet-stream", bytes(range(256)) * 64)
        if path == "/nul.html":
            return _send(h, 200, "text/html", b"<html>\x00\x01\x02</html>")
        if path == "/huge-declared":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", str(HUGE_BYTES))
            h.end_headers()
            return None
        if path == "/huge":
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.end_headers()
            block = b"<p>" + b"x" * 65530 + b"</p>\n"
            while self.huge_sent < HUGE_BYTES and not self._stop.is_set():
                h.wfile.write(block)
                self.huge_sent += len(block)
            return None
        if path in {"/loop-a", "/loop-b"}:
            return _redirect(h, "/loop-b" if path == "/loop-a" else "/loop-a")
        if path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            return _redirect(h, f"/chain/{left - 1}" if left > 0 else "/posting.html")
        if path.startswith("/to/"):
            return _redirect(h, unquote(path[len("/to/") :]))
        if path == "/flaky":
            if not self._flaky_seen:
                self._flaky_seen = True
                return _send(h, 503, "text/plain", b"busy")
            return _send(h, 200, "text/html", POSTING_HTML.encode())
        if path == "/stall":
            self._stop.wait(60)
            return None
        return _send(h, 404, "text/html", b"<h1>Not found</h1>")


def _send(h: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes) -> None:
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def _redirect(h: BaseHTTPRequestHandler, location: str) -> None:
    h.send_response(302)
    h.send_header("Location", location)
    h.send_header("Content-Length", "0")
    h.end_headers()


@contextlib.contextmanager
def running_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    try:
        yield server
    finally:
        server.stop()
