"""Scale-out end to end: two shard processes (here two bots, shard 0 and shard 1 of 2) against one
fake Discord and one shared state database; gateway drops and RECONNECTs; a Chroma server that
stops mid-conversation and comes back."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.core.index import KnowledgeIndex
from bot.core.state import StateUnavailable
from bot.core.store import UNAVAILABLE
from bot.discord_app.bot import ShardedPrepBot
from bot.discord_app.errors import UNEXPECTED
from tests.conftest import SEED_POSTINGS
from tests.discord.harness import (
    ACK_DEADLINE,
    APP_ID,
    BOT_ID,
    TOKEN,
    Clock,
    Harness,
    make_services,
    make_settings,
    monotonic,
    running_prepbot,
)
from tests.fakediscord import ALL_PERMISSIONS, FakeDiscord, FakeGuild, poll_until, running_bot

pytestmark = pytest.mark.asyncio(loop_scope="module")
pytest_plugins = ["tests.servers"]

SHARDS = 2
TOKYO_0900 = datetime(2026, 3, 2, 0, 0, 30, tzinfo=UTC)  # 09:00:30 on 2 March in Tokyo
DAY_ONE = date(2026, 3, 2)
PASSAGE = "diffusion models for recommendation"  # a free question: needs a Chroma query
_next_guild = iter(range(10_000))


def guild_id_on(shard: int) -> int:
    """A guild snowflake that Discord routes to `shard` of `SHARDS`."""
    n = next(_next_guild)
    timestamp = 400_000_000_000 + SHARDS * n + shard
    return (timestamp << 22) | (n & 0xFFF)


@dataclass
class Pair:
    """Two shard processes of one bot: harnesses[k] runs shard k and owns guild k."""

    fake: FakeDiscord
    clock: Clock
    harnesses: list[Harness]
    handled: dict[int, list[int]] = field(default_factory=dict)  # shard -> interaction ids it received
    posted: dict[int, list[str]] = field(default_factory=dict)  # shard -> guild ids it posted a daily question to

    def check(self, since: float) -> None:
        for harness in self.harnesses:
            harness.check_requests(since)


def add_guild(fake: FakeDiscord, shard: int) -> FakeGuild:
    guild = fake.add_guild(name=f"Guild on shard {shard}", id=guild_id_on(shard))
    return guild


@contextlib.asynccontextmanager
async def running_pair(seeded_index: KnowledgeIndex, tmp_path: Path, database_url: str,
                       scheduler_interval: float = 0.05) -> AsyncIterator[Pair]:
    """ShardedPrepBot shard 0 and shard 1 (of 2), each with its own data folder, one state database."""
    fake = FakeDiscord(bot_user_id=BOT_ID, application_id=APP_ID, token=TOKEN)
    clock = Clock()
    admin = fake.add_user("admin")
    pair = Pair(fake, clock, [])
    bots = []
    for shard in range(SHARDS):
        guild = add_guild(fake, shard)
        channel = fake.add_text_channel(guild, name="general")
        study = fake.add_text_channel(guild, name="study")
        fake.add_member(guild, admin, permissions=ALL_PERMISSIONS)
        settings = make_settings(tmp_path / f"shard{shard}", DATABASE_URL=database_url,
                                 PREPBOT_RATE_LIMIT_PER_MINUTE=100)
        bot = ShardedPrepBot(make_services(settings, seeded_index), clock=clock, scheduler_interval=scheduler_interval,
                             shard_count=SHARDS, shard_ids=[shard], guild_ready_timeout=0.05)
        harness = Harness(fake, bot, clock, guild, channel, study, admin)
        bot.error_listeners.append(harness.record_error)
        bot.add_listener(harness.on_message_handled, "on_message_handled")
        pair.harnesses.append(harness)
        pair.handled[shard] = []
        pair.posted[shard] = []
        bot.add_listener(_recorder(pair.handled[shard]), "on_interaction")
        bots.append(bot)
    await fake.start()
    try:
        async with running_bot(bots[0], fake, timeout=60), running_bot(bots[1], fake, timeout=60):
            for shard, harness in enumerate(pair.harnesses):  # connected first; services and cogs load after
                await harness.until(harness.bot.startup.wait(), 60)
                _record_posts(harness.bot, pair.posted[shard])  # the scheduler exists once its cog is loaded
            yield pair
    finally:
        await fake.stop()


def _recorder(into: list[int]):
    async def on_interaction(interaction: Any) -> None:
        into.append(interaction.id)

    return on_interaction


def _record_posts(bot: ShardedPrepBot, into: list[str]) -> None:
    post = bot.scheduler.post

    async def recording(group, local, now):
        thread = await post(group, local, now)
        into.append(group.guild_id)
        return thread

    bot.scheduler.post = recording


def daily_posts(harness: Harness) -> list[dict]:
    return [m for m in harness.fake.messages_in(harness.study)
            if m["embeds"] and "Daily question" in m["embeds"][0]["title"]]


async def resumed(fake: FakeDiscord, since: float, count: int = SHARDS, timeout: float = 10.0) -> None:
    """Wait until `count` shards have RESUMEd after `since`."""
    await fake._wait_until(lambda: len([t for t in fake.resumes if t >= since]) >= count, timeout,
                           f"{count} RESUMEs")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    """The shared state database: a SQLite file, or a database on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared-state.db'}"
    return request.getfixturevalue("postgres").create_database()


