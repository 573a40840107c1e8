"""A fake Discord (REST API v10 + gateway) on 127.0.0.1 for end-to-end bot tests.

See the package docstring (:mod:`tests.fakediscord`) for the API tour.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
import secrets
import time
import traceback
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import WSMsgType, web

from . import payloads as P
from .payloads import (
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    SnowflakeGenerator,
    _id_of,
)

JSON_HEADERS = {"Content-Type": "application/json"}
API_PREFIX = re.compile(r"^/api/v(?P<version>\d+)(?P<path>/.*)$")


# --------------------------------------------------------------------------------------------
# discord.py patching
# --------------------------------------------------------------------------------------------


class DiscordPyPatch:
    """Undo handle returned by :func:`point_discordpy_at`; also a (sync) context manager."""

    def __init__(self, saved: list[tuple[Any, str, Any]]) -> None:
        self._saved = saved
        self.active = True

    def undo(self) -> None:
        if not self.active:
            return
        for obj, attr, value in reversed(self._saved):
            setattr(obj, attr, value)
        self.active = False

    def __enter__(self) -> DiscordPyPatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.undo()


def point_discordpy_at(base_http_url: str, ws_url: str) -> DiscordPyPatch:
    """Make every discord.py client created afterwards talk to ``base_http_url`` / ``ws_url``.

    ``base_http_url`` may be ``http://127.0.0.1:PORT`` or already end in ``/api/v10``.

    * ``discord.http.Route.BASE`` -- every REST call, **including** interaction callbacks and
      webhook followups (``discord/webhook/async_.py`` builds its URLs with the same ``Route``).
    * ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` -- where ``Client`` connects
      (``AutoShardedClient`` asks ``GET /gateway/bot`` instead; the fake answers it).

    The patch is process wide (class attributes).  Call ``.undo()`` or use it as a context
    manager to restore the previous values.
    """
    import discord.gateway  # noqa: TID251 - the fake exists to drive discord.py
    import discord.http  # noqa: TID251
    import yarl

    base = base_http_url.rstrip("/")
    if not re.search(r"/api/v\d+$", base):
        base += "/api/v10"
    saved = [
        (discord.http.Route, "BASE", discord.http.Route.BASE),
        (discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY),
    ]
    discord.http.Route.BASE = base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(ws_url)
    return DiscordPyPatch(saved)


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass
class UploadedFile:
    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One REST call the bot made.  ``path`` is relative to ``/api/v10`` (e.g. ``/channels/1/messages``)."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    headers: dict[str, str]
    time: float  # time.monotonic()
    status: int = 0
    response: Any = None

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


@dataclass
class CallbackRecord:
    """An interaction callback (``POST /interactions/{id}/{token}/callback``)."""

    interaction_id: int
    type: int  # 4 message, 5 defer, 6 deferred update, 7 update, 8 autocomplete, 9 modal
    data: dict[str, Any]
    time: float  # time.monotonic() when the fake received it
    latency: float  # seconds between INTERACTION_CREATE dispatch and this callback
    accepted: bool  # False when late (> ack deadline) or a second acknowledgement
    status: int
    files: list[UploadedFile] = field(default_factory=list)
    message: dict[str, Any] | None = None  # message created/updated by the callback

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & P.FLAG_EPHEMERAL)

    @property
    def content(self) -> str | None:
        return self.data.get("content")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.data.get("components") or []

    @property
    def choices(self) -> list[dict[str, Any]]:
        return self.data.get("choices") or []


@dataclass(eq=False)
class FakeInteraction:
    id: int
    token: str
    type: int
    payload: dict[str, Any]
    user: FakeUser
    guild: FakeGuild | None
    channel: FakeChannel
    dispatched_at: float = 0.0
    callbacks: list[CallbackRecord] = field(default_factory=list)
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    deferred_pending: bool = False  # type-5 defer whose loading message is not filled yet
    source_message_id: int | None = None  # component / modal-from-component interactions
    expired: bool = False  # set by `FakeDiscord.expire_interaction`: its token no longer answers

    @property
    def response(self) -> CallbackRecord | None:
        """The accepted acknowledgement, if any."""
        return next((c for c in self.callbacks if c.accepted), None)

    @property
    def acknowledged(self) -> bool:
        return self.response is not None

    @property
    def ack_latency(self) -> float | None:
        """Seconds from dispatch to the first callback POST (accepted or not)."""
        return self.callbacks[0].latency if self.callbacks else None

    @property
    def command_name(self) -> str | None:
        return self.payload.get("data", {}).get("name")


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body: dict[str, Any] = {"message": message, "code": code}
        if errors:
            self.body["errors"] = errors


def _form_error(errors: dict[str, str]) -> ApiError:
    nested: dict[str, Any] = {}
    for dotted, msg in errors.items():
        node = nested
        for part in dotted.split("."):
            node = node.setdefault(part, {})
        node["_errors"] = [{"code": "BASE_TYPE_BAD", "message": msg}]
    return ApiError(400, 50035, "Invalid Form Body", nested)


# --------------------------------------------------------------------------------------------
# Gateway sessions
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Conn:
    ws: web.WebSocketResponse
    path: str
    query: dict[str, str]
    opened_at: float
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    session: _Session | None = None
    ready: bool = False  # READY/RESUMED sent; live dispatches flow
    close_code: int | None = None
    server_closed: bool = False  # closed by the fake (drop_connection / superseded by a RESUME)


@dataclass(eq=False)
class _Session:
    session_id: str
    shard_id: int
    shard_count: int
    intents: int
    identify: dict[str, Any]
    seq: int = 0
    events: list[tuple[int, str, Any]] = field(default_factory=list)
    conn: _Conn | None = None
    resumable: bool = True
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


_ROUTES: list[tuple[str, re.Pattern[str], str]] = []  # (method, path pattern, handler name), as registered
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _route(method: str, path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated `_r_*` method as the handler of `method path`. In `path`, `{name}` is a
    snowflake captured as `name` (`{token}`: an interaction token); other regex is used as written,
    and the whole path must match."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        def group(match: re.Match[str]) -> str:
            name = match[1]
            return f"(?P<{name}>[^/]+)" if name == "token" else f"(?P<{name}>\\d+)"

        _ROUTES.append((method, re.compile(_PLACEHOLDER.sub(group, path)), handler.__name__))
        return handler

    return register


class FakeDiscord:
    """In-process fake of Discord's REST API + gateway for one bot application."""

    def __init__(
        self,
        bot_user_id: int | None = None,
        application_id: int | None = None,
        *,
        bot_name: str = "prepbot",
        token: str | None = None,
        interaction_ack_deadline: float | None = 3.0,
        heartbeat_interval: float = 41.25,
        dispatch_own_messages: bool = True,
        validate_messages: bool = True,
    ) -> None:
        self._snowflake = SnowflakeGenerator()
        self.application_id: int = application_id or self._snowflake()
        self.bot_user = FakeUser(id=bot_user_id or self.application_id, name=bot_name, bot=True)
        self.owner = FakeUser(id=self._snowflake(), name="owner")
        #: if set, REST calls / IDENTIFY with another token are rejected (401 / close 4004)
        self.token = token
        self.interaction_ack_deadline = interaction_ack_deadline
        self.heartbeat_interval = heartbeat_interval
        self.dispatch_own_messages = dispatch_own_messages
        self.validate_messages = validate_messages
        #: set False to stop answering heartbeats (simulates a zombie connection)
        self.ack_heartbeats = True

        # world state
        self.users: dict[int, FakeUser] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.roles: dict[int, FakeRole] = {}
        self.dm_channels: dict[int, FakeChannel] = {}  # user id -> DM channel
        self.messages: dict[int, dict[str, Any]] = {}
        self._channel_messages: dict[int, list[int]] = {}
        self.deleted_messages: list[dict[str, Any]] = []
        self._attachments: dict[int, tuple[str, str | None, bytes]] = {}
        self._default_user: FakeUser | None = None

        # application commands: scope (None = global, else guild id) -> list of command dicts
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self._command_ids: dict[tuple[int | None, str, int], int] = {}
        self.command_syncs: list[tuple[int | None, float]] = []

        # records
        self.requests: list[RecordedRequest] = []
        self.interactions: dict[int, FakeInteraction] = {}
        self._interactions_by_token: dict[str, FakeInteraction] = {}
        self.gateway_log: list[tuple[float, str, Any]] = []  # (time, "recv"/"send", op or event)
        self.identifies: list[tuple[float, dict[str, Any]]] = []
        self.resumes: list[float] = []
        self.presence_updates: list[dict[str, Any]] = []
        self.replayed_events: list[tuple[int, str]] = []  # (seq, event) re-sent on RESUME
        self.crashes: list[str] = []  # tracebacks of bugs in the fake's REST handlers (answered 501)
        self.connections: list[_Conn] = []

        self._sessions: dict[int, _Session] = {}
        self._changed = asyncio.Event()
        self._disrupted_at = 0.0
        self._runner: web.AppRunner | None = None
        self._patch: DiscordPyPatch | None = None
        self.port: int | None = None
        self._routes = self._build_routes()

    # ------------------------------------------------------------------ world building

    def snowflake(self) -> int:
        return self._snowflake()

    def add_user(self, name: str, *, id: int | None = None, bot: bool = False, **kw: Any) -> FakeUser:
        user = FakeUser(id=id or self._snowflake(), name=name, bot=bot, **kw)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Test Guild",
        *,
        id: int | None = None,
        owner: FakeUser | None = None,
        bot_permissions: Any = P.ALL_PERMISSIONS,
        everyone_permissions: Any = P.DEFAULT_MEMBER_PERMISSIONS,
    ) -> FakeGuild:
        """A guild the bot is in (sent in READY + GUILD_CREATE).  The bot gets a managed role.

        Guilds added after the bot connected are only announced with ``await fake.announce_guild(g)``.
        """
        gid = id or self._snowflake()
        owner = owner or self.owner
        guild = FakeGuild(id=gid, name=name, owner_id=owner.id)
        everyone = FakeRole(
            id=gid, guild_id=gid, name="@everyone", permissions=P.permission_value(everyone_permissions)
        )
        bot_role = FakeRole(
            id=self._snowflake(),
            guild_id=gid,
            name=self.bot_user.name,
            permissions=P.permission_value(bot_permissions),
            position=1,
            managed=True,
        )
        for role in (everyone, bot_role):
            guild.roles[role.id] = role
            self.roles[role.id] = role
        self.guilds[gid] = guild
        guild.members[self.bot_user.id] = FakeMember(
            guild_id=gid, user=self.bot_user, roles=[bot_role.id], permissions=P.permission_value(bot_permissions)
        )
        if owner.id not in guild.members:
            guild.members[owner.id] = FakeMember(guild_id=gid, user=owner, permissions=P.ALL_PERMISSIONS)
        return guild

    def add_role(self, guild: FakeGuild, name: str, *, permissions: Any = 0, id: int | None = None) -> FakeRole:
        role = FakeRole(
            id=id or self._snowflake(),
            guild_id=guild.id,
            name=name,
            permissions=P.permission_value(permissions),
            position=len(guild.roles),
        )
        guild.roles[role.id] = role
        self.roles[role.id] = role
        return role

    def _add_channel(self, channel: FakeChannel) -> FakeChannel:
        self.channels[channel.id] = channel
        if channel.guild_id is not None:
            self.guilds[channel.guild_id].channels[channel.id] = channel
        self._channel_messages.setdefault(channel.id, [])
        return channel

    def add_text_channel(
        self, guild: FakeGuild, name: str = "general", *, id: int | None = None, topic: str | None = None, parent=None
    ) -> FakeChannel:
        pos = sum(1 for c in guild.channels.values() if not c.is_thread)
        return self._add_channel(
            FakeChannel(
                id=id or self._snowflake(),
                type=P.GUILD_TEXT,
                name=name,
                guild_id=guild.id,
                topic=topic,
                position=pos,
                parent_id=_id_of(parent) if parent else None,
            )
        )

    def add_category(self, guild: FakeGuild, name: str, *, id: int | None = None) -> FakeChannel:
        return self._add_channel(
            FakeChannel(id=id or self._snowflake(), type=P.GUILD_CATEGORY, name=name, guild_id=guild.id)
        )

    def add_forum_channel(self, guild: FakeGuild, name: str, *, id: int | None = None) -> FakeChannel:
        return self._add_channel(
            FakeChannel(id=id or self._snowflake(), type=P.GUILD_FORUM, name=name, guild_id=guild.id)
        )

    def add_thread(
        self,
        parent: FakeChannel,
        name: str,
        *,
        owner: FakeUser | None = None,
        private: bool = False,
        id: int | None = None,
    ) -> FakeChannel:
        """A thread that already exists (e.g. created by a user before the bot connected)."""
        return self._add_channel(
            FakeChannel(
                id=id or self._snowflake(),
                type=P.PRIVATE_THREAD if private else P.PUBLIC_THREAD,
                name=name,
                guild_id=parent.guild_id,
                parent_id=parent.id,
                owner_id=(owner or self.owner).id,
            )
        )

    def add_member(
        self,
        guild: FakeGuild,
        user: FakeUser,
        *,
        permissions: Any = None,
        roles: Iterable[FakeRole | int] = (),
        nick: str | None = None,
    ) -> FakeMember:
        """``permissions`` (int, decimal string or discord.Permissions) is what interactions carry
        as ``member.permissions``; defaults to ordinary member permissions."""
        member = FakeMember(
            guild_id=guild.id,
            user=user,
            roles=[_id_of(r) for r in roles],
            permissions=P.permission_value(permissions),
            nick=nick,
        )
        guild.members[user.id] = member
        return member

    def dm_channel_for(self, user: FakeUser) -> FakeChannel:
        """The bot <-> user DM channel (created on first use, like ``POST /users/@me/channels``)."""
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = FakeChannel(id=self._snowflake(), type=P.DM, recipient=user)
            self.dm_channels[user.id] = channel
            self._add_channel(channel)
        return channel

    @property
    def default_user(self) -> FakeUser:
        """The first non-bot user added (or an auto-created ``tester``); used when ``user=`` is omitted."""
        if self._default_user is None:
            humans = [u for u in self.users.values() if not u.bot and u is not self.owner]
            self._default_user = humans[0] if humans else self.add_user("tester")
        return self._default_user

    # ------------------------------------------------------------------ lifecycle

    def _url(self, scheme: str, path: str = "") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    http_root = property(lambda self: self._url("http"), doc="The fake's HTTP origin.")
    http_base = property(lambda self: self._url("http", "/api/v10"), doc="The REST base URL (discord.py's).")
    ws_url = property(lambda self: self._url("ws", "/"), doc="The gateway WebSocket URL.")
    resume_ws_url = property(lambda self: self._url("ws", "/resume/"), doc="Where READY tells the bot to RESUME.")

    async def start(self, *, patch_discordpy: bool = True) -> tuple[str, str]:
        """Bind 127.0.0.1 on a free port; patch discord.py to use it.  Returns ``(http_base, ws_url)``."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{tail:.*}", self._handle_rest)
        app.router.add_get("/", self._handle_ws)
        app.router.add_get("/resume/", self._handle_ws)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._handle_attachment)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        if patch_discordpy:
            self._patch = point_discordpy_at(self.http_base, self.ws_url)
        return self.http_base, self.ws_url

    async def stop(self) -> None:
        """Close gateway sockets (1001), stop the server, undo the discord.py patch."""
        for conn in list(self.connections):
            if not conn.ws.closed:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.ws.close(code=1001), 2.0)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._patch is not None:
            self._patch.undo()
            self._patch = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ waiting

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"fake discord: no {what} within {timeout}s.\n{self.describe()}")
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def describe(self, last: int = 20) -> str:
        """Human-readable tail of what happened (used in timeout errors)."""
        lines = [f"last {min(last, len(self.requests))} of {len(self.requests)} REST requests:"]
        lines += [f"  {r.method} {r.path} -> {r.status}" for r in self.requests[-last:]]
        lines.append(f"gateway: {len(self.identifies)} identify, {len(self.resumes)} resume")
        lines += [f"FAKE CRASHED:\n{tb}" for tb in self.crashes]
        return "\n".join(lines)

    @property
    def ack_latencies(self) -> dict[int, float | None]:
        """interaction id -> seconds from dispatch to the first callback POST (None: never answered)."""
        return {i.id: i.ack_latency for i in self.interactions.values() if i.dispatched_at}

    async def wait_until_identified(self, timeout: float = 30.0, *, count: int = 1) -> dict[str, Any]:
        """Wait for the ``count``-th IDENTIFY (READY and GUILD_CREATEs have been sent); return its payload."""
        await self._wait_until(lambda: len(self.identifies) >= count, timeout, f"IDENTIFY #{count}")
        return self.identifies[count - 1][1]

    async def wait_until_resumed(self, timeout: float = 30.0) -> float:
        """Wait for a RESUME (answered with RESUMED) after the last drop_connection/send_reconnect."""
        since = self._disrupted_at
        return await self._wait_until(
            lambda: next((t for t in self.resumes if t >= since), None), timeout, "RESUME after the disruption"
        )

    def requests_matching(
        self, method: str | None = None, path: str | None = None, *, since: float | None = None
    ) -> list[RecordedRequest]:
        """Recorded REST requests; ``path`` is a regex that must match the whole path (``re.fullmatch``)."""
        rx = re.compile(path) if path else None
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper())
            and (rx is None or rx.fullmatch(r.path))
            and (since is None or r.time >= since)
        ]

    async def wait_for_request(
        self,
        method: str | None,
        path_regex: str | None,
        timeout: float = 30.0,
        *,
        since: float | None = None,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> RecordedRequest:
        """First request (already recorded or future, at/after ``since``) matching; waits until answered."""

        def find() -> RecordedRequest | None:
            for r in self.requests_matching(method, path_regex, since=since):
                if r.status and (predicate is None or predicate(r)):
                    return r
            return None

        return await self._wait_until(find, timeout, f"request {method} {path_regex}")

    @property
    def errors(self) -> list[RecordedRequest]:
        """REST requests the fake answered with a 4xx/5xx (assert this is empty at the end of a test)."""
        return [r for r in self.requests if r.status >= 400]

    def _interaction(self, interaction: FakeInteraction | int | str) -> FakeInteraction:
        if isinstance(interaction, FakeInteraction):
            return interaction
        return self.interactions[int(interaction)]

    async def wait_for_interaction_response(
        self, interaction: FakeInteraction | int | str, timeout: float = 30.0
    ) -> CallbackRecord:
        """The first callback POST for the interaction (``.type``, ``.data``, ``.latency``, ``.accepted``)."""
        inter = self._interaction(interaction)
        return await self._wait_until(
            lambda: inter.callbacks[0] if inter.callbacks else None, timeout, f"callback for interaction {inter.id}"
        )

    async def wait_for_followup(
        self, interaction: FakeInteraction | int | str, timeout: float = 30.0, *, index: int = 0
    ) -> dict[str, Any]:
        """The ``index``-th followup message (``POST /webhooks/{app}/{token}``) as currently stored.

        After a type-5 defer the first followup *fills in* the "thinking" message (same id as the
        original response), exactly like Discord does."""
        inter = self._interaction(interaction)

        def find() -> dict[str, Any] | None:
            if len(inter.followup_ids) > index:
                return copy.deepcopy(self.messages.get(inter.followup_ids[index]) or {"deleted": True})
            return None

        return await self._wait_until(find, timeout, f"followup #{index} for interaction {inter.id}")

    async def wait_for_response_message(
        self, interaction: FakeInteraction | int | str, timeout: float = 30.0
    ) -> dict[str, Any]:
        """The interaction's visible answer: the original response message once it is no longer
        "thinking" (type 4 reply, or a type 5 defer completed by a followup / @original edit)."""
        inter = self._interaction(interaction)

        def find() -> dict[str, Any] | None:
            mid = inter.original_message_id
            msg = self.messages.get(mid) if mid else None
            if msg is None or int(msg.get("flags", 0)) & P.FLAG_LOADING:
                return None
            return copy.deepcopy(msg)

        return await self._wait_until(find, timeout, f"response message for interaction {inter.id}")

    def messages_in(
        self, channel: FakeChannel | int, *, include_user_messages: bool = False, include_ephemeral: bool = True
    ) -> list[dict[str, Any]]:
        """Snapshot of the messages in a channel (bot-authored by default), oldest first."""
        out = []
        for mid in self._channel_messages.get(_id_of(channel), []):
            msg = self.messages.get(mid)
            if msg is None:
                continue
            if not include_user_messages and int(msg["author"]["id"]) != self.bot_user.id:
                continue
            if not include_ephemeral and int(msg.get("flags", 0)) & P.FLAG_EPHEMERAL:
                continue
            out.append(copy.deepcopy(msg))
        return out

    async def wait_for_bot_message(
        self,
        channel: FakeChannel | int | None = None,
        *,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        since: float | None = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        """First bot-authored, non-"thinking" message (created or edited at/after ``since``)."""
        cid = _id_of(channel) if channel is not None else None

        def find() -> dict[str, Any] | None:
            for msg in self.messages.values():
                if int(msg["author"]["id"]) != self.bot_user.id:
                    continue
                if cid is not None and int(msg["channel_id"]) != cid:
                    continue
                if int(msg.get("flags", 0)) & P.FLAG_LOADING:
                    continue
                if since is not None and msg["_fake_touched"] < since:
                    continue
                if predicate is None or predicate(msg):
                    return copy.deepcopy(msg)
            return None

        return await self._wait_until(find, timeout, f"bot message in {cid or 'any channel'}")

    def message(self, message_id: int | str) -> dict[str, Any] | None:
        msg = self.messages.get(int(message_id))
        return copy.deepcopy(msg) if msg else None

    def registered_commands(self, guild: FakeGuild | int | None = None) -> list[dict[str, Any]]:
        return copy.deepcopy(self.commands.get(_id_of(guild) if guild is not None else None, []))

    # ------------------------------------------------------------------ gateway server

    async def _handle_ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = _Conn(ws=ws, path=request.path, query=dict(request.query), opened_at=time.monotonic())
        self.connections.append(conn)
        self._notify()
        try:
            await self._send(conn, {"op": 10, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                try:
                    payload = json.loads(msg.data)
                    op = payload["op"]
                except (ValueError, KeyError, TypeError):
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                self.gateway_log.append((time.monotonic(), "recv", op))
                await self._on_gateway_op(conn, op, payload.get("d"))
        finally:
            conn.ready = False
            conn.close_code = ws.close_code
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                # a client-initiated clean close ends the session (Discord invalidates it)
                if ws.close_code in (1000, 1001) and not conn.server_closed:
                    session.resumable = False
            self._notify()
        return ws

    async def _send(self, conn: _Conn, payload: dict[str, Any]) -> None:
        async with conn.send_lock:
            if conn.ws.closed:
                return
            try:
                await conn.ws.send_str(json.dumps(payload))
            except (ConnectionResetError, RuntimeError):
                return
        self.gateway_log.append((time.monotonic(), "send", payload.get("t") or payload.get("op")))

    async def _on_gateway_op(self, conn: _Conn, op: int, d: Any) -> None:
        if op == 1:  # heartbeat
            if self.ack_heartbeats:
                await self._send(conn, {"op": 11})
        elif op == 2:
            await self._on_identify(conn, d or {})
        elif op == 6:
            await self._on_resume(conn, d or {})
        elif op == 3:
            self.presence_updates.append(d)
        elif op == 8:
            await self._on_request_members(conn, d or {})
        elif op in (4, 14, 31, 36, 37):  # voice state, lazy guilds, soundboard... ignore
            pass
        else:
            await conn.ws.close(code=4001, message=b"Unknown opcode.")

    def _guild_shard(self, guild_id: int, shard_count: int) -> int:
        return (guild_id >> 22) % shard_count

    async def _on_identify(self, conn: _Conn, d: dict[str, Any]) -> None:
        if conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated.")
            return
        if self.token is not None and d.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        shard_id, shard_count = d.get("shard") or [0, 1]
        session = _Session(
            session_id=secrets.token_hex(16),
            shard_id=shard_id,
            shard_count=shard_count,
            intents=int(d.get("intents", 0)),
            identify=d,
        )
        old = self._sessions.get(shard_id)
        if old is not None:
            old.resumable = False
        self._sessions[shard_id] = session
        session.conn = conn
        conn.session = session
        guilds = [g for g in self.guilds.values() if self._guild_shard(g.id, shard_count) == shard_id]
        ready = {
            "v": 10,
            "user": self.bot_user.me_payload(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_ws_url,
            "application": {"id": str(self.application_id), "flags": (1 << 13) | (1 << 15) | (1 << 19)},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["fake"],
            "user_settings": {},
            "auth": {},
            "_trace": ["fakediscord"],
        }
        if "shard" in d:
            ready["shard"] = [shard_id, shard_count]
        async with session.lock:
            await self._dispatch_locked(session, "READY", ready, force=True)
            for guild in guilds:
                payload = self._guild_create_payload(guild, session)
                await self._dispatch_locked(session, "GUILD_CREATE", payload, force=True)
            conn.ready = True
        self.identifies.append((time.monotonic(), d))
        self._notify()

    def _guild_create_payload(self, guild: FakeGuild, session: _Session) -> dict[str, Any]:
        if session.intents & P.INTENT_GUILD_MEMBERS:
            return guild.payload()
        # Without the members intent Discord only sends the bot's own member
        return guild.payload(only_member_ids={self.bot_user.id})

    async def _on_resume(self, conn: _Conn, d: dict[str, Any]) -> None:
        session = next((s for s in self._sessions.values() if s.session_id == d.get("session_id")), None)
        if session is None or not session.resumable or (self.token is not None and d.get("token") != self.token):
            await self._send(conn, {"op": 9, "d": False})
            return
        old = session.conn
        if old is not None and old is not conn and not old.ws.closed:
            old.server_closed = True
            await old.ws.close(code=4000)
        client_seq = int(d.get("seq") or 0)
        async with session.lock:
            session.conn = conn
            conn.session = session
            for seq, event, data in session.events:
                if seq > client_seq:
                    await self._send(conn, {"op": 0, "s": seq, "t": event, "d": data})
                    self.replayed_events.append((seq, event))
            session.seq += 1
            await self._send(conn, {"op": 0, "s": session.seq, "t": "RESUMED", "d": {"_trace": ["fakediscord"]}})
            conn.ready = True
        self.resumes.append(time.monotonic())
        self._notify()

    async def _on_request_members(self, conn: _Conn, d: dict[str, Any]) -> None:
        session = conn.session
        if session is None:
            return
        guild_ids = d.get("guild_id")
        guild_ids = guild_ids if isinstance(guild_ids, list) else [guild_ids]
        for gid in guild_ids:
            guild = self.guilds.get(int(gid))
            if guild is None:
                continue
            members = list(guild.members.values())
            if d.get("user_ids"):
                wanted = {int(u) for u in (d["user_ids"] if isinstance(d["user_ids"], list) else [d["user_ids"]])}
                members = [m for m in members if m.id in wanted]
            elif d.get("query"):
                members = [m for m in members if m.user.name.lower().startswith(str(d["query"]).lower())]
            if d.get("limit"):
                members = members[: int(d["limit"])]
            chunk = {
                "guild_id": str(guild.id),
                "members": [m.payload() for m in members],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if d.get("nonce") is not None:
                chunk["nonce"] = d["nonce"]
            async with session.lock:
                await self._dispatch_locked(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _dispatch_locked(self, session: _Session, event: str, data: Any, *, force: bool = False) -> int:
        """Allocate a seq, buffer for RESUME, send if the connection is live (``force``: during IDENTIFY)."""
        session.seq += 1
        session.events.append((session.seq, event, data))
        conn = session.conn
        if conn is not None and (conn.ready or force):
            await self._send(conn, {"op": 0, "s": session.seq, "t": event, "d": data})
        return session.seq

    def _session_for(self, guild_id: int | None) -> _Session:
        if not self._sessions:
            raise RuntimeError("fake discord: the bot has not identified on the gateway yet")
        any_session = next(iter(self._sessions.values()))
        shard = 0 if guild_id is None else self._guild_shard(guild_id, any_session.shard_count)
        return self._sessions.get(shard) or any_session

    async def dispatch(self, event: str, data: Any, *, guild_id: int | None = None) -> int:
        """Send a DISPATCH (op 0) to the shard owning ``guild_id`` (shard 0 for DMs).

        While the socket is down the event is buffered and replayed on RESUME.  Returns its seq."""
        session = self._session_for(guild_id)
        async with session.lock:
            return await self._dispatch_locked(session, event, data)

    async def _maybe_dispatch(self, event: str, data: Any, *, guild_id: int | None, intent: int = 0) -> None:
        if not self._sessions:
            return
        session = self._session_for(guild_id)
        if intent and not session.intents & intent:
            return
        await self.dispatch(event, data, guild_id=guild_id)

    async def announce_guild(self, guild: FakeGuild) -> None:
        """Dispatch GUILD_CREATE for a guild added after the bot connected (the bot "joins" it)."""
        session = self._session_for(guild.id)
        await self.dispatch("GUILD_CREATE", self._guild_create_payload(guild, session), guild_id=guild.id)

    async def drop_connection(self, code: int = 4000, *, shard_id: int | None = None) -> None:
        """Close the gateway socket(s) from the server side with ``code``.  With a resumable code
        (4000, 4001, ...) discord.py reconnects to ``resume_gateway_url`` and RESUMEs; events
        dispatched meanwhile are buffered and replayed.  4004/4010-4014 are fatal for discord.py."""
        self._disrupted_at = time.monotonic()
        for session in list(self._sessions.values()):
            if shard_id is not None and session.shard_id != shard_id:
                continue
            conn = session.conn
            if conn is None:
                continue
            conn.ready = False
            conn.server_closed = True
            if code in (4004, 4010, 4011, 4012, 4013, 4014):
                session.resumable = False
            await conn.ws.close(code=code)

    async def send_reconnect(self, *, shard_id: int | None = None) -> None:
        """Send op 7 RECONNECT; discord.py closes the socket and resumes."""
        self._disrupted_at = time.monotonic()
        for session in list(self._sessions.values()):
            if shard_id is not None and session.shard_id != shard_id:
                continue
            if session.conn is not None:
                await self._send(session.conn, {"op": 7, "d": None})

    async def invalidate_session(self, resumable: bool = False, *, shard_id: int | None = None) -> None:
        """Send op 9 INVALID_SESSION.  Note discord.py sleeps 5 s in ``before_identify_hook``
        before a non-initial IDENTIFY (override the hook in tests that re-identify)."""
        self._disrupted_at = time.monotonic()
        for session in list(self._sessions.values()):
            if shard_id is not None and session.shard_id != shard_id:
                continue
            if not resumable:
                session.resumable = False
            if session.conn is not None:
                await self._send(session.conn, {"op": 9, "d": resumable})

    @property
    def intents(self) -> int | None:
        """Intents from the latest IDENTIFY (None before the first)."""
        return self.identifies[-1][1].get("intents") if self.identifies else None

    # ------------------------------------------------------------------ user-side actions

    def _resolve_place(
        self, user: FakeUser | None, guild: FakeGuild | None, channel: FakeChannel | None, dm: bool
    ) -> tuple[FakeUser, FakeGuild | None, FakeChannel]:
        user = user or self.default_user
        if channel is not None:
            if isinstance(channel, int):
                channel = self.channels[channel]
            guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
            return user, guild, channel
        if dm or (guild is None and not self.guilds):
            return user, None, self.dm_channel_for(user)
        guild = guild or next(iter(self.guilds.values()))
        text = next((c for c in guild.channels.values() if c.type == P.GUILD_TEXT), None)
        if text is None:
            text = self.add_text_channel(guild, "general")
        return user, guild, text

    def _member_of(self, guild: FakeGuild, user: FakeUser) -> FakeMember:
        member = guild.members.get(user.id)
        if member is None:
            member = self.add_member(guild, user)
        return member

    def _user_message(
        self,
        channel: FakeChannel,
        user: FakeUser,
        content: str,
        *,
        mentions: Iterable[FakeUser] = (),
        attachments: Iterable[tuple[str, bytes]] = (),
        reference: dict[str, Any] | int | None = None,
        embeds: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        mid = self._snowflake()
        msg: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(channel.id),
            "author": user.payload(),
            "content": content,
            "timestamp": P.snowflake_time_iso(mid),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": "@everyone" in content,
            "mentions": [],
            "mention_roles": [],
            "attachments": [self._store_attachment(channel.id, name, data) for name, data in attachments],
            "embeds": embeds or [],
            "components": [],
            "reactions": [],
            "pinned": False,
            "type": P.MSG_DEFAULT,
            "flags": 0,
        }
        if channel.guild_id is not None:
            guild = self.guilds[channel.guild_id]
            msg["guild_id"] = str(guild.id)
            msg["member"] = self._member_of(guild, user).payload(with_user=False)
            for u in mentions:
                entry = u.payload()
                if u.id in guild.members:
                    entry["member"] = guild.members[u.id].payload(with_user=False)
                msg["mentions"].append(entry)
        else:
            msg["mentions"] = [u.payload() for u in mentions]
        if reference is not None:
            ref = self.messages[_id_of(reference)]
            msg["type"] = P.MSG_REPLY
            msg["message_reference"] = {"message_id": ref["id"], "channel_id": ref["channel_id"], "type": 0}
            if "guild_id" in ref:
                msg["message_reference"]["guild_id"] = ref["guild_id"]
            msg["referenced_message"] = {k: v for k, v in ref.items() if not k.startswith("_fake")}
        return msg

    def _content_visible(self, session: _Session, msg: dict[str, Any]) -> bool:
        if session.intents & P.INTENT_MESSAGE_CONTENT or "guild_id" not in msg:
            return True
        if int(msg["author"]["id"]) == self.bot_user.id:
            return True
        return any(int(m["id"]) == self.bot_user.id for m in msg.get("mentions", []))

    async def _deliver_user_message(self, msg: dict[str, Any], channel: FakeChannel) -> dict[str, Any]:
        self._store_message(msg, channel)
        gid = channel.guild_id
        if self._sessions:
            session = self._session_for(gid)
            intent = P.INTENT_GUILD_MESSAGES if gid else P.INTENT_DIRECT_MESSAGES
            if session.intents & intent:
                event = self._public(msg)
                if not self._content_visible(session, event):
                    # Discord strips these without the MESSAGE_CONTENT intent
                    event.update(content="", embeds=[], attachments=[], components=[])
                await self.dispatch("MESSAGE_CREATE", event, guild_id=gid)
        self._notify()
        return copy.deepcopy(msg)

    async def send_message(
        self,
        channel: FakeChannel | int,
        user: FakeUser | None = None,
        content: str = "",
        *,
        mentions: Iterable[FakeUser] = (),
        mention_bot: bool = False,
        attachments: Iterable[tuple[str, bytes]] = (),
        reference: dict[str, Any] | int | None = None,
        embeds: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A user posts in a guild channel/thread -> MESSAGE_CREATE.  ``mention_bot`` prefixes
        ``<@bot>`` and adds the bot to ``mentions``.  Without the MESSAGE_CONTENT intent the
        dispatched copy has empty content unless the bot is mentioned (like Discord)."""
        channel = self.channels[_id_of(channel)]
        user = user or self.default_user
        mentions = list(mentions)
        if mention_bot:
            if self.bot_user not in mentions:
                mentions.append(self.bot_user)
            if self.bot_user.mention not in content:
                content = f"{self.bot_user.mention} {content}".rstrip()
        msg = self._user_message(
            channel, user, content, mentions=mentions, attachments=attachments, reference=reference, embeds=embeds
        )
        return await self._deliver_user_message(msg, channel)

    async def send_dm(
        self,
        user: FakeUser | None = None,
        content: str = "",
        *,
        attachments: Iterable[tuple[str, bytes]] = (),
        reference: dict[str, Any] | int | None = None,
    ) -> dict[str, Any]:
        """``user`` DMs the bot -> MESSAGE_CREATE in the DM channel (type 1, no guild_id)."""
        user = user or self.default_user
        channel = self.dm_channel_for(user)
        msg = self._user_message(channel, user, content, attachments=attachments, reference=reference)
        return await self._deliver_user_message(msg, channel)

    # ------------------------------------------------------------------ interactions

    def _find_command(self, name: str, guild_id: int | None, type_: int = 1) -> dict[str, Any] | None:
        scopes = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name and cmd.get("type", 1) == type_:
                    return cmd
        return None

    def _resolved_user(self, value: Any, guild: FakeGuild | None, resolved: dict[str, Any]) -> str:
        user = value.user if isinstance(value, FakeMember) else value
        if not isinstance(user, FakeUser):
            user = self.users[_id_of(user)]
        resolved.setdefault("users", {})[str(user.id)] = user.payload()
        if guild is not None and user.id in guild.members:
            m = guild.members[user.id].payload(with_user=False, with_permissions=True)
            resolved.setdefault("members", {})[str(user.id)] = m
        return str(user.id)

    def _option(self, name: str, value: Any, schema: dict[str, Any] | None, guild, resolved) -> dict[str, Any]:
        if isinstance(value, dict) and "type" in value:
            return {"name": name, **value}
        otype = schema.get("type") if schema else None
        if otype is None:
            if isinstance(value, bool):
                otype = P.OPT_BOOLEAN
            elif isinstance(value, int):
                otype = P.OPT_INTEGER
            elif isinstance(value, float):
                otype = P.OPT_NUMBER
            elif isinstance(value, FakeUser | FakeMember):
                otype = P.OPT_USER
            elif isinstance(value, FakeChannel):
                otype = P.OPT_CHANNEL
            elif isinstance(value, FakeRole):
                otype = P.OPT_ROLE
            elif isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes):
                otype = P.OPT_ATTACHMENT
            else:
                otype = P.OPT_STRING
        if otype == P.OPT_USER:
            v: Any = self._resolved_user(value, guild, resolved)
        elif otype == P.OPT_CHANNEL:
            ch = value if isinstance(value, FakeChannel) else self.channels[_id_of(value)]
            resolved.setdefault("channels", {})[str(ch.id)] = P.partial_channel_for_resolved(ch, P.ALL_PERMISSIONS)
            v = str(ch.id)
        elif otype == P.OPT_ROLE:
            role = value if isinstance(value, FakeRole) else self.roles[_id_of(value)]
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            v = str(role.id)
        elif otype == P.OPT_MENTIONABLE:
            if isinstance(value, FakeRole):
                resolved.setdefault("roles", {})[str(value.id)] = value.payload()
                v = str(value.id)
            else:
                v = self._resolved_user(value, guild, resolved)
        elif otype == P.OPT_ATTACHMENT:
            filename, data = value
            att = self._store_attachment(0, filename, data)
            resolved.setdefault("attachments", {})[att["id"]] = att
            v = att["id"]
        elif otype == P.OPT_INTEGER:
            v = int(value)
        elif otype == P.OPT_NUMBER:
            v = float(value)
        elif otype == P.OPT_BOOLEAN:
            v = bool(value)
        else:
            v = str(value)
        return {"name": name, "type": otype, "value": v}

    def _command_data(
        self,
        name: str,
        options: dict[str, Any] | list[dict[str, Any]] | None,
        subcommand: str | None,
        guild: FakeGuild | None,
        focused: str | None = None,
    ) -> dict[str, Any]:
        path = name.split() + (subcommand.split() if subcommand else [])
        root, subs = path[0], path[1:]
        cmd = self._find_command(root, guild.id if guild else None)
        if cmd is None and self.command_syncs:
            known = sorted({c["name"] for cmds in self.commands.values() for c in cmds})
            raise LookupError(f"/{root} is not a registered command (registered: {known})")
        schema_opts = (cmd or {}).get("options") or []
        for sub in subs:
            node = next((o for o in schema_opts if o.get("name") == sub), None)
            if cmd is not None and node is None:
                raise LookupError(f"/{' '.join(path)}: no subcommand {sub!r}")
            schema_opts = (node or {}).get("options") or []
        resolved: dict[str, Any] = {}
        if isinstance(options, list):
            leaf = []
            for raw in options:
                if "type" in raw:
                    leaf.append(copy.deepcopy(raw))
                else:
                    schema = next((o for o in schema_opts if o.get("name") == raw["name"]), None)
                    leaf.append(self._option(raw["name"], raw.get("value"), schema, guild, resolved))
        else:
            leaf = []
            for opt_name, value in (options or {}).items():
                schema = next((o for o in schema_opts if o.get("name") == opt_name), None)
                if cmd is not None and schema is None:
                    raise LookupError(f"/{' '.join(path)} has no option {opt_name!r}")
                leaf.append(self._option(opt_name, value, schema, guild, resolved))
        if focused is not None:
            for opt in leaf:
                if opt["name"] == focused:
                    opt["focused"] = True
                    if not isinstance(opt.get("value"), str):
                        opt["value"] = str(opt.get("value", ""))
        opts = leaf
        for depth, sub in reversed(list(enumerate(subs))):
            is_group = depth == 0 and len(subs) == 2
            opts = [{"name": sub, "type": P.OPT_SUB_COMMAND_GROUP if is_group else P.OPT_SUB_COMMAND, "options": opts}]
        data: dict[str, Any] = {
            "id": cmd["id"] if cmd else str(self._snowflake()),
            "name": root,
            "type": 1,
            "options": opts,
        }
        if cmd and cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _interaction_payload(
        self,
        itype: int,
        data: dict[str, Any],
        user: FakeUser,
        guild: FakeGuild | None,
        channel: FakeChannel,
        message: dict[str, Any] | None,
        locale: str,
    ) -> FakeInteraction:
        iid = self._snowflake()
        token = f"fake-token-{iid}-{secrets.token_urlsafe(16)}"
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "token": token,
            "version": 1,
            "data": data,
            "locale": locale,
            "attachment_size_limit": 25 * 1024 * 1024,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "channel_id": str(channel.id),
            "channel": {**channel.payload(), "permissions": str(P.ALL_PERMISSIONS)},
        }
        if guild is not None:
            member = self._member_of(guild, user)
            bot_member = guild.members.get(self.bot_user.id)
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                guild_locale=guild.locale,
                member=member.payload(with_permissions=True),
                app_permissions=str(bot_member.permissions if bot_member else P.ALL_PERMISSIONS),
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
            )
        else:
            payload.update(
                user=user.payload(),
                app_permissions=str(P.ALL_PERMISSIONS),
                context=1,
                authorizing_integration_owners={"0": "0"},
            )
        if message is not None:
            payload["message"] = self._public(message)
        inter = FakeInteraction(
            id=iid,
            token=token,
            type=itype,
            payload=payload,
            user=user,
            guild=guild,
            channel=channel,
            source_message_id=int(message["id"]) if message else None,
        )
        self.interactions[iid] = inter
        self._interactions_by_token[token] = inter
        return inter

    async def _dispatch_interaction(self, inter: FakeInteraction) -> FakeInteraction:
        inter.dispatched_at = time.monotonic()
        await self.dispatch("INTERACTION_CREATE", inter.payload, guild_id=inter.guild.id if inter.guild else None)
        self._notify()
        return inter

    async def send_slash_command(
        self,
        name: str,
        options: dict[str, Any] | list[dict[str, Any]] | None = None,
        *,
        user: FakeUser | None = None,
        guild: FakeGuild | None = None,
        channel: FakeChannel | int | None = None,
        subcommand: str | None = None,
        dm: bool = False,
        locale: str = "en-US",
        focused: str | None = None,
    ) -> FakeInteraction:
        """Dispatch INTERACTION_CREATE (type 2) for ``/name`` (type 4, autocomplete, with ``focused``).

        ``name`` may hold the whole path (``"role set"``) or use ``subcommand="set"`` /
        ``subcommand="group sub"``.  ``options`` is ``{name: value}``; option types come from the
        synced command schema (else from the Python type): FakeUser/FakeMember -> user,
        FakeChannel -> channel, FakeRole -> role, ``(filename, bytes)`` -> attachment, with
        ``resolved`` data filled in.  Raw option dicts (a list) are passed through untouched.
        Once the bot synced commands, unknown commands/options raise LookupError.
        Defaults: the default user, in the first guild's first text channel (or a DM when
        ``dm=True`` or there is no guild)."""
        user, guild, ch = self._resolve_place(user, guild, channel, dm)
        data = self._command_data(name, options, subcommand, guild, focused=focused)
        kind = P.INTERACTION_APPLICATION_COMMAND if focused is None else P.INTERACTION_AUTOCOMPLETE
        inter = self._interaction_payload(kind, data, user, guild, ch, None, locale)
        return await self._dispatch_interaction(inter)

    async def send_autocomplete(
        self, name: str, options: dict[str, Any] | list[dict[str, Any]] | None, focused: str, **where: Any
    ) -> FakeInteraction:
        """Dispatch an autocomplete interaction (type 4) for option ``focused``; the bot answers with
        callback type 8 (``(await fake.wait_for_interaction_response(i)).choices``). ``where``: user,
        guild, channel, subcommand, dm, locale, as for `send_slash_command`."""
        return await self.send_slash_command(name, options, focused=focused, **where)

    def find_component(
        self, message: dict[str, Any] | int | str, *, custom_id: str | None = None, label: str | None = None
    ) -> dict[str, Any]:
        """A component of a stored message by ``custom_id`` or visible ``label`` (or select placeholder)."""
        msg = self.messages.get(_id_of(message))
        if msg is None:
            raise LookupError(f"no such message {message!r}")
        for comp in P.walk_components(msg.get("components")):
            if "custom_id" not in comp:
                continue
            if custom_id is not None and comp["custom_id"] == custom_id:
                return comp
            if label is not None and label in (comp.get("label"), comp.get("placeholder")):
                return comp
        available = [
            (c.get("label") or c.get("placeholder"), c.get("custom_id"))
            for c in P.walk_components(msg.get("components"))
            if "custom_id" in c
        ]
        raise LookupError(f"message {msg['id']} has no component {custom_id or label!r}; it has {available}")

    async def send_component_click(
        self,
        message: dict[str, Any] | int | str,
        custom_id: str | None = None,
        user: FakeUser | None = None,
        *,
        label: str | None = None,
        values: list[str] | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """A user clicks a button / picks select ``values`` on a message the bot posted.

        Find the component by ``custom_id`` or ``label``; disabled or missing components raise
        (a real client cannot click them).  The interaction carries the message's current state."""
        comp = self.find_component(message, custom_id=custom_id, label=label)
        if comp.get("disabled"):
            raise LookupError(f"component {comp['custom_id']!r} is disabled")
        msg = self.messages[_id_of(message)]
        channel = self.channels[int(msg["channel_id"])]
        if user is None:
            user = channel.recipient if channel.is_dm and channel.recipient else self.default_user
        guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
        data: dict[str, Any] = {"custom_id": comp["custom_id"], "component_type": comp["type"]}
        if comp["type"] != 2:
            data["values"] = list(values or [])
        elif values:
            raise ValueError("buttons take no values")
        inter = self._interaction_payload(P.INTERACTION_MESSAGE_COMPONENT, data, user, guild, channel, msg, locale)
        return await self._dispatch_interaction(inter)

    async def send_modal_submit(
        self,
        source: FakeInteraction | CallbackRecord | int | None = None,
        values: dict[str, str] | None = None,
        *,
        custom_id: str | None = None,
        user: FakeUser | None = None,
        guild: FakeGuild | None = None,
        channel: FakeChannel | int | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """Submit a modal.  Pass the interaction the bot answered with a modal (callback type 9)
        and ``values`` keyed by text-input ``custom_id`` or ``label``; the submit mirrors the
        modal's layout (action rows or labels).  Without ``source`` give ``custom_id`` and
        ``values`` keyed by custom_id (one text input per row)."""
        values = dict(values or {})
        src_inter: FakeInteraction | None = None
        modal: dict[str, Any] | None = None
        if isinstance(source, CallbackRecord):
            src_inter = self.interactions[source.interaction_id]
            modal = source.data
        elif source is not None:
            src_inter = self._interaction(source)
            rec = next((c for c in reversed(src_inter.callbacks) if c.type == P.CALLBACK_MODAL and c.accepted), None)
            if rec is None:
                raise LookupError(f"interaction {src_inter.id} was not answered with a modal")
            modal = rec.data
        if modal is not None:
            used: set[str] = set()

            def value_for(inp: dict[str, Any], label: str | None) -> str:
                for key in (inp.get("custom_id"), label, inp.get("label")):
                    if key is not None and key in values:
                        used.add(key)
                        return str(values[key])
                return str(inp.get("value") or "")

            comps: list[dict[str, Any]] = []
            for top in modal.get("components", []):
                if top.get("type") == 1:
                    row = []
                    for inp in top.get("components", []):
                        row.append({"type": inp["type"], "custom_id": inp["custom_id"], "value": value_for(inp, None)})
                    comps.append({"type": 1, "components": row})
                elif top.get("type") == 18:
                    inp = top["component"]
                    sub: dict[str, Any] = {"type": inp["type"], "custom_id": inp.get("custom_id")}
                    if inp["type"] == 4:
                        sub["value"] = value_for(inp, top.get("label"))
                    else:
                        key = next((k for k in (inp.get("custom_id"), top.get("label")) if k in values), None)
                        if key is not None:
                            used.add(key)
                        sub["values"] = list(values.get(key, [])) if key else []
                    comps.append({"type": 18, "component": sub})
            unknown = set(values) - used
            if unknown:
                raise LookupError(f"modal {modal.get('custom_id')!r} has no inputs {sorted(unknown)}")
            data = {"custom_id": modal["custom_id"], "components": comps}
        else:
            if custom_id is None:
                raise ValueError("give the interaction that opened the modal, or custom_id=")
            data = {
                "custom_id": custom_id,
                "components": [
                    {"type": 1, "components": [{"type": 4, "custom_id": k, "value": str(v)}]} for k, v in values.items()
                ],
            }
        message = None
        if src_inter is not None:
            user = user or src_inter.user
            channel = channel or src_inter.channel
            if src_inter.source_message_id:
                message = self.messages.get(src_inter.source_message_id)
        user, guild, ch = self._resolve_place(user, guild, channel, False)
        inter = self._interaction_payload(P.INTERACTION_MODAL_SUBMIT, data, user, guild, ch, message, locale)
        return await self._dispatch_interaction(inter)

    # ------------------------------------------------------------------ messages (server side)

    def _public(self, msg: dict[str, Any]) -> dict[str, Any]:
        return {k: copy.deepcopy(v) for k, v in msg.items() if not k.startswith("_fake")}

    def _store_message(self, msg: dict[str, Any], channel: FakeChannel) -> None:
        mid = int(msg["id"])
        msg["_fake_touched"] = time.monotonic()
        self.messages[mid] = msg
        self._channel_messages.setdefault(channel.id, []).append(mid)
        channel.last_message_id = mid
        channel.message_count += 1

    def _store_attachment(self, channel_id: int, filename: str, data: bytes, content_type: str | None = None) -> dict:
        aid = self._snowflake()
        if content_type is None:
            import mimetypes

            content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        self._attachments[aid] = (filename, content_type, data)
        url = f"{self.http_root}/attachments/{channel_id}/{aid}/{filename}"
        return {
            "id": str(aid),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }

    def attachment_bytes(self, attachment: dict[str, Any] | int | str) -> bytes:
        return self._attachments[_id_of(attachment)][2]

    def _validate_message(self, body: dict[str, Any], *, creating: bool, files: list[UploadedFile]) -> None:
        if not self.validate_messages:
            return
        errors: dict[str, str] = {}
        content = body.get("content")
        if content is not None and len(str(content)) > 2000:
            errors["content"] = "Must be 2000 or fewer in length."
        embeds = body.get("embeds") or []
        if len(embeds) > 10:
            errors["embeds"] = "Must be 10 or fewer in length."
        for i, e in enumerate(embeds):
            total = 0
            for key, limit in (("title", 256), ("description", 4096)):
                text = e.get(key) or ""
                total += len(text)
                if len(text) > limit:
                    errors[f"embeds.{i}.{key}"] = f"Must be {limit} or fewer in length."
            fields = e.get("fields") or []
            if len(fields) > 25:
                errors[f"embeds.{i}.fields"] = "Must be 25 or fewer in length."
            for j, f in enumerate(fields):
                if not f.get("name") or not f.get("value"):
                    errors[f"embeds.{i}.fields.{j}"] = "This field is required"
                if len(f.get("name") or "") > 256:
                    errors[f"embeds.{i}.fields.{j}.name"] = "Must be 256 or fewer in length."
                if len(f.get("value") or "") > 1024:
                    errors[f"embeds.{i}.fields.{j}.value"] = "Must be 1024 or fewer in length."
                total += len(f.get("name") or "") + len(f.get("value") or "")
            footer = (e.get("footer") or {}).get("text") or ""
            author = (e.get("author") or {}).get("name") or ""
            if len(footer) > 2048:
                errors[f"embeds.{i}.footer.text"] = "Must be 2048 or fewer in length."
            if len(author) > 256:
                errors[f"embeds.{i}.author.name"] = "Must be 256 or fewer in length."
            total += len(footer) + len(author)
            if total > 6000:
                errors[f"embeds.{i}"] = "Embed size exceeds maximum size of 6000"
        components = body.get("components") or []
        v2 = int(body.get("flags") or 0) & P.FLAG_IS_COMPONENTS_V2
        if not v2 and len(components) > 5:
            errors["components"] = "Must be 5 or fewer in length."
        for comp in P.walk_components(components):
            if len(comp.get("custom_id") or "") > 100:
                errors["components.custom_id"] = "Must be 100 or fewer in length."
            if comp.get("type") == 2 and len(comp.get("label") or "") > 80:
                errors["components.label"] = "Must be 80 or fewer in length."
            if comp.get("type") == 3 and len(comp.get("options") or []) > 25:
                errors["components.options"] = "Must be 25 or fewer in length."
        if errors:
            raise _form_error(errors)
        if creating and not v2:
            empty = not (content or embeds or components or files or body.get("sticker_ids") or body.get("poll"))
            if empty:
                raise ApiError(400, 50006, "Cannot send an empty message")

    def _attachments_from(self, body: dict[str, Any], files: list[UploadedFile], channel_id: int, existing=()) -> list:
        by_index = {}
        for f in files:
            m = re.fullmatch(r"files\[(\d+)\]", f.field)
            if m:
                by_index[int(m.group(1))] = f
        out = []
        existing_by_id = {str(a["id"]): a for a in existing}
        declared = body.get("attachments")
        if declared is None:
            declared = [{"id": i} for i in sorted(by_index)]
            out.extend(existing)
        for a in declared:
            key = str(a.get("id"))
            if key in existing_by_id:
                out.append(existing_by_id[key])
            elif key.isdigit() and int(key) in by_index:
                f = by_index[int(key)]
                att = self._store_attachment(
                    channel_id, a.get("filename") or f.filename or "file", f.data, f.content_type
                )
                if a.get("description"):
                    att["description"] = a["description"]
                out.append(att)
        return out

    def _mentions_in(self, content: str) -> list[dict[str, Any]]:
        ids = {int(x) for x in re.findall(r"<@!?(\d+)>", content or "")}
        return [self.users[i].payload() for i in ids if i in self.users]

    def _bot_message(
        self,
        channel: FakeChannel,
        body: dict[str, Any],
        files: list[UploadedFile],
        *,
        type_: int = P.MSG_DEFAULT,
        interaction: FakeInteraction | None = None,
        flags: int | None = None,
    ) -> dict[str, Any]:
        mid = self._snowflake()
        content = body.get("content") or ""
        embeds = copy.deepcopy(body.get("embeds") or [])
        for e in embeds:
            e.setdefault("type", "rich")
        components = copy.deepcopy(body.get("components") or [])
        P.assign_component_ids(components)
        msg: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(channel.id),
            "author": self.bot_user.payload(),
            "content": content,
            "timestamp": P.snowflake_time_iso(mid),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": self._mentions_in(content),
            "mention_roles": [],
            "attachments": self._attachments_from(body, files, channel.id),
            "embeds": embeds,
            "components": components,
            "reactions": [],
            "pinned": False,
            "type": type_,
            "flags": int(body.get("flags") or 0) if flags is None else flags,
        }
        if channel.guild_id is not None:
            msg["guild_id"] = str(channel.guild_id)
        if body.get("nonce") is not None:
            msg["nonce"] = body["nonce"]
        if body.get("poll"):
            msg["poll"] = body["poll"]
        ref = body.get("message_reference")
        if ref and ref.get("message_id") and type_ == P.MSG_DEFAULT:
            target = self.messages.get(int(ref["message_id"]))
            if target is None:
                if ref.get("fail_if_not_exists", True):
                    raise _form_error({"message_reference": "Unknown message"})
            else:
                msg["type"] = P.MSG_REPLY
                msg["message_reference"] = {
                    "message_id": target["id"],
                    "channel_id": target["channel_id"],
                    "type": 0,
                    **({"guild_id": target["guild_id"]} if "guild_id" in target else {}),
                }
                msg["referenced_message"] = self._public(target)
        if interaction is not None:
            msg["webhook_id"] = str(self.application_id)
            msg["application_id"] = str(self.application_id)
            meta: dict[str, Any] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.payload(),
                "authorizing_integration_owners": interaction.payload.get("authorizing_integration_owners", {}),
            }
            if interaction.type == P.INTERACTION_APPLICATION_COMMAND:
                meta["name"] = interaction.payload["data"]["name"]
            if interaction.source_message_id:
                meta["interacted_message_id"] = str(interaction.source_message_id)
            msg["interaction_metadata"] = meta
        return msg

    def _apply_edit(self, msg: dict[str, Any], body: dict[str, Any], files: list[UploadedFile]) -> None:
        if "content" in body:
            msg["content"] = body["content"] or ""
            msg["mentions"] = self._mentions_in(msg["content"])
        if "embeds" in body:
            msg["embeds"] = copy.deepcopy(body["embeds"] or [])
            for e in msg["embeds"]:
                e.setdefault("type", "rich")
        if "components" in body:
            msg["components"] = copy.deepcopy(body["components"] or [])
            P.assign_component_ids(msg["components"])
        if "flags" in body and body["flags"] is not None:
            keep = int(msg.get("flags", 0)) & (P.FLAG_EPHEMERAL | P.FLAG_LOADING)
            msg["flags"] = keep | (int(body["flags"]) & ~(P.FLAG_EPHEMERAL | P.FLAG_LOADING))
        if "attachments" in body or files:
            msg["attachments"] = self._attachments_from(body, files, int(msg["channel_id"]), msg.get("attachments", []))
        if "poll" in body and body["poll"]:
            msg["poll"] = body["poll"]
        msg["edited_timestamp"] = P.iso_now()
        msg["_fake_touched"] = time.monotonic()

    async def _announce_bot_message(self, msg: dict[str, Any], event: str = "MESSAGE_CREATE") -> None:
        if not self.dispatch_own_messages or int(msg.get("flags", 0)) & P.FLAG_EPHEMERAL:
            return
        gid = int(msg["guild_id"]) if "guild_id" in msg else None
        data = self._public(msg)
        if gid is not None and event == "MESSAGE_CREATE":
            bot_member = self.guilds[gid].members.get(self.bot_user.id)
            if bot_member:
                data["member"] = bot_member.payload(with_user=False)
        intent = P.INTENT_GUILD_MESSAGES if gid else P.INTENT_DIRECT_MESSAGES
        await self._maybe_dispatch(event, data, guild_id=gid, intent=intent)

    # ------------------------------------------------------------------ REST plumbing

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., Any]]]:
        """The REST routes the `_r_*` handlers registered with `@_route`, bound to this fake."""
        return [(method, pattern, getattr(self, name)) for method, pattern, name in _ROUTES]

    async def _read_body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        ctype = request.headers.get("Content-Type", "")
        files: list[UploadedFile] = []
        if ctype.startswith("multipart/"):
            body: Any = None
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    files.append(
                        UploadedFile(
                            field=part.name or "",
                            filename=part.filename,
                            content_type=part.headers.get("Content-Type"),
                            data=bytes(await part.read()),
                        )
                    )
            return body, files
        raw = await request.read()
        if not raw:
            return None, files
        try:
            return json.loads(raw), files
        except ValueError:
            return raw.decode("utf-8", "replace"), files

    async def _handle_rest(self, request: web.Request) -> web.StreamResponse:
        m = API_PREFIX.match(request.path)
        path = m.group("path") if m else request.path
        body, files = await self._read_body(request)
        rec = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=body,
            files=files,
            headers={k: v for k, v in request.headers.items() if k.lower() in ("authorization", "x-audit-log-reason")},
            time=time.monotonic(),
        )
        self.requests.append(rec)
        status, out = 404, {"message": "404: Not Found (no such route in fake discord)", "code": 0}
        try:
            for method, rx, handler in self._routes:
                mm = rx.fullmatch(path)
                if mm and method == request.method:
                    needs_auth = not path.startswith(("/interactions/", "/webhooks/"))
                    if (
                        needs_auth
                        and self.token is not None
                        and rec.headers.get("Authorization") != f"Bot {self.token}"
                    ):
                        raise ApiError(401, 0, "401: Unauthorized")
                    status, out = await handler(rec, {k: v for k, v in mm.groupdict().items()})
                    break
        except ApiError as err:
            status, out = err.status, err.body
        except Exception as err:  # a bug in the fake: loud, but 501 so discord.py does not retry for 25 s
            self.crashes.append(traceback.format_exc())
            status, out = 501, {"message": f"fake discord crashed: {err!r}", "code": 0}
        rec.status = status
        rec.response = out
        self._notify()
        if out is None:
            return web.Response(status=status)
        return web.Response(status=status, body=json.dumps(out).encode(), headers=JSON_HEADERS)

    async def _handle_attachment(self, request: web.Request) -> web.StreamResponse:
        entry = self._attachments.get(int(request.match_info["attachment_id"]))
        if entry is None:
            return web.Response(status=404)
        _, ctype, data = entry
        return web.Response(body=data, headers={"Content-Type": ctype or "application/octet-stream"})

    # ------------------------------------------------------------------ REST handlers

    def _channel(self, channel_id: str | int) -> FakeChannel:
        ch = self.channels.get(int(channel_id))
        if ch is None:
            raise ApiError(404, 10003, "Unknown Channel")
        return ch

    def _stored_message(self, channel: FakeChannel, message_id: str | int) -> dict[str, Any]:
        msg = self.messages.get(int(message_id))
        if msg is None or int(msg["channel_id"]) != channel.id:
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    @_route("POST", r"/channels/{channel_id}/typing")
    @_route("PUT", r"/channels/{channel_id}/thread-members/(?:@me|\d+)")
    @_route("DELETE", r"/channels/{channel_id}/thread-members/(?:@me|\d+)")
    async def _r_no_content(self, rec, p):
        return 204, None

    @_route("GET", r"/users/@me")
    async def _r_me(self, rec, p):
        return 200, self.bot_user.me_payload()

    @_route("GET", r"/users/{user_id}")
    async def _r_user(self, rec, p):
        user = self.users.get(int(p["user_id"]))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return 200, user.payload()

    @_route("POST", r"/users/@me/channels")
    async def _r_create_dm(self, rec, p):
        rid = int((rec.json or {}).get("recipient_id", 0))
        user = self.users.get(rid)
        if user is None or user is self.bot_user:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return 200, self.dm_channel_for(user).payload()

    @_route("GET", r"/oauth2/applications/@me")
    @_route("GET", r"/applications/@me")
    async def _r_app_info(self, rec, p):
        return 200, {
            "id": str(self.application_id),
            "name": self.bot_user.name,
            "icon": None,
            "description": "fake application",
            "summary": "",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.payload(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": (1 << 13) | (1 << 15) | (1 << 19),
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": len(self.guilds),
            "bot": self.bot_user.payload(),
        }

    @_route("GET", r"/gateway")
    async def _r_gateway(self, rec, p):
        return 200, {"url": self.ws_url.rstrip("/")}

    @_route("GET", r"/gateway/bot")
    async def _r_gateway_bot(self, rec, p):
        return 200, {
            "url": self.ws_url.rstrip("/"),
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1},
        }

    def _check_app(self, p) -> int | None:
        if int(p["app_id"]) != self.application_id:
            raise ApiError(403, 50001, "Missing Access")
        gid = p.get("guild_id")
        if gid is not None and int(gid) not in self.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return int(gid) if gid is not None else None

    def _register(self, scope: int | None, cmd: dict[str, Any]) -> dict[str, Any]:
        cmd = copy.deepcopy(cmd)
        ctype = int(cmd.get("type", 1))
        key = (scope, cmd["name"], ctype)
        cid = self._command_ids.setdefault(key, self._snowflake())
        cmd.update(id=str(cid), application_id=str(self.application_id), version=str(self._snowflake()), type=ctype)
        cmd.setdefault("description", "")
        cmd.setdefault("options", [])
        cmd.setdefault("default_member_permissions", None)
        cmd.setdefault("nsfw", False)
        if scope is not None:
            cmd["guild_id"] = str(scope)
        return cmd

    def _validate_command(self, cmd: dict[str, Any], idx: int) -> dict[str, str]:
        errors = {}
        name = cmd.get("name") or ""
        ctype = int(cmd.get("type", 1))
        if ctype == 1 and not re.fullmatch(r"[-_\w]{1,32}", name) or name != name.lower() and ctype == 1:
            errors[f"{idx}.name"] = "Command name is invalid"
        if ctype == 1 and not 1 <= len(cmd.get("description") or "") <= 100:
            errors[f"{idx}.description"] = "Must be between 1 and 100 in length."
        if len(cmd.get("options") or []) > 25:
            errors[f"{idx}.options"] = "Must be 25 or fewer in length."
        return errors

    @_route("GET", r"/applications/{app_id}/commands")
    @_route("GET", r"/applications/{app_id}/guilds/{guild_id}/commands")
    async def _r_get_commands(self, rec, p):
        scope = self._check_app(p)
        return 200, copy.deepcopy(self.commands.get(scope, []))

    @_route("PUT", r"/applications/{app_id}/commands")
    @_route("PUT", r"/applications/{app_id}/guilds/{guild_id}/commands")
    async def _r_put_commands(self, rec, p):
        scope = self._check_app(p)
        cmds = rec.json or []
        errors: dict[str, str] = {}
        for i, c in enumerate(cmds):
            errors.update(self._validate_command(c, i))
        names = [(c.get("name"), c.get("type", 1)) for c in cmds]
        if len(names) != len(set(names)):
            errors["_"] = "Application command names must be unique"
        if errors:
            raise _form_error(errors)
        self.commands[scope] = [self._register(scope, c) for c in cmds]
        self.command_syncs.append((scope, time.monotonic()))
        return 200, copy.deepcopy(self.commands[scope])

    @_route("POST", r"/applications/{app_id}/commands")
    @_route("POST", r"/applications/{app_id}/guilds/{guild_id}/commands")
    async def _r_upsert_command(self, rec, p):
        scope = self._check_app(p)
        cmd = self._register(scope, rec.json or {})
        existing = [c for c in self.commands.get(scope, []) if c["id"] != cmd["id"]]
        self.commands[scope] = existing + [cmd]
        self.command_syncs.append((scope, time.monotonic()))
        return 201, copy.deepcopy(cmd)

    @_route("DELETE", r"/applications/{app_id}/commands/{command_id}")
    @_route("DELETE", r"/applications/{app_id}/guilds/{guild_id}/commands/{command_id}")
    async def _r_delete_command(self, rec, p):
        scope = self._check_app(p)
        before = self.commands.get(scope, [])
        after = [c for c in before if c["id"] != p["command_id"]]
        if len(after) == len(before):
            raise ApiError(404, 10063, "Unknown application command")
        self.commands[scope] = after
        return 204, None

    # interactions -------------------------------------------------------------

    @_route("POST", r"/interactions/{interaction_id}/{token}/callback")
    async def _r_callback(self, rec, p):
        now = rec.time
        inter = self.interactions.get(int(p["interaction_id"]))
        if inter is None or inter.token != p["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        body = rec.json or {}
        ctype = int(body.get("type", 0))
        data = body.get("data") or {}
        latency = now - inter.dispatched_at
        cb = CallbackRecord(
            interaction_id=inter.id,
            type=ctype,
            data=copy.deepcopy(data),
            time=now,
            latency=latency,
            accepted=False,
            status=0,
            files=rec.files,
        )
        inter.callbacks.append(cb)
        try:
            result = self._handle_callback(inter, cb, ctype, data, rec, latency)
            cb.accepted = True
        except ApiError as err:
            cb.status = err.status
            self._notify()
            raise
        cb.status = 200 if rec.query.get("with_response") in ("1", "true", "True") else 204
        if cb.message is not None:
            await self._announce_bot_message(
                cb.message, "MESSAGE_UPDATE" if ctype == P.CALLBACK_UPDATE_MESSAGE else "MESSAGE_CREATE"
            )
        self._notify()
        return (200, result) if cb.status == 200 else (204, None)

    def expire_interaction(self, interaction: FakeInteraction) -> None:
        """Treat the interaction's acknowledgement window as over, as Discord does after 3 s: a test of
        late acknowledgements can then run without waiting out a real deadline."""
        interaction.expired = True

    def _handle_callback(self, inter, cb, ctype, data, rec, latency) -> dict[str, Any]:
        late = self.interaction_ack_deadline is not None and latency > self.interaction_ack_deadline
        if inter.expired or late:
            raise ApiError(404, 10062, "Unknown interaction")
        if inter.acknowledged:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        allowed = {
            P.INTERACTION_APPLICATION_COMMAND: {4, 5, 9, 12},
            P.INTERACTION_MESSAGE_COMPONENT: {4, 5, 6, 7, 9, 12},
            P.INTERACTION_MODAL_SUBMIT: {4, 5, 6, 7} if inter.source_message_id else {4, 5},
            P.INTERACTION_AUTOCOMPLETE: {8},
        }[inter.type]
        if ctype not in allowed:
            raise ApiError(
                400, 50035, f"Interaction callback type {ctype} is not valid for interaction type {inter.type}"
            )
        flags = int(data.get("flags") or 0)
        info: dict[str, Any] = {"id": str(inter.id), "type": inter.type}
        resource: dict[str, Any] = {"type": ctype}
        if ctype in (P.CALLBACK_CHANNEL_MESSAGE, P.CALLBACK_DEFERRED_CHANNEL_MESSAGE):
            # the original response: the message itself, or (deferred) a "thinking…" placeholder
            loading = ctype == P.CALLBACK_DEFERRED_CHANNEL_MESSAGE
            mtype = P.MSG_CHAT_INPUT_COMMAND if inter.type == P.INTERACTION_APPLICATION_COMMAND else P.MSG_DEFAULT
            if loading:
                msg = self._bot_message(inter.channel, {}, [], type_=mtype, interaction=inter,
                                        flags=P.FLAG_LOADING | (flags & P.FLAG_EPHEMERAL))
                inter.deferred_pending = True
            else:
                self._validate_message(data, creating=True, files=rec.files)
                msg = self._bot_message(inter.channel, data, rec.files, type_=mtype, interaction=inter)
            self._store_message(msg, inter.channel)
            inter.original_message_id = int(msg["id"])
            cb.message = msg
            info.update(
                response_message_id=msg["id"],
                response_message_loading=loading,
                response_message_ephemeral=bool(flags & P.FLAG_EPHEMERAL),
            )
            resource["message"] = self._public(msg)
        elif ctype in (P.CALLBACK_DEFERRED_UPDATE_MESSAGE, P.CALLBACK_UPDATE_MESSAGE):
            target = self.messages.get(inter.source_message_id or 0)
            if target is None:
                raise ApiError(404, 10008, "Unknown Message")
            if ctype == P.CALLBACK_UPDATE_MESSAGE:
                self._validate_message(data, creating=False, files=rec.files)
                self._apply_edit(target, data, rec.files)
                cb.message = target
            inter.original_message_id = int(target["id"])
            info.update(
                response_message_id=target["id"],
                response_message_loading=False,
                response_message_ephemeral=bool(int(target.get("flags", 0)) & P.FLAG_EPHEMERAL),
            )
            resource["message"] = self._public(target)
        elif ctype == P.CALLBACK_MODAL:
            errors = {}
            if not data.get("custom_id"):
                errors["data.custom_id"] = "This field is required"
            if not 1 <= len(data.get("title") or "") <= 45:
                errors["data.title"] = "Must be between 1 and 45 in length."
            if not 1 <= len(data.get("components") or []) <= 5:
                errors["data.components"] = "Must be between 1 and 5 in length."
            if errors:
                raise _form_error(errors)
        elif ctype == P.CALLBACK_AUTOCOMPLETE_RESULT:
            choices = data.get("choices") or []
            errors = {}
            if len(choices) > 25:
                errors["data.choices"] = "Must be 25 or fewer in length."
            for i, ch in enumerate(choices):
                if not 1 <= len(str(ch.get("name", ""))) <= 100:
                    errors[f"data.choices.{i}.name"] = "Must be between 1 and 100 in length."
            if errors:
                raise _form_error(errors)
        out: dict[str, Any] = {"interaction": info}
        if ctype != P.CALLBACK_AUTOCOMPLETE_RESULT:
            out["resource"] = resource
        return out

    def _webhook_interaction(self, p) -> FakeInteraction:
        inter = self._interactions_by_token.get(unquote(p["token"]))
        if inter is None or int(p["app_id"]) != self.application_id or not inter.acknowledged:
            # Discord only knows the webhook once the interaction was acknowledged
            raise ApiError(404, 10015, "Unknown Webhook")
        return inter

    def _webhook_message(self, inter: FakeInteraction, message_id: str) -> dict[str, Any]:
        mid = inter.original_message_id if message_id == "@original" else int(message_id)
        if mid is None or (
            message_id != "@original" and mid not in inter.followup_ids and mid != inter.original_message_id
        ):
            raise ApiError(404, 10008, "Unknown Message")
        msg = self.messages.get(mid)
        if msg is None:
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    @_route("POST", r"/webhooks/{app_id}/{token}")
    async def _r_followup(self, rec, p):
        inter = self._webhook_interaction(p)
        body = rec.json or {}
        wait = rec.query.get("wait", "0").lower() in ("1", "true")
        if inter.deferred_pending:
            # Discord: the first followup after a type-5 defer fills in the "thinking" message,
            # which keeps the defer's ephemeral-ness.
            self._validate_message(body, creating=True, files=rec.files)
            msg = self.messages[inter.original_message_id]
            keep = int(msg["flags"]) & P.FLAG_EPHEMERAL
            self._apply_edit(msg, {**body, "flags": None}, rec.files)
            msg["flags"] = keep | (int(body.get("flags") or 0) & ~(P.FLAG_EPHEMERAL | P.FLAG_LOADING))
            msg["edited_timestamp"] = None
            inter.deferred_pending = False
            inter.followup_ids.append(int(msg["id"]))
            await self._announce_bot_message(msg, "MESSAGE_UPDATE")
        else:
            self._validate_message(body, creating=True, files=rec.files)
            msg = self._bot_message(inter.channel, body, rec.files, interaction=inter)
            self._store_message(msg, inter.channel)
            inter.followup_ids.append(int(msg["id"]))
            await self._announce_bot_message(msg)
        return (200, self._public(msg)) if wait else (204, None)

    @_route("GET", r"/webhooks/{app_id}/{token}/messages/(?P<message_id>@original|\d+)")
    async def _r_wh_get(self, rec, p):
        inter = self._webhook_interaction(p)
        return 200, self._public(self._webhook_message(inter, p["message_id"]))

    @_route("PATCH", r"/webhooks/{app_id}/{token}/messages/(?P<message_id>@original|\d+)")
    async def _r_wh_edit(self, rec, p):
        inter = self._webhook_interaction(p)
        msg = self._webhook_message(inter, p["message_id"])
        body = rec.json or {}
        self._validate_message(body, creating=False, files=rec.files)
        was_loading = int(msg.get("flags", 0)) & P.FLAG_LOADING
        self._apply_edit(msg, body, rec.files)
        if was_loading and int(msg["id"]) == inter.original_message_id:
            msg["flags"] = int(msg["flags"]) & ~P.FLAG_LOADING
            inter.deferred_pending = False
        await self._announce_bot_message(msg, "MESSAGE_UPDATE")
        return 200, self._public(msg)

    @_route("DELETE", r"/webhooks/{app_id}/{token}/messages/(?P<message_id>@original|\d+)")
    async def _r_wh_delete(self, rec, p):
        inter = self._webhook_interaction(p)
        msg = self._webhook_message(inter, p["message_id"])
        await self._delete_message(msg)
        return 204, None

    # channels & messages --------------------------------------------------------

    @_route("GET", r"/channels/{channel_id}")
    async def _r_get_channel(self, rec, p):
        return 200, self._channel(p["channel_id"]).payload()

    @_route("PATCH", r"/channels/{channel_id}")
    async def _r_edit_channel(self, rec, p):
        ch = self._channel(p["channel_id"])
        body = rec.json or {}
        for key in ("name", "topic", "archived", "locked", "auto_archive_duration", "rate_limit_per_user", "nsfw"):
            if key in body:
                setattr(ch, key, body[key])
        if ch.guild_id is not None:
            event = "THREAD_UPDATE" if ch.is_thread else "CHANNEL_UPDATE"
            await self._maybe_dispatch(event, ch.payload(), guild_id=ch.guild_id)
        return 200, ch.payload()

    @_route("DELETE", r"/channels/{channel_id}")
    async def _r_delete_channel(self, rec, p):
        ch = self._channel(p["channel_id"])
        payload = ch.payload()
        if ch.guild_id is not None:
            self.guilds[ch.guild_id].channels.pop(ch.id, None)
            del self.channels[ch.id]
            event = "THREAD_DELETE" if ch.is_thread else "CHANNEL_DELETE"
            await self._maybe_dispatch(event, payload, guild_id=ch.guild_id)
        return 200, payload

    @_route("GET", r"/channels/{channel_id}/messages")
    async def _r_history(self, rec, p):
        ch = self._channel(p["channel_id"])
        limit = int(rec.query.get("limit", 50))
        ids = [i for i in self._channel_messages.get(ch.id, []) if i in self.messages]
        ids = [i for i in ids if not int(self.messages[i].get("flags", 0)) & P.FLAG_EPHEMERAL]
        if "before" in rec.query:
            ids = [i for i in ids if i < int(rec.query["before"])]
        if "after" in rec.query:
            ids = [i for i in ids if i > int(rec.query["after"])][:limit]
            return 200, [self._public(self.messages[i]) for i in reversed(ids)]
        ids = ids[-limit:]
        return 200, [self._public(self.messages[i]) for i in reversed(ids)]  # newest first

    @_route("POST", r"/channels/{channel_id}/messages")
    async def _r_create_message(self, rec, p):
        ch = self._channel(p["channel_id"])
        if ch.is_dm and ch.recipient is not None and not ch.recipient.accepts_dms:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        if ch.is_thread and ch.locked:
            raise ApiError(403, 50083, "Thread is archived")
        body = rec.json or {}
        self._validate_message(body, creating=True, files=rec.files)
        if ch.archived:
            ch.archived = False  # sending un-archives a thread
        msg = self._bot_message(ch, body, rec.files)
        self._store_message(msg, ch)
        await self._announce_bot_message(msg)
        return 200, self._public(msg)

    @_route("GET", r"/channels/{channel_id}/messages/{message_id}")
    async def _r_get_message(self, rec, p):
        ch = self._channel(p["channel_id"])
        return 200, self._public(self._stored_message(ch, p["message_id"]))

    @_route("PATCH", r"/channels/{channel_id}/messages/{message_id}")
    async def _r_edit_message(self, rec, p):
        ch = self._channel(p["channel_id"])
        msg = self._stored_message(ch, p["message_id"])
        body = rec.json or {}
        if int(msg["author"]["id"]) != self.bot_user.id and set(body) - {"flags"}:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self._validate_message(body, creating=False, files=rec.files)
        self._apply_edit(msg, body, rec.files)
        await self._announce_bot_message(msg, "MESSAGE_UPDATE")
        return 200, self._public(msg)

    async def _delete_message(self, msg: dict[str, Any]) -> None:
        mid = int(msg["id"])
        self.messages.pop(mid, None)
        self.deleted_messages.append(msg)
        msg["_fake_deleted_at"] = time.monotonic()
        if not int(msg.get("flags", 0)) & P.FLAG_EPHEMERAL and self.dispatch_own_messages:
            gid = int(msg["guild_id"]) if "guild_id" in msg else None
            data = {"id": msg["id"], "channel_id": msg["channel_id"]}
            if gid is not None:
                data["guild_id"] = str(gid)
            intent = P.INTENT_GUILD_MESSAGES if gid else P.INTENT_DIRECT_MESSAGES
            await self._maybe_dispatch("MESSAGE_DELETE", data, guild_id=gid, intent=intent)

    @_route("DELETE", r"/channels/{channel_id}/messages/{message_id}")
    async def _r_delete_message(self, rec, p):
        ch = self._channel(p["channel_id"])
        msg = self._stored_message(ch, p["message_id"])
        await self._delete_message(msg)
        return 204, None

    @staticmethod
    def _emoji(raw: str) -> dict[str, Any]:
        text = unquote(raw)
        if ":" in text:
            name, _, eid = text.partition(":")
            return {"id": eid, "name": name}
        return {"id": None, "name": text}

    @_route("PUT", r"/channels/{channel_id}/messages/{message_id}/reactions/(?P<emoji>[^/]+)/@me")
    async def _r_add_reaction(self, rec, p):
        ch = self._channel(p["channel_id"])
        msg = self._stored_message(ch, p["message_id"])
        emoji = self._emoji(p["emoji"])
        reactions = msg.setdefault("reactions", [])
        entry = next((r for r in reactions if r["emoji"] == emoji), None)
        if entry is None:
            reactions.append({"emoji": emoji, "count": 1, "me": True, "_fake_users": [self.bot_user.id]})
        elif self.bot_user.id not in entry["_fake_users"]:
            entry["_fake_users"].append(self.bot_user.id)
            entry["count"] += 1
            entry["me"] = True
        return 204, None

    @_route("DELETE", r"/channels/{channel_id}/messages/{message_id}/reactions/(?P<emoji>[^/]+)/(?P<user>@me|\d+)")
    async def _r_remove_reaction(self, rec, p):
        ch = self._channel(p["channel_id"])
        msg = self._stored_message(ch, p["message_id"])
        emoji = self._emoji(p["emoji"])
        uid = self.bot_user.id if p["user"] == "@me" else int(p["user"])
        for entry in list(msg.get("reactions", [])):
            if entry["emoji"] == emoji and uid in entry["_fake_users"]:
                entry["_fake_users"].remove(uid)
                entry["count"] -= 1
                entry["me"] = self.bot_user.id in entry["_fake_users"]
                if entry["count"] == 0:
                    msg["reactions"].remove(entry)
        return 204, None

    @_route("DELETE", r"/channels/{channel_id}/messages/{message_id}/reactions(?:/(?P<emoji>[^/]+))?")
    async def _r_clear_reactions(self, rec, p):
        ch = self._channel(p["channel_id"])
        msg = self._stored_message(ch, p["message_id"])
        if p.get("emoji"):
            emoji = self._emoji(p["emoji"])
            msg["reactions"] = [r for r in msg.get("reactions", []) if r["emoji"] != emoji]
        else:
            msg["reactions"] = []
        return 204, None

    def reactions_on(self, message: dict[str, Any] | int | str) -> list[str]:
        """Emoji (``name`` or ``name:id``) the bot reacted with on a message."""
        msg = self.messages.get(_id_of(message)) or {}
        out = []
        for r in msg.get("reactions", []):
            if self.bot_user.id in r.get("_fake_users", []):
                e = r["emoji"]
                out.append(f"{e['name']}:{e['id']}" if e.get("id") else e["name"])
        return out

    async def _new_thread(
        self, parent: FakeChannel, name: str, type_: int, body: dict[str, Any], id: int | None = None
    ) -> FakeChannel:
        if parent.guild_id is None or parent.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if not 1 <= len(name or "") <= 100:
            raise _form_error({"name": "Must be between 1 and 100 in length."})
        thread = FakeChannel(
            id=id or self._snowflake(),
            type=type_,
            name=name,
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=self.bot_user.id,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
            rate_limit_per_user=int(body.get("rate_limit_per_user") or 0),
        )
        self._add_channel(thread)
        return thread

    async def _announce_thread(self, thread: FakeChannel) -> dict[str, Any]:
        payload = thread.payload()
        event = {
            **payload,
            "newly_created": True,
            "member": {
                "id": str(thread.id),
                "user_id": str(self.bot_user.id),
                "join_timestamp": thread.created_at,
                "flags": 0,
            },
        }
        await self._maybe_dispatch("THREAD_CREATE", event, guild_id=thread.guild_id)
        return payload

    @_route("POST", r"/channels/{channel_id}/messages/{message_id}/threads")
    async def _r_thread_from_message(self, rec, p):
        parent = self._channel(p["channel_id"])
        msg = self._stored_message(parent, p["message_id"])
        if int(msg["id"]) in self.channels:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        body = rec.json or {}
        ttype = P.ANNOUNCEMENT_THREAD if parent.type == 5 else P.PUBLIC_THREAD
        thread = await self._new_thread(parent, body.get("name", ""), ttype, body, id=int(msg["id"]))
        msg["flags"] = int(msg.get("flags", 0)) | (1 << 5)  # HAS_THREAD
        msg["thread"] = thread.payload()
        payload = await self._announce_thread(thread)
        return 201, payload

    @_route("POST", r"/channels/{channel_id}/threads")
    async def _r_thread(self, rec, p):
        parent = self._channel(p["channel_id"])
        body = rec.json or {}
        if parent.type == P.GUILD_FORUM:
            starter = body.get("message") or {}
            self._validate_message(starter, creating=True, files=rec.files)
            thread = await self._new_thread(parent, body.get("name", ""), P.PUBLIC_THREAD, body)
            msg = self._bot_message(thread, starter, rec.files)
            msg["id"] = str(thread.id)  # forum posts: starter message id == thread id
            self._store_message(msg, thread)
            payload = await self._announce_thread(thread)
            await self._announce_bot_message(msg)
            return 201, {**payload, "message": self._public(msg)}
        ttype = int(body.get("type") or P.PRIVATE_THREAD)
        thread = await self._new_thread(parent, body.get("name", ""), ttype, body)
        payload = await self._announce_thread(thread)
        return 201, payload

    # guilds --------------------------------------------------------------------

    def _guild(self, guild_id: str | int) -> FakeGuild:
        guild = self.guilds.get(int(guild_id))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    @_route("GET", r"/guilds/{guild_id}")
    async def _r_get_guild(self, rec, p):
        data = self._guild(p["guild_id"]).payload(include_members=False)
        for key in ("channels", "threads", "members", "voice_states", "presences", "joined_at", "member_count"):
            data.pop(key, None)
        return 200, data

    @_route("GET", r"/guilds/{guild_id}/channels")
    async def _r_guild_channels(self, rec, p):
        guild = self._guild(p["guild_id"])
        return 200, [c.payload() for c in guild.channels.values() if not c.is_thread]

    @_route("GET", r"/guilds/{guild_id}/roles")
    async def _r_guild_roles(self, rec, p):
        return 200, [r.payload() for r in self._guild(p["guild_id"]).roles.values()]

    @_route("GET", r"/guilds/{guild_id}/members/{user_id}")
    async def _r_get_member(self, rec, p):
        guild = self._guild(p["guild_id"])
        member = guild.members.get(int(p["user_id"]))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return 200, member.payload()

    async def _member_role(self, p, add: bool):
        guild = self._guild(p["guild_id"])
        member = guild.members.get(int(p["user_id"]))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        rid = int(p["role_id"])
        if rid not in guild.roles:
            raise ApiError(404, 10011, "Unknown Role")
        if add and rid not in member.roles:
            member.roles.append(rid)
        elif not add and rid in member.roles:
            member.roles.remove(rid)
        data = {**member.payload(), "guild_id": str(guild.id)}
        await self._maybe_dispatch("GUILD_MEMBER_UPDATE", data, guild_id=guild.id, intent=P.INTENT_GUILD_MEMBERS)
        return 204, None

    @_route("PUT", r"/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
    async def _r_add_member_role(self, rec, p):
        return await self._member_role(p, True)

    @_route("DELETE", r"/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
    async def _r_remove_member_role(self, rec, p):
        return await self._member_role(p, False)


# --------------------------------------------------------------------------------------------
# Running a bot against the fake
# --------------------------------------------------------------------------------------------


async def poll_until(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll a condition nothing notifies us of (another process's log, a file) until it is truthy;
    ``timeout`` is a hang guard, not a limit on how fast it must happen."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (result := predicate()):
        if loop.time() > deadline:
            raise TimeoutError(f"no {what} within {timeout}s")
        await asyncio.sleep(0.02)
    return result


@contextlib.asynccontextmanager
async def running_bot(
    bot: Any, fake: FakeDiscord, *, token: str | None = None, timeout: float = 10.0
) -> AsyncIterator[Any]:
    """``async with running_bot(bot, fake): ...`` -- start ``bot`` against a started ``fake``,
    wait until discord.py dispatched ``on_ready``, and on exit ``bot.close()`` and await the
    ``start()`` task (re-raising anything it raised).  Fails fast if start-up crashes."""
    if fake.port is None:
        raise RuntimeError("start the fake first (await fake.start())")
    task = asyncio.create_task(bot.start(token or fake.token or "fake-bot-token"), name="fakediscord-bot")
    ready = asyncio.create_task(bot.wait_until_ready())
    try:
        done, _ = await asyncio.wait({task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()  # raises the start-up error
            raise RuntimeError("bot.start() returned before the bot became ready")
        if ready not in done:
            raise TimeoutError(f"bot not ready within {timeout}s\n{fake.describe()}")
        yield bot
    finally:
        ready.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ready
        if not bot.is_closed():
            await bot.close()
        if not task.done():
            try:
                await asyncio.wait_for(task, timeout)
            except TimeoutError:
                task.cancel()
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise task.exception()
