"""A small OpenAI-compatible chat server on 127.0.0.1 for the LLM backend tests.

It speaks the one endpoint the real `langchain_openai.ChatOpenAI` client calls for a plain
`invoke`: `POST /v1/chat/completions` with a JSON body (`model`, `messages`, `stream: false`,
`temperature`...), answered with a `chat.completion` object. Every request is recorded, and each
test scripts the behaviour: the reply text (or a function of the request body), a delay (for
timeouts), an HTTP status (500...), or a raw garbage body.

    with FakeLLMServer() as server:
        server.reply = "The role pays $45 per hour [1]."
        model = ChatOpenAI(base_url=server.base_url, api_key="test", model="test-model")

A test module takes one server for all its tests, each test starting from a clean script:

    from tests.llm_server import FakeLLMServer, fresh_script, llm_settings, server_fixture  # noqa: F401
    model = build_chat_model(llm_settings(server, timeout=5))
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.config import Settings

Reply = str | Callable[[dict[str, Any]], str]


@dataclass
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    raw: bytes

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages", []))

    def text(self) -> str:
        """Every message's content, in order, joined: what the model was shown."""
        return "\n".join(str(m.get("content", "")) for m in self.messages)


@dataclass
class Behaviour:
    reply: Reply = "I don't know — the postings don't say."
    delay: float = 0.0
    status: int = 200
    body: bytes | None = None  # raw response body sent instead of a chat completion (garbage)
    content_type: str = "application/json"
    held: bool = False  # answer only once the test calls `release()` (or the server stops)


@dataclass
class FakeLLMServer:
    """Start with `with FakeLLMServer() as server:` (or `start()` / `stop()`)."""

    host: str = "127.0.0.1"
    requests: list[RecordedRequest] = field(default_factory=list)
    behaviour: Behaviour = field(default_factory=Behaviour)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._released = threading.Event()
        self.waiting = 0  # held requests not answered yet
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----- scripting -----------------------------------------------------------------------------
    @property
    def reply(self) -> Reply:
        return self.behaviour.reply

    @reply.setter
    def reply(self, value: Reply) -> None:
        self.behaviour.reply = value

    def script(
        self,
        reply: Reply | None = None,
        *,
        delay: float = 0.0,
        status: int = 200,
        body: bytes | None = None,
        content_type: str = "application/json",
        held: bool = False,
    ) -> None:
        """Replace the whole behaviour (anything not given goes back to its default).

        `held=True` keeps every request waiting until `release()`: a test can then show that a client
        gave up by itself (it returned while the server still had not answered), with no timer."""
        self.behaviour = Behaviour(reply if reply is not None else Behaviour.reply, delay, status, body, content_type,
                                   held)
        self._released.clear()

    def release(self) -> None:
        """Let held requests be answered."""
        self._released.set()

    def reset(self) -> None:
        self.behaviour = Behaviour()
        with self._lock:
            self.requests.clear()

    @property
    def last(self) -> RecordedRequest:
        assert self.requests, "the fake LLM server received no request"
        return self.requests[-1]

    @property
    def bodies(self) -> list[dict[str, Any] | None]:
        return [r.body for r in self.requests]

    # ----- lifecycle -----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """What `LLM_BASE_URL` would be: the client appends `/chat/completions`."""
        return f"http://{self.host}:{self.port}/v1"

    def start(self) -> FakeLLMServer:
        handler = _handler_for(self)
        self._httpd = ThreadingHTTPServer((self.host, 0), handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-llm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers that are sleeping out a scripted delay
        self._released.set()  # and those held for release
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----- one request ---------------------------------------------------------------------------
    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _respond(self, request: RecordedRequest) -> tuple[int, bytes, str]:
        behaviour = self.behaviour
        if behaviour.delay:
            self._stopping.wait(behaviour.delay)
        if behaviour.held:
            with self._lock:
                self.waiting += 1
            self._released.wait()
            with self._lock:
                self.waiting -= 1
        if request.method != "POST" or request.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            return 404, _error(f"no route {request.method} {request.path}", "not_found"), "application/json"
        if request.body is None or not isinstance(request.body.get("messages"), list):
            return (
                400,
                _error("the body must be JSON with a 'messages' list", "invalid_request_error"),
                "application/json",
            )
        if request.body.get("stream"):
            return 400, _error("this fake server does not stream", "invalid_request_error"), "application/json"
        if behaviour.body is not None:
            return behaviour.status, behaviour.body, behaviour.content_type
        if behaviour.status != 200:
            return behaviour.status, _error("scripted failure", "server_error"), "application/json"
        reply = behaviour.reply(request.body) if callable(behaviour.reply) else behaviour.reply
        return 200, _completion(request.body, reply), "application/json"


def _handler_for(server: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            request = RecordedRequest(self.command, self.path, dict(self.headers.items()), body, raw)
            server._record(request)
            status, payload, content_type = server._respond(request)
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout): nothing to tell it

        do_POST = _handle
        do_GET = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _completion(body: dict[str, Any], text: str) -> bytes:
    prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    completion_tokens = len(text.split())
    return json.dumps(
        {
            "id": f"chatcmpl-fake-{time.monotonic_ns()}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake-model"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    ).encode()


def _error(message: str, kind: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": None}}).encode()


@pytest.fixture(scope="module", name="server")
def server_fixture() -> Iterator[FakeLLMServer]:
    """`server`: one fake LLM server for the importing test module."""
    with FakeLLMServer() as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_script(server: FakeLLMServer) -> None:
    """Each test of the importing module starts from the default reply, with no requests recorded."""
    server.reset()


def llm_settings(server: FakeLLMServer, timeout: float = 10.0, **extra: object) -> Settings:
    """Settings for the OpenAI-compatible backend pointed at `server` (no .env read); `extra` overrides
    any setting by its environment name (e.g. LLM_PROVIDER="anthropic-ish")."""
    values = {"LLM_PROVIDER": "openai-compatible", "LLM_MODEL": "test-model", "LLM_BASE_URL": server.base_url,
              "LLM_TIMEOUT": timeout}
    return Settings(_env_file=None, **(values | extra))