async def test_each_guilds_daily_question_is_posted_once_by_its_shard(seeded_index, tmp_path, database_url):
    """Two shard processes, one state DB: each guild's daily question is posted exactly once, by its shard."""
    async with running_pair(seeded_index, tmp_path, database_url) as pair:
        since = monotonic()
        pair.clock.now = TOKYO_0900
        first = pair.harnesses[0]
        for harness in pair.harnesses:
            await asyncio.to_thread(first.bot.state.set_studygroup, harness.guild.id, harness.study.id, "09:00",
                                    "Asia/Tokyo")
        for harness in pair.harnesses:
            await harness.until(harness.fake.wait_for_bot_message(harness.study, timeout=10), 11)
        for harness in pair.harnesses:  # both schedulers look again several times
            await harness.scheduler_ticks(5)
        for shard, harness in enumerate(pair.harnesses):
            assert len(daily_posts(harness)) == 1, shard
            assert pair.posted[shard] == [str(harness.guild.id)]
            post = harness.bot.state.get_daily_post(harness.guild.id, DAY_ONE)
            assert post is not None and post.thread_id is not None
        # A misconfigured process that thinks it owns every guild still cannot post again: the claim holds.
        rogue = pair.harnesses[1].bot
        rogue.owns_guild = lambda guild_id: True
        assert await rogue.scheduler.tick() == []
        assert [len(daily_posts(h)) for h in pair.harnesses] == [1, 1]
        pair.check(since)


async def test_interactions_are_answered_by_the_shard_holding_the_guild(seeded_index, tmp_path):
    """A guild's slash commands reach, and are answered by, the process running its shard only."""
    async with running_pair(seeded_index, tmp_path, f"sqlite:///{tmp_path / 'state.db'}") as pair:
        since = monotonic()
        for shard, harness in enumerate(pair.harnesses):
            interaction = await harness.command("roles", user=harness.user())
            assert (await harness.reply(interaction))["embeds"]
            assert interaction.id in pair.handled[shard]
            assert interaction.id not in pair.handled[1 - shard]
        pair.check(since)


async def test_shards_resume_after_a_dropped_socket_and_a_reconnect(seeded_index, tmp_path):
    """Close code 4000, then op 7 RECONNECT: both shards RESUME and answer the next interaction within 3 s."""
    async with running_pair(seeded_index, tmp_path, f"sqlite:///{tmp_path / 'state.db'}") as pair:
        since = monotonic()
        fake = pair.fake
        for disrupt in (lambda: fake.drop_connection(code=4000), fake.send_reconnect):
            before = monotonic()
            await disrupt()
            await resumed(fake, before)
            for shard, harness in enumerate(pair.harnesses):
                interaction = await harness.command("help", user=harness.user())
                assert interaction.ack_latency < ACK_DEADLINE
                assert (await harness.reply(interaction, timeout=ACK_DEADLINE))["embeds"]
                assert interaction.id in pair.handled[shard]
        assert all(c.path == "/resume/" for c in fake.connections[-SHARDS:])
        pair.check(since)


@contextlib.asynccontextmanager
async def tokyo_study_group(seeded_index: KnowledgeIndex, tmp_path: Path) -> AsyncIterator[tuple[Pair, Harness, float]]:
    """A pair on one SQLite database whose shard-0 server has a study group posting at 09:00 Tokyo time,
    the clock at that minute and the scheduler ticked by hand: (pair, shard 0's harness, start time)."""
    async with running_pair(seeded_index, tmp_path, f"sqlite:///{tmp_path / 'state.db'}",
                            scheduler_interval=3600) as pair:
        since = monotonic()
        harness = pair.harnesses[0]
        pair.clock.now = TOKYO_0900
        await asyncio.to_thread(harness.bot.state.set_studygroup, harness.guild.id, harness.study.id, "09:00",
                                "Asia/Tokyo")
        yield pair, harness, since


