"""Fetching postings by URL against a loopback HTTP server: caps, content types, redirects, and
address checks that happen before any connection is made."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bot.core import fetch as fetch_module
from bot.core.fetch import FetchLimits, FetchRefused, fetch
from bot.core.ingest import read_candidate
from tests.webserver import HUGE_BYTES, LoopbackServer, running_server

ALLOW = FetchLimits(allow_private=True, retry_wait=0.01, timeout=10.0)


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with running_server() as running:
        yield running


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every address a socket connection is attempted to during the test."""
    attempted: list[tuple] = []
    original = socket.create_connection

    def recording(address, *args, **kwargs):  # noqa: ANN001, ANN202
        attempted.append(tuple(address))
        return original(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    return attempted


def _refused(url: str, limits: FetchLimits = ALLOW) -> str:
    with pytest.raises(FetchRefused) as error:
        fetch(url, limits)
    message = str(error.value)
    assert "\n" not in message and message
    return message


def test_html_and_pdf_fetched(server: LoopbackServer) -> None:
    """An HTML page and a PDF come back with their bytes and content type; the asked-for URL is kept."""
    page = fetch(server.url("/posting.html"), ALLOW)
    assert page.content_type.startswith("text/html") and b"Lindenbrook" in page.data
    pdf = fetch(server.url("/chain/2"), ALLOW)
    assert pdf.url == server.url("/chain/2") and pdf.final_url == server.url("/posting.html")
    assert fetch(server.url("/posting.pdf"), ALLOW).data.startswith(b"%PDF")
    untyped = fetch(server.url("/untyped.pdf"), ALLOW)  # octet-stream: the bytes say it is a PDF
    assert untyped.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "the page answered HTTP 404 (Not Found)"),
        ("/binary", "the link is not an HTML page or a PDF (it is application/octet-stream)"),
        ("/huge-declared", "the page is 30.0 MB; the limit is 5 MB"),
        ("/loop-a", "the link redirects in a loop"),
        ("/chain/9", "the link redirects more than 5 times"),
    ],
)
def test_bad_pages_refused_with_one_line(server: LoopbackServer, path: str, reason: str) -> None:
    """404, binary, oversized, looping and over-long redirect chains each get their own one-line reason."""
    assert _refused(server.url(path)).startswith(reason)


def test_huge_page_is_cut_at_the_cap(server: LoopbackServer) -> None:
    """A 30 MB page with no length header is read streamed and abandoned at the 5 MB cap."""
    message = _refused(server.url("/huge"))
    assert message == "the page is larger than the 5 MB limit (stopped reading at 5 MB)"
    assert server.huge_sent < HUGE_BYTES  # the server saw the connection close long before 30 MB


def test_loopback_refused_without_contact_when_not_allowed(server: LoopbackServer, connections: list) -> None:
    """With the allow setting off, 127.0.0.1 is refused and the server never sees a request."""
    before = list(server.requests)
    message = _refused(server.url("/posting.html?secret"), FetchLimits())
    assert message == "refusing to fetch from 127.0.0.1: it is a loopback address"
    assert server.requests == before and connections == []


@pytest.mark.parametrize(
    ("url", "kind"),
    [("http://10.0.0.1/jobs/1", "private"), ("http://169.254.169.254/latest/meta-data", "link-local"),
     ("http://[::1]:8080/", "loopback"), ("http://192.168.1.20/", "private"), ("http://[::ffff:10.1.2.3]/", "private")],
)
def test_private_addresses_refused_before_connecting(url: str, kind: str, connections: list) -> None:
    """Private, link-local and loopback addresses (also IPv4-mapped IPv6) are refused; no socket is opened."""
    assert _refused(url, FetchLimits()).endswith(f"is a {kind} address")
    assert connections == []


def test_host_resolving_to_private_address_refused(monkeypatch: pytest.MonkeyPatch, connections: list) -> None:
    """A public-looking host name whose DNS answer is private is refused before connecting."""
    def resolve(host, port, *args, **kwargs):  # noqa: ANN001, ANN202
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    message = _refused("https://careers.example.com/job/1", FetchLimits())
    assert message == "refusing to fetch from careers.example.com: careers.example.com resolves to 10.20.30.40, " \
                      "which is a private address"
    assert connections == []


def test_redirect_to_private_address_checked_at_that_hop(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, connections: list
) -> None:
    """Every redirect hop is checked before connecting: a public page redirecting to 10.0.0.1 stops there."""
    monkeypatch.setattr(fetch_module, "_not_public", lambda address: "private" if address.startswith("10.") else None)
    before = len(server.requests)
    message = _refused(server.url("/to/" + quote("http://10.0.0.1/admin", safe="")), FetchLimits())
    assert message == "refusing to fetch from 10.0.0.1: it is a private address"
    assert len(server.requests) == before + 1  # the first hop only
    assert all(address[0] != "10.0.0.1" for address in connections) and connections


def test_transient_error_retried(server: LoopbackServer) -> None:
    """A 503 is transient: the fetch tries again and gets the page."""
    assert b"Lindenbrook" in fetch(server.url("/flaky"), ALLOW).data
    assert server.requests.count("/flaky") == 2


def test_stalled_server_times_out(server: LoopbackServer) -> None:
    """A server that never answers is given up on with a one-line reason."""
    limits = FetchLimits(allow_private=True, timeout=0.5, attempts=1)
    assert "did not answer within 0.5 s" in _refused(server.url("/stall"), limits)


@pytest.mark.parametrize(
    ("url", "reason"),
    [("ftp://example.com/x", "only http:// and https:// links"), ("http://user:pw@example.com/", "user name"),
     ("http://no-such-host.invalid/", "cannot resolve the host")],
)
def test_malformed_links_refused(url: str, reason: str) -> None:
    """Other schemes, credentials in the link and unknown hosts get a one-line reason."""
    assert reason in _refused(url, FetchLimits())


def test_read_candidate_from_url(server: LoopbackServer) -> None:
    """A fetched page becomes a posting whose source is the URL and whose name is readable."""
    candidate = read_candidate(server.url("/posting.html"), ALLOW)
    assert candidate.posting is not None, candidate.error
    assert candidate.posting.source == server.url("/posting.html")
    assert candidate.posting.source_name == "Machine Learning Intern, Forecasting — Lindenbrook Energy"
    pdf = read_candidate(server.url("/posting.pdf"), ALLOW)
    assert pdf.posting is not None and pdf.posting.source_name == "Data Science Intern — Marlowe Power"
    scan = read_candidate(server.url("/scan.pdf"), ALLOW)
    assert scan.posting is None and scan.error == "the PDF has no text layer (a scanned image?)"
    nul = read_candidate(server.url("/nul.html"), ALLOW)
    assert nul.posting is None and "binary" in nul.error


def test_compressed_page_counted_after_decompression() -> None:
    """The size cap counts the bytes after gzip decoding, so a small compressed bomb is still cut."""
    import gzip
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = gzip.compress(b"<p>" + b"x" * (6 * 1024 * 1024) + b"</p>")

    class Bomb(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Bomb)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        assert len(body) < 100_000
        message = _refused(f"http://127.0.0.1:{httpd.server_address[1]}/bomb.html")
        assert message == "the page is larger than the 5 MB limit (stopped reading at 5 MB)"
    finally:
        httpd.shutdown()
        httpd.server_close()
