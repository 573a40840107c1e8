"""Fake Discord (REST API v10 + WebSocket gateway) on 127.0.0.1 for end-to-end bot tests.

The bot under test runs the *real* discord.py 2.7 client; only the far end is fake.
Everything is in-process on the test's event loop (aiohttp server on port 0), so each
test gets its own fresh Discord.

Quick tour
==========

.. code-block:: python

    from tests.fakediscord import FakeDiscord, running_bot

    fake = FakeDiscord(bot_user_id=..., application_id=...)   # both optional (random snowflakes)
    guild = fake.add_guild(name="Prep")           # bot is a member with a managed role
    channel = fake.add_text_channel(guild, name="general")
    user = fake.add_user(name="ada")
    fake.add_member(guild, user, permissions="2147483648")  # -> interaction member.permissions
    await fake.start()          # binds 127.0.0.1:0 and points discord.py at it (see below)
    fake.http_base, fake.ws_url # "http://127.0.0.1:PORT/api/v10", "ws://127.0.0.1:PORT/"

    bot = commands.Bot(command_prefix="!", intents=..., guild_ready_timeout=0.05)
    async with running_bot(bot, fake):            # start(), wait for on_ready; close() on exit
        await fake.wait_until_identified()        # -> the IDENTIFY payload (fake.intents too)

        i = await fake.send_slash_command("ask", {"topic": "transformers"}, user=user, channel=channel)
        i = await fake.send_slash_command("role set", {"name": "MLE"})      # subcommand (type 1)
        i = await fake.send_slash_command("role", {"name": "MLE"}, subcommand="set")   # same thing
        cb = await fake.wait_for_interaction_response(i, timeout=3)
        cb.type, cb.data, cb.latency, cb.accepted     # 4 message / 5 defer / 6, 7 update / 8 / 9 modal
        i.ack_latency                                 # dispatch -> callback POST, seconds
        msg = await fake.wait_for_followup(i)         # POST /webhooks/{app}/{token}
        msg = await fake.wait_for_response_message(i) # original response once not "thinking"

        click = await fake.send_component_click(msg, label="Next", user=user)   # or custom_id=
        sel = await fake.send_component_click(msg, custom_id="pick", values=["a"])
        ac = await fake.send_autocomplete("ask", {"topic": "tra"}, focused="topic")
        (await fake.wait_for_interaction_response(ac)).choices
        sub = await fake.send_modal_submit(i, {"Answer": "attention"})  # i was answered with a modal;
                                                       # keys = text input custom_id or label

        await fake.send_dm(user, "hi")                # MESSAGE_CREATE in the DM channel (type 1)
        await fake.send_message(channel, user, "hey", mention_bot=True, mentions=[...])
        fake.messages_in(channel)                     # bot's messages (content, embeds, components, flags)
        fake.messages_in(fake.dm_channel_for(user))
        await fake.wait_for_bot_message(channel, predicate=lambda m: "ok" in m["content"])

        await fake.drop_connection(code=4000)         # server-side close -> discord.py RESUMEs
        await fake.send_reconnect()                   # op 7
        await fake.wait_until_resumed()
    await fake.stop()                                 # also undoes the discord.py patch

REST recording
==============

Every REST call is a :class:`RecordedRequest` in ``fake.requests`` (``method``, ``path``
relative to ``/api/v10``, ``query``, ``json`` -- for multipart the parsed ``payload_json`` --,
``files``, ``time`` (``time.monotonic()``), ``status``, ``response``).

* ``fake.requests_matching("POST", r"/channels/\\d+/messages", since=t)`` (path: ``re.fullmatch``)
* ``await fake.wait_for_request("PUT", r"/applications/\\d+/commands", timeout=5)``
* ``fake.errors`` -- requests the fake answered with >= 400.  Assert it is empty.
* ``fake.registered_commands(guild=None)`` -- what ``tree.sync()`` PUT (ids assigned, stable per name).

Faithful bits worth knowing
===========================

* Callback POSTs later than ``interaction_ack_deadline`` (3.0 s) get 404 ``Unknown interaction``
  (10062); a second acknowledgement gets 400 (40060); followups / ``@original`` before any
  acknowledgement get 404 ``Unknown Webhook`` (10015).
* After a type-5 defer the first followup fills in the "thinking" message (same message id,
  keeps the defer's ephemeral flag) -- as on Discord.
* Callback answers are ``{"interaction": {...}, "resource": {"type", "message"}}`` when
  discord.py asks ``?with_response=1`` (it always does), 204 otherwise.
* Message bodies are validated (2000-char content, embed limits, 5 action rows, empty messages
  -> 50006), so a bot that posts too-long LLM output fails here as it would on Discord.
* Intents are enforced: no GUILD_MESSAGES / DIRECT_MESSAGES -> no MESSAGE_CREATE; without
  MESSAGE_CONTENT guild messages arrive with empty content unless they mention the bot; without
  GUILD_MEMBERS, GUILD_CREATE carries only the bot's member.  ``member_count`` is always the
  true count, so with the members intent the guild is already "chunked".
* The bot's own (non-ephemeral) messages come back as MESSAGE_CREATE like on Discord
  (``dispatch_own_messages=False`` to turn off).
* ``FakeUser(accepts_dms=False)`` -> 403 50007 when the bot DMs them.
* Thread creation (``/channels/{id}/threads``, ``/channels/{id}/messages/{mid}/threads``) returns
  the thread and dispatches THREAD_CREATE.  Uploaded attachments are served back over HTTP.
* READY's ``resume_gateway_url`` is ``ws://127.0.0.1:PORT/resume/`` so a test can check that
  discord.py resumed there (``fake.connections[-1].path``).  Events dispatched while the socket is
  down are buffered and replayed on RESUME.

discord.py patching
===================

:func:`point_discordpy_at(base_http_url, ws_url)` sets ``discord.http.Route.BASE`` (used by
the bot HTTP client *and* the webhook/interaction adapter) and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``; it returns a handle with ``undo()`` that
is also a context manager.  ``FakeDiscord.start()`` calls it for you (``patch_discordpy=False``
to opt out) and ``stop()`` undoes it.
"""

from .payloads import (
    ALL_PERMISSIONS,
    DEFAULT_MEMBER_PERMISSIONS,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
)
from .server import (
    CallbackRecord,
    DiscordPyPatch,
    FakeDiscord,
    FakeInteraction,
    RecordedRequest,
    UploadedFile,
    point_discordpy_at,
    poll_until,
    running_bot,
)

__all__ = [
    "ALL_PERMISSIONS",
    "DEFAULT_MEMBER_PERMISSIONS",
    "CallbackRecord",
    "DiscordPyPatch",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeInteraction",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "RecordedRequest",
    "UploadedFile",
    "point_discordpy_at",
    "poll_until",
    "running_bot",
]