async def test_an_uncertain_claim_is_checked_before_posting(seeded_index, tmp_path):
    """A claim whose reply is lost (StateUnavailable) is read back: ours means post once; a failed read
    waits for the next tick; nothing is posted twice or skipped."""
    async with tokyo_study_group(seeded_index, tmp_path) as (pair, harness, since):
        state = harness.bot.state
        claim, get = state.claim_daily_post, state.get_daily_post
        failures = {"get": 1}

        def lost_reply(*args, **kwargs):
            claim(*args, **kwargs)  # written, but the caller never hears so
            raise StateUnavailable("The database stopped answering.")

        def flaky_get(*args, **kwargs):
            if failures["get"]:
                failures["get"] -= 1
                raise StateUnavailable("The database stopped answering.")
            return get(*args, **kwargs)

        state.claim_daily_post, state.get_daily_post = lost_reply, flaky_get
        try:
            assert await harness.bot.scheduler.tick() == []  # claim unknown, read failed: wait
            assert daily_posts(harness) == []
            assert await harness.bot.scheduler.tick() == [str(harness.guild.id)]  # read back: our claim
            assert await harness.bot.scheduler.tick() == []
        finally:
            del state.claim_daily_post, state.get_daily_post
        assert len(daily_posts(harness)) == 1
        harness.allowed_rest_errors.clear()
        pair.check(since)


# ----- the Chroma server stops mid-conversation ------------------------------------------------------
@pytest_asyncio.fixture(loop_scope="module")
async def on_chroma_server(start_chroma, tmp_path, embeddings) -> AsyncIterator[tuple[Harness, Any]]:
    """The bot with its index on a real `chroma run` server (CHROMA_URL), and that server."""
    server = await asyncio.to_thread(start_chroma)
    index = await asyncio.to_thread(KnowledgeIndex, tmp_path / "data", "", server.url, embeddings)
    await asyncio.to_thread(index.ingest, [SEED_POSTINGS])
    settings = make_settings(tmp_path / "data", CHROMA_URL=server.url, PREPBOT_RATE_LIMIT_PER_MINUTE=100)
    async with running_prepbot(make_services(settings, index)) as harness:
        yield harness, server


async def test_chroma_down_then_back_without_a_restart(on_chroma_server, caplog):
    """With Chroma stopped, /ask says the knowledge base is unavailable (no traceback) while /roles and
    /progress work; once it is back, /ask answers again in the same bot."""
    h, server = on_chroma_server
    since = monotonic()
    user = h.user()
    before = await h.reply(await h.command("ask", {"question": PASSAGE}, user=user))
    assert before["embeds"] and "Diffusion" in str(before["embeds"][0])

    await asyncio.to_thread(server.stop, signal.SIGKILL)
    h.bot.services.index._role_vectors.clear()  # as a process that has not searched these roles: ask the server
    down = await h.reply(await h.command("ask", {"question": PASSAGE + " (again)"}, user=user), timeout=15)
    assert down["content"] == UNAVAILABLE  # the public "thinking" message becomes the notice
    assert UNEXPECTED not in down["content"] and "Traceback" not in down["content"]
    assert (await h.reply(await h.command("roles", user=user)))["embeds"]
    assert (await h.reply(await h.command("progress", user=user)))["embeds"]

    await asyncio.to_thread(server.start)
    after = await h.reply(await h.command("ask", {"question": PASSAGE}, user=user), timeout=15)
    assert after["embeds"] and after["embeds"][0] == before["embeds"][0]
    h.check_requests(since)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


