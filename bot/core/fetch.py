"""Fetch a posting by URL: HTML or PDF only, bounded in size, time and redirects, and never from a
private, loopback or link-local address unless a setting allows it.

Every hop (the first request and each redirect) resolves its host and checks every address
BEFORE connecting, then connects to the checked address itself (the Host header and TLS name stay
the host's), so a DNS answer that changes between the check and the connection cannot redirect
us inside the network. Redirects are followed by hand for the same reason. Only transient
failures (connection errors, timeouts, 502/503/504) are retried.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

from bot.core.errors import BadPostingFile

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

ACCEPTED_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf"}
UNTYPED = {"", "application/octet-stream", "binary/octet-stream"}  # decided by the bytes (a PDF, or not)
REDIRECTS = {301, 302, 303, 307, 308}
TRANSIENT_STATUS = {502, 503, 504}
ACCEPT = "text/html,application/xhtml+xml,application/pdf"
USER_AGENT = "Mozilla/5.0 (compatible; prepbot/0.1; job-posting reader)"  # some sites refuse bare clients


class FetchRefused(BadPostingFile):
    """A URL that cannot become a posting; `str()` is the one-line reason."""


@dataclass(frozen=True)
class FetchLimits:
    """Caps from settings (PREPBOT_FETCH_*); tests turn `allow_private` on for a loopback server."""

    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    timeout: float = 10.0
    allow_private: bool = False
    attempts: int = 3  # tries per hop for transient failures
    retry_wait: float = 0.5  # first back-off in seconds (doubles)


@dataclass(frozen=True)
class Fetched:
    url: str  # the URL asked for (the citation's source)
    final_url: str  # where the redirects ended
    data: bytes
    content_type: str  # the response's Content-Type, with its charset


def is_url(text: str) -> bool:
    return str(text).lower().startswith(("http://", "https://"))


def fetch(url: str, limits: FetchLimits | None = None) -> Fetched:
    """GET `url` within `limits`; raises FetchRefused with a one-line reason."""
    import httpx

    limits = limits or FetchLimits()
    url = _normalise(url)
    deadline = time.monotonic() + limits.timeout
    seen: set[str] = set()
    current = url
    timeout = httpx.Timeout(limits.timeout)
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for _hop in range(limits.max_redirects + 1):
            seen.add(current)
            response = _get(client, current, limits, deadline)
            try:
                if response.status_code in REDIRECTS and response.headers.get("location"):
                    target = _normalise(urljoin(current, response.headers["location"]))
                    if target in seen:
                        raise FetchRefused(f"the link redirects in a loop ({_short(target)} again)")
                    current = target
                    continue
                return Fetched(url, current, *_body(response, limits, deadline))
            finally:
                response.close()
    raise FetchRefused(f"the link redirects more than {limits.max_redirects} times")


def _normalise(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"}:
        raise FetchRefused(f"only http:// and https:// links can be fetched, not '{parts.scheme or url}'")
    if not parts.hostname:
        raise FetchRefused("the link has no host name")
    if parts.username or parts.password:
        raise FetchRefused("links with a user name or password are not fetched")
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def check_address(host: str, port: int, allow_private: bool) -> str:
    """Resolve `host` and return the address to connect to; refuse private, loopback and
    link-local addresses (every resolved address is checked: one bad answer refuses the host)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchRefused(f"cannot resolve the host '{host}'") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not allow_private:
        for address in addresses:
            reason = _not_public(address)
            if reason:
                what = "it" if address == host.strip("[]") else f"{host} resolves to {address}, which"
                raise FetchRefused(f"refusing to fetch from {host}: {what} is a {reason} address")
    return addresses[0]


def _not_public(address: str) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for reason, flag in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return reason
    return None if ip.is_global else "non-public"


def _get(client: httpx.Client, url: str, limits: FetchLimits, deadline: float) -> httpx.Response:
    """One hop: check the address, then send to that address; transient failures are retried."""
    import httpx
    from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = check_address(host, port, limits.allow_private)
    shown = f"[{address}]" if ":" in address else address
    pinned = urlunsplit((parts.scheme, f"{shown}:{port}", parts.path, parts.query, ""))
    headers = {"Host": parts.netloc, "User-Agent": USER_AGENT, "Accept": ACCEPT}

    @retry(
        retry=retry_if_exception(_transient),
        stop=stop_after_attempt(limits.attempts),
        wait=wait_exponential(multiplier=limits.retry_wait, max=4 * limits.retry_wait),
        reraise=True,
    )
    def send() -> httpx.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchRefused(f"the page took longer than {limits.timeout:g} s")
        request = client.build_request(  # each hop gets what is left of the whole fetch's time
            "GET", pinned, headers=headers, timeout=httpx.Timeout(remaining), extensions={"sni_hostname": host}
        )
        response = client.send(request, stream=True)
        if response.status_code in TRANSIENT_STATUS:
            response.close()
            raise _TransientStatus(response.status_code)
        return response

    try:
        return send()
    except _TransientStatus as error:
        reason = _reason(error.status)
        raise FetchRefused(f"the site answered HTTP {error.status} ({reason}); try again later") from None
    except httpx.TimeoutException:
        raise FetchRefused(f"the site did not answer within {limits.timeout:g} s") from None
    except httpx.HTTPError as error:
        raise FetchRefused(f"cannot connect to {host} ({type(error).__name__})") from None


class _TransientStatus(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _transient(error: BaseException) -> bool:
    import httpx

    if isinstance(error, httpx.UnsupportedProtocol):
        return False
    return isinstance(error, _TransientStatus | httpx.TransportError)


def _body(response: httpx.Response, limits: FetchLimits, deadline: float) -> tuple[bytes, str]:
    """The response body if it is an HTML page or a PDF within the size cap (read streamed, and
    stopped at the cap)."""
    import httpx

    if response.status_code >= 400:
        raise FetchRefused(f"the page answered HTTP {response.status_code} ({_reason(response.status_code)})")
    if response.status_code in REDIRECTS:
        raise FetchRefused(f"the page redirects (HTTP {response.status_code}) without saying where")
    content_type = response.headers.get("content-type", "")
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind not in ACCEPTED_TYPES and kind not in UNTYPED:
        raise FetchRefused(f"the link is not an HTML page or a PDF (it is {kind})")
    cap = limits.max_bytes
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise FetchRefused(f"the page is {int(declared) / 1024 / 1024:.1f} MB; the limit is {_mb(cap)}")
    chunks, size = [], 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise FetchRefused(f"the page is larger than the {_mb(cap)} limit (stopped reading at {_mb(cap)})")
            if time.monotonic() > deadline:
                raise FetchRefused(f"the page took longer than {limits.timeout:g} s to download")
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise FetchRefused(f"the site stopped sending within {limits.timeout:g} s") from None
    except httpx.HTTPError as error:
        raise FetchRefused(f"the download broke off ({type(error).__name__})") from None
    data = b"".join(chunks)
    if kind in UNTYPED:  # servers that do not say: accept only what the bytes show is a PDF or a page
        content_type = _sniff(data)
        if not content_type:
            raise FetchRefused(f"the link is not an HTML page or a PDF (it is {kind or 'of no stated type'})")
    return data, content_type


def _sniff(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return ""


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "…"
