"""The fake Discord drives a real discord.py 2.7 bot end to end on loopback."""

from __future__ import annotations

import asyncio
import io
import logging

import aiohttp
import discord  # noqa: TID251 - these tests exercise the Discord layer
import pytest
from discord import app_commands  # noqa: TID251
from discord.ext import commands  # noqa: TID251

from tests.fakediscord import FakeDiscord, point_discordpy_at, running_bot

BOT_ID = 111_000_000_000_000_001
APP_ID = 111_000_000_000_000_002


async def poll_until(predicate, timeout: float = 10.0) -> None:
    """Poll a condition with a deadline (a condition the fake Discord is not notified of)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


class ProbeBot(commands.Bot):
    """A tiny bot covering the shapes prepbot uses: defer+followup, view, DM echo, modal, threads."""

    def __init__(self, **kw):
        intents = discord.Intents.default()
        intents.message_content = True
        intents.members = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.05, **kw)
        self.tree_errors: list[BaseException] = []
        self.clicks: list[tuple[int, str]] = []
        self.modal_answers: list[str] = []
        self.events: list[str] = []
        self.synced: list[app_commands.AppCommand] = []

        @self.tree.error
        async def on_app_command_error(interaction: discord.Interaction, error: app_commands.AppCommandError):
            self.tree_errors.append(error)

        @self.tree.command(name="quiz", description="Defer, then send a question embed")
        @app_commands.describe(topic="what to be quizzed on", count="how many")
        async def quiz(interaction: discord.Interaction, topic: str, count: int = 1):
            await interaction.response.defer(thinking=True)
            await asyncio.sleep(0.01)  # "retrieval"
            embed = discord.Embed(title=f"Quiz: {topic}", description=f"{count} question(s)")
            embed.add_field(name="Q1", value=f"Explain {topic}.")
            await interaction.followup.send(embed=embed)

        bot = self

        class NextView(discord.ui.View):
            @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
            async def next_(self, interaction: discord.Interaction, button: discord.ui.Button):
                bot.clicks.append((interaction.user.id, button.custom_id))
                await interaction.response.edit_message(content="Card 2", view=self)

            @discord.ui.button(label="Answer")
            async def answer(self, interaction: discord.Interaction, button: discord.ui.Button):
                await interaction.response.send_modal(AnswerModal())

        class AnswerModal(discord.ui.Modal, title="Your answer"):
            answer = discord.ui.TextInput(label="Answer", custom_id="answer_text")
            confidence = discord.ui.Label(
                text="Confidence",
                component=discord.ui.Select(options=[discord.SelectOption(label=x) for x in ("low", "high")]),
            )

            async def on_submit(self, interaction: discord.Interaction):
                bot.modal_answers.append(self.answer.value)
                bot.modal_answers.append(self.confidence.component.values[0])
                await interaction.response.send_message("graded", ephemeral=True)

        @self.tree.command(name="card", description="Respond immediately with a view")
        async def card(interaction: discord.Interaction):
            await interaction.response.send_message("Card 1", view=NextView(timeout=None))

        role = app_commands.Group(name="role", description="Target role")

        @role.command(name="set", description="Set your target role")
        async def role_set(interaction: discord.Interaction, name: str, who: discord.Member | None = None):
            target = who or interaction.user
            await interaction.response.send_message(f"{target.id}:{name}", ephemeral=True)

        @role_set.autocomplete("name")
        async def role_auto(interaction: discord.Interaction, current: str):
            return [app_commands.Choice(name=r, value=r) for r in ("MLE", "Research Scientist") if current in r]

        self.tree.add_command(role)

        class PickView(discord.ui.View):
            @discord.ui.select(custom_id="level", options=[discord.SelectOption(label=x) for x in ("easy", "hard")])
            async def level(self, interaction: discord.Interaction, select: discord.ui.Select):
                bot.clicks.append((interaction.user.id, f"level={select.values[0]}"))
                await interaction.response.defer()  # type 6: acknowledge, no visible change

        @self.tree.command(name="notes", description="Reply with a file, then an ephemeral followup with a file")
        async def notes(interaction: discord.Interaction):
            await interaction.response.send_message(
                "notes", file=discord.File(io.BytesIO(b"# notes"), filename="notes.md"), view=PickView(timeout=60)
            )
            await interaction.followup.send(
                "just for you", ephemeral=True, file=discord.File(io.BytesIO(b"secret"), filename="s.txt")
            )

        @self.tree.command(name="discuss", description="Open a thread for a question")
        async def discuss(interaction: discord.Interaction):
            await interaction.response.send_message("Let's discuss")
            msg = await interaction.original_response()
            thread = await msg.create_thread(name="discussion")
            await thread.send("thread opened")

    async def setup_hook(self) -> None:
        self.synced = await self.tree.sync()

    async def before_identify_hook(self, shard_id, *, initial=False) -> None:
        return  # discord.py sleeps 5 s before every non-initial IDENTIFY; not in tests

    async def on_message(self, message: discord.Message) -> None:
        if message.author.id == self.user.id:
            return
        if message.guild is None:
            await message.channel.send(f"echo: {message.content}")
        elif self.user in message.mentions:
            await message.reply("you rang?")

    async def on_resumed(self) -> None:
        self.events.append("resumed")

    async def on_thread_create(self, thread: discord.Thread) -> None:
        self.events.append(f"thread:{thread.name}")


@pytest.fixture
async def fake():
    fake = FakeDiscord(bot_user_id=BOT_ID, application_id=APP_ID, token="fake-token")
    fake.guild = fake.add_guild(name="Prep Guild")
    fake.channel = fake.add_text_channel(fake.guild, name="general")
    fake.user = fake.add_user(name="ada")
    fake.add_member(fake.guild, fake.user, permissions="2147486720")
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def bot(fake, caplog):
    caplog.set_level(logging.WARNING)
    bot = ProbeBot()
    async with running_bot(bot, fake):
        yield bot
    assert bot.tree_errors == []
    assert fake.errors == [], fake.describe()
    # view / event-handler exceptions are only logged by discord.py
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR or r.name.startswith("discord.gateway")]
    assert problems == [], [r.getMessage() for r in problems]


async def test_login_identify_and_guild_cache(fake, bot):
    identify = await fake.wait_until_identified()
    assert identify["token"] == "fake-token"
    assert identify["intents"] == bot.intents.value
    assert fake.requests_matching("GET", "/users/@me")
    assert fake.requests_matching("GET", "/oauth2/applications/@me")
    assert bot.user.id == BOT_ID and bot.application_id == APP_ID
    guild = bot.get_guild(fake.guild.id)
    assert guild is not None and guild.name == "Prep Guild"
    assert guild.chunked and guild.get_member(fake.user.id).name == "ada"
    assert guild.get_channel(fake.channel.id).name == "general"
    assert guild.me.guild_permissions.administrator
    # a guild added later is announced with GUILD_CREATE
    later = fake.add_guild("Later Guild")
    await fake.announce_guild(later)
    await poll_until(lambda: bot.get_guild(later.id) is not None)
    assert bot.get_guild(later.id).name == "Later Guild"
    # the connection used the gateway query discord.py builds; frames were plain JSON text
    assert fake.connections[0].query["encoding"] == "json"
    assert fake.connections[0].query["v"] == "10"
    assert (1 in [op for _, d, op in fake.gateway_log if d == "recv"]) and any(
        d == "send" and op == 11 for _, d, op in fake.gateway_log
    )  # heartbeat answered


async def test_sync_registers_commands(fake, bot):
    req = await fake.wait_for_request("PUT", rf"/applications/{APP_ID}/commands")
    names = {"quiz", "card", "role", "discuss", "notes"}
    assert {c["name"] for c in req.json} == names
    assert {c.name for c in bot.synced} == names
    assert all(c.id for c in bot.synced)
    by_name = {c["name"]: c for c in fake.registered_commands()}
    assert [o["name"] for o in by_name["role"]["options"]] == ["set"]
    # guild sync variant
    guild_cmds = await bot.tree.sync(guild=discord.Object(fake.guild.id))
    assert guild_cmds == []
    assert fake.requests_matching("PUT", rf"/applications/{APP_ID}/guilds/{fake.guild.id}/commands")


async def test_defer_then_followup_with_embed(fake, bot):
    interaction = await fake.send_slash_command("quiz", {"topic": "attention", "count": 2}, user=fake.user)
    cb = await fake.wait_for_interaction_response(interaction, timeout=3)
    assert cb.type == 5 and cb.accepted
    assert cb.latency < 3.0 and interaction.ack_latency == cb.latency
    followup = await fake.wait_for_followup(interaction)
    assert followup["embeds"][0]["title"] == "Quiz: attention"
    assert followup["embeds"][0]["description"] == "2 question(s)"
    assert followup["embeds"][0]["fields"][0]["value"] == "Explain attention."
    # the followup filled in the "thinking" message rather than adding a second one
    assert int(followup["id"]) == interaction.original_message_id
    posted = fake.messages_in(fake.channel)
    assert len(posted) == 1 and posted[0]["flags"] == 0
    req = fake.requests_matching("POST", rf"/webhooks/{APP_ID}/[^/]+")[0]
    assert req.query["wait"] == "1"


async def test_view_button_reaches_callback(fake, bot):
    interaction = await fake.send_slash_command("card", user=fake.user)
    cb = await fake.wait_for_interaction_response(interaction)
    assert cb.type == 4 and cb.content == "Card 1"
    message = await fake.wait_for_response_message(interaction)
    assert [c["label"] for c in message["components"][0]["components"]] == ["Next", "Answer"]

    click = await fake.send_component_click(message, label="Next", user=fake.user)
    cb2 = await fake.wait_for_interaction_response(click)
    assert cb2.type == 7 and cb2.data["content"] == "Card 2"
    assert bot.clicks and bot.clicks[0][0] == fake.user.id
    assert fake.message(message["id"])["content"] == "Card 2"


async def test_modal_roundtrip(fake, bot):
    interaction = await fake.send_slash_command("card")
    message = await fake.wait_for_response_message(interaction)
    click = await fake.send_component_click(message, label="Answer")
    modal = await fake.wait_for_interaction_response(click)
    assert modal.type == 9 and modal.data["title"] == "Your answer"
    assert [c["type"] for c in modal.data["components"]] == [1, 18]  # action row + label
    submit = await fake.send_modal_submit(click, {"Answer": "softmax(QK^T)V", "Confidence": ["high"]})
    cb = await fake.wait_for_interaction_response(submit)
    assert cb.type == 4 and cb.ephemeral and cb.content == "graded"
    assert bot.modal_answers == ["softmax(QK^T)V", "high"]
    with pytest.raises(LookupError):
        await fake.send_modal_submit(click, {"no such input": "x"})


async def test_files_select_and_ephemeral_followup(fake, bot):
    interaction = await fake.send_slash_command("notes")
    cb = await fake.wait_for_interaction_response(interaction)
    assert cb.type == 4 and cb.files[0].filename == "notes.md" and cb.files[0].data == b"# notes"
    followup = await fake.wait_for_followup(interaction)
    assert followup["flags"] & 64 and followup["attachments"][0]["filename"] == "s.txt"
    public, private = fake.messages_in(fake.channel)
    assert public["attachments"][0]["filename"] == "notes.md"
    assert fake.messages_in(fake.channel, include_ephemeral=False) == [public]

    pick = await fake.send_component_click(public, "level", values=["hard"])
    cb = await fake.wait_for_interaction_response(pick)
    assert cb.type == 6 and bot.clicks == [(fake.user.id, "level=hard")]
    with pytest.raises(LookupError):
        await fake.send_component_click(public, label="no such button")


async def test_subcommand_member_option_and_autocomplete(fake, bot):
    other = fake.add_user("grace")
    fake.add_member(fake.guild, other)
    interaction = await fake.send_slash_command("role set", {"name": "MLE", "who": other}, user=fake.user)
    cb = await fake.wait_for_interaction_response(interaction)
    assert cb.type == 4 and cb.ephemeral and cb.content == f"{other.id}:MLE"
    assert interaction.payload["data"]["options"][0]["type"] == 1  # subcommand

    ac = await fake.send_autocomplete("role", {"name": "Res"}, focused="name", subcommand="set")
    cb = await fake.wait_for_interaction_response(ac)
    assert cb.type == 8 and [c["name"] for c in cb.choices] == ["Research Scientist"]

    with pytest.raises(LookupError):
        await fake.send_slash_command("nope")


async def test_dm_echo(fake, bot):
    await fake.send_dm(fake.user, "hello bot")
    dm = fake.dm_channel_for(fake.user)
    reply = await fake.wait_for_bot_message(dm)
    assert reply["content"] == "echo: hello bot"
    assert fake.messages_in(dm)[0]["content"] == "echo: hello bot"
    assert fake.requests_matching("POST", rf"/channels/{dm.id}/messages")

    # slash commands work in the bot DM too (interaction carries `user` + a type-1 channel)
    interaction = await fake.send_slash_command("quiz", {"topic": "dm"}, user=fake.user, dm=True)
    followup = await fake.wait_for_followup(interaction)
    assert int(followup["channel_id"]) == dm.id and "guild_id" not in followup
    assert "member" not in interaction.payload and interaction.payload["channel"]["type"] == 1


async def test_guild_mention_reply_and_thread(fake, bot):
    await fake.send_message(fake.channel, fake.user, "are you there", mention_bot=True)
    reply = await fake.wait_for_bot_message(fake.channel)
    assert reply["content"] == "you rang?" and reply["type"] == 19

    interaction = await fake.send_slash_command("discuss")
    msg = await fake.wait_for_bot_message(predicate=lambda m: m["content"] == "thread opened")
    thread = fake.channels[int(msg["channel_id"])]
    assert thread.is_thread and thread.name == "discussion" and thread.id == interaction.original_message_id
    await poll_until(lambda: "thread:discussion" in bot.events)
    assert bot.get_channel(thread.id) is not None


async def test_resume_after_drop_and_reconnect(fake, bot):
    await fake.drop_connection(code=4000)
    await fake.wait_until_resumed(timeout=5)
    assert len(fake.identifies) == 1 and len(fake.resumes) == 1
    assert fake.connections[-1].path == "/resume/"  # used READY.resume_gateway_url
    interaction = await fake.send_slash_command("card")
    cb = await fake.wait_for_interaction_response(interaction, timeout=3)
    assert cb.type == 4 and cb.latency < 3.0

    await fake.send_reconnect()
    await fake.wait_until_resumed(timeout=5)
    assert len(fake.resumes) == 2 and len(fake.identifies) == 1
    interaction = await fake.send_slash_command("quiz", {"topic": "rlhf"})
    assert (await fake.wait_for_followup(interaction))["embeds"][0]["title"] == "Quiz: rlhf"
    await poll_until(lambda: bot.events.count("resumed") >= 2)
    assert bot.events.count("resumed") == 2


async def test_events_while_disconnected_are_replayed(fake, bot):
    # Hold the reconnect until the interaction is queued: make the fake refuse nothing but
    # dispatch while the socket is down; the RESUME replays it.
    await fake.drop_connection(code=4000)
    interaction = await fake.send_slash_command("card")
    await fake.wait_until_resumed()
    cb = await fake.wait_for_interaction_response(interaction, timeout=3)
    assert cb.type == 4
    assert [e for _, e in fake.replayed_events] == ["INTERACTION_CREATE"]


async def test_invalid_session_reidentifies(fake, bot):
    await fake.invalidate_session()
    await fake.wait_until_identified(count=2)
    assert fake.connections[-1].path == "/"  # a fresh session goes to the default gateway
    interaction = await fake.send_slash_command("card")
    assert (await fake.wait_for_interaction_response(interaction)).type == 4


async def test_thread_endpoints(fake):
    forum = fake.add_forum_channel(fake.guild, "questions")
    created: list[str] = []
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)

    @client.event
    async def on_thread_create(thread):
        created.append(thread.name)

    async with running_bot(client, fake):
        channel = client.get_channel(fake.channel.id)
        private = await channel.create_thread(name="1:1 review")
        public = await channel.create_thread(name="study group", type=discord.ChannelType.public_thread)
        starter = await channel.send("starter")
        from_msg = await starter.create_thread(name="from message")
        post = await client.get_channel(forum.id).create_thread(name="What is RLHF?", content="discuss")
        fetched = await client.fetch_channel(public.id)
        await private.send("hello thread")
        await poll_until(lambda: len(created) == 4)
    assert private.type is discord.ChannelType.private_thread and private.parent_id == fake.channel.id
    assert fetched.name == "study group" and from_msg.id == starter.id
    assert post.thread.id == post.message.id and post.message.content == "discuss"
    assert sorted(created) == sorted(["1:1 review", "study group", "from message", "What is RLHF?"])
    assert fake.messages_in(private.id)[0]["content"] == "hello thread"
    assert fake.errors == []


async def test_late_and_double_acknowledgement_are_rejected(fake):
    seen: list[str] = []
    expired = asyncio.Event()  # set once the fake has declared the "slow" interaction's window over

    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    tree = app_commands.CommandTree(client)

    @tree.command(name="slow", description="too slow")
    async def slow(interaction: discord.Interaction):
        await expired.wait()
        try:
            await interaction.response.send_message("late")
        except discord.NotFound as exc:
            seen.append(f"late:{exc.code}")

    @tree.command(name="twice", description="acks twice")
    async def twice(interaction: discord.Interaction):
        await interaction.response.defer()
        try:
            await interaction.followup.send("ok")
            await interaction.edit_original_response(content="edited")
            await interaction.followup.send("x" * 2001)
        except discord.HTTPException as exc:
            seen.append(f"long:{exc.code}")

    async with running_bot(client, fake):
        i1 = await fake.send_slash_command("slow")
        fake.expire_interaction(i1)
        expired.set()
        cb = await fake.wait_for_interaction_response(i1)
        assert not cb.accepted and cb.status == 404
        i2 = await fake.send_slash_command("twice")
        await fake.wait_for_request("POST", r"/webhooks/\d+/[^/]+", predicate=lambda r: r.status >= 400)
        assert (await fake.wait_for_response_message(i2))["content"] == "edited"
        await poll_until(lambda: len(seen) == 2)  # both handlers have caught their errors
    assert seen == ["late:10062", "long:50035"]
    # a second acknowledgement is refused like Discord does; errors are exact application/json
    async with aiohttp.ClientSession() as session:
        url = f"{fake.http_base}/interactions/{i2.id}/{i2.token}/callback?with_response=1"
        async with session.post(url, json={"type": 4, "data": {"content": "again"}}) as resp:
            assert resp.status == 400 and resp.headers["Content-Type"] == "application/json"
            assert (await resp.json())["code"] == 40060
    assert [c.accepted for c in i2.callbacks] == [True, False]


async def test_attachments_multipart_and_download(fake):
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    got: list[bytes] = []
    async with running_bot(client, fake):
        channel = client.get_channel(fake.channel.id)
        sent = await channel.send("report", file=discord.File(io.BytesIO(b"hello file"), filename="r.txt"))
        got.append(await sent.attachments[0].read())
        await sent.add_reaction("\N{THUMBS UP SIGN}")
        await sent.edit(content="report v2")
        user = await client.fetch_user(fake.user.id)
        dm = await user.send("psst")
        await dm.delete()
    assert got == [b"hello file"]
    req = fake.requests_matching("POST", rf"/channels/{fake.channel.id}/messages")[0]
    assert req.json["content"] == "report" and req.files[0].filename == "r.txt"
    [msg] = fake.messages_in(fake.channel)
    assert msg["content"] == "report v2" and msg["attachments"][0]["filename"] == "r.txt"
    assert fake.reactions_on(msg) == ["\N{THUMBS UP SIGN}"]
    assert fake.messages_in(fake.dm_channel_for(fake.user)) == []
    assert fake.errors == []


async def test_auto_sharded_client_and_point_helper(fake):
    client = discord.AutoShardedClient(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    async with running_bot(client, fake):
        assert client.shard_count == 1
        guild = client.get_guild(fake.guild.id)
        # without the members intent only the bot's own member is sent, member_count is the truth
        assert guild.member_count == 3 and [m.id for m in guild.members] == [client.user.id]
    assert fake.requests_matching("GET", "/gateway/bot")
    assert fake.identifies[0][1]["shard"] == [0, 1]

    before = discord.http.Route.BASE
    with point_discordpy_at("http://127.0.0.1:1", "ws://127.0.0.1:1/"):
        assert discord.http.Route.BASE == "http://127.0.0.1:1/api/v10"
    assert discord.http.Route.BASE == before


async def test_no_pending_task_warnings(fake, caplog):
    caplog.set_level(logging.ERROR, logger="asyncio")
    bot = ProbeBot()
    async with running_bot(bot, fake):
        interaction = await fake.send_slash_command("quiz", {"topic": "x"})
        await fake.wait_for_followup(interaction)
    assert bot.is_closed()
    await asyncio.sleep(0)
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]
    assert pending == []
    assert "Task was destroyed" not in caplog.text