# ----- prepbot run --shard-count / --shard-ids -------------------------------------------------------
@pytest.mark.parametrize(("args", "message"), [
    (["--shard-ids", "0"], "error: --shard-ids needs --shard-count"),
    (["--shard-count", "2", "--shard-ids", "0,2"], "error: shard id 2 is outside 0..1 (--shard-count 2)."),
    (["--shard-count", "2", "--shard-ids", "-1"], "error: shard id -1 is outside 0..1"),
    (["--shard-count", "0"], "error: --shard-count must be at least 1"),
    (["--shard-count", "two"], "error: --shard-count must be a whole number"),
    (["--shard-count", "2", "--shard-ids", "1,1"], "error: shard id 1 is listed twice"),
    (["--shard-count", "2", "--shard-ids", "a,b"], "error: --shard-ids must be comma-separated numbers"),
])
async def test_prepbot_run_rejects_bad_shard_options_in_one_line(monkeypatch, capsys, tmp_path, args, message):
    """Bad --shard-count / --shard-ids: exit status 1 and one clear line, before anything connects."""
    from bot.cli import main

    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("PREPBOT_DATA_DIR", str(tmp_path))
    assert main(["run", *args]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(message) and "\n" not in err, err


async def test_owns_guild_follows_discords_shard_formula(seeded_index, tmp_path):
    """A sharded bot owns exactly the guilds with (guild_id >> 22) % shard_count in its shard ids."""
    services = make_services(make_settings(tmp_path), seeded_index)
    bot = ShardedPrepBot(services, shard_count=3, shard_ids=[0, 2], warm_up=False)
    owned = [bot.owns_guild(((1000 + k) << 22) | 7) for k in range(6)]
    assert owned == [(1000 + k) % 3 in (0, 2) for k in range(6)]


async def test_no_ingest_on_start_with_a_shared_chroma_server(start_chroma, tmp_path, embeddings, caplog):
    """With CHROMA_URL warming up never ingests an empty shared index; it logs to run `prepbot ingest`."""
    server = await asyncio.to_thread(start_chroma)
    index = await asyncio.to_thread(KnowledgeIndex, tmp_path / "data", "", server.url, embeddings)
    services = make_services(make_settings(tmp_path / "data", CHROMA_URL=server.url), index)
    await asyncio.to_thread(services.warm_up)
    try:
        assert index.is_empty()
        assert any("prepbot ingest" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    finally:
        services.close()


async def test_prepbot_run_as_one_shard_process(tmp_path):
    """`prepbot run --shard-count 2 --shard-ids 1` (a real subprocess, pointed at the fake through the
    test-only URL hooks) identifies as shard [1, 2], answers its guild, and exits cleanly on SIGTERM."""
    import os
    import subprocess
    import sys

    fake = FakeDiscord(bot_user_id=BOT_ID, application_id=APP_ID, token=TOKEN)
    guild = add_guild(fake, 1)
    channel = fake.add_text_channel(guild, name="general")
    user = fake.add_user("ada")
    fake.add_member(guild, user)
    await fake.start(patch_discordpy=False)
    env = dict(os.environ, DISCORD_TOKEN=TOKEN, PREPBOT_DATA_DIR=str(tmp_path / "data"), LLM_PROVIDER="",
               PREPBOT_DISCORD_API_BASE=fake.http_base, PREPBOT_DISCORD_GATEWAY=fake.ws_url,
               PREPBOT_POSTINGS_DIR=str(SEED_POSTINGS))
    env.pop("CHROMA_URL", None)
    env.pop("DATABASE_URL", None)
    log = tmp_path / "shard1.log"
    sink = log.open("wb")
    # tests.fakediscord.prepbot_process is `prepbot` pointed at the fake (no test hooks in the shipped entry point)
    # -v: the log says "logged in as" once discord.py's READY and guild_ready_timeout are over
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakediscord.prepbot_process", "-v", "run", "--shard-count",
                             "2", "--shard-ids", "1"], env=env, stdout=subprocess.DEVNULL, stderr=sink,
                            cwd=Path(__file__).resolve().parents[2])
    try:
        identify = await fake.wait_until_identified(timeout=120)
        assert identify["shard"] == [1, 2]
        await poll_until(lambda: "logged in as" in log.read_text(errors="replace"), 60, "on_ready in the shard's log")
        interaction = await fake.send_slash_command("roles", user=user, channel=channel)
        callback = await fake.wait_for_interaction_response(interaction, timeout=ACK_DEADLINE + 1)
        assert callback.accepted and callback.latency < ACK_DEADLINE
        # Deferred at once; the answer follows when the process has built its services (it indexes the
        # seeds on this first start), which on a loaded machine takes a while: a hang guard, not a limit.
        assert (await fake.wait_for_response_message(interaction, timeout=180))["embeds"]
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 30) == 0
        assert "Traceback" not in log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        sink.close()
        await fake.stop()


async def test_a_database_outage_skips_a_tick_without_an_error(seeded_index, tmp_path, caplog):
    """StateUnavailable while listing study groups is a warning and the next tick posts as usual."""
    async with tokyo_study_group(seeded_index, tmp_path) as (pair, harness, since):
        state = harness.bot.state

        def down():
            raise StateUnavailable("The study database is unavailable right now; try again shortly.")

        state.enabled_studygroups = down
        try:
            await harness.bot.scheduler._run_tick()
        finally:
            del state.enabled_studygroups
        assert harness.errors == [] and daily_posts(harness) == []
        assert any("tick skipped" in r.getMessage() for r in caplog.records)
        assert await harness.bot.scheduler.tick() == [str(harness.guild.id)]
        pair.check(since)
