"""Scale-out benchmark: two shard processes, a Chroma server and PostgreSQL, 200 concurrent interactions.

The fake Discord runs in this process; two real `prepbot run --shard-count 2 --shard-ids K`
subprocesses (`python -m tests.fakediscord.prepbot_process run`: prepbot pointed at the fake) connect to it
through PREPBOT_DISCORD_API_BASE / PREPBOT_DISCORD_GATEWAY
hooks, share one `chroma run` server (CHROMA_URL, the seed postings ingested once here) and one
PostgreSQL database (DATABASE_URL). Interactions (/ask, distinct questions) are spread over guilds
of both shards and sent at once.

Reports: interactions acknowledged within 3 s (count), p50/p95 time to the final answer, and each
process's event-loop lag (its 10 ms ticker, PREPBOT_LAG_REPORT, within the measurement window).
Run: .venv/bin/python -m benchmarks.bench_scaleout [--interactions 200] [--guilds 10]
Exit status 1 when an interaction is not acknowledged within 3 s or not answered.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_core import percentile
from benchmarks.bench_discord_ack import QUESTIONS
from bot.config import PROJECT_ROOT, Settings
from bot.core.index import KnowledgeIndex
from tests.fakediscord import FakeDiscord
from tests.servers import ChromaServer, PostgresCluster, postgres_bindir

ACK_LIMIT = 3.0
SHARDS = 2
TOKEN = "bench-scaleout-token"
PASSAGES = ["diffusion models for recommendation", "what does the multimodal team work on?",
            "large model training experience", "what is the interview process like?"]


def guild_id_on(shard: int, n: int) -> int:
    """A guild snowflake Discord routes to `shard` of `SHARDS`."""
    return ((400_000_000_000 + SHARDS * n + shard) << 22) | n


def start_shard(shard: int, folder: Path, fake: FakeDiscord, chroma_url: str, database_url: str) -> subprocess.Popen:
    env = dict(os.environ,
               DISCORD_TOKEN=TOKEN, CHROMA_URL=chroma_url, DATABASE_URL=database_url,
               PREPBOT_DATA_DIR=str(folder / f"shard{shard}"), PREPBOT_RATE_LIMIT_PER_MINUTE="10000",
               PREPBOT_DISCORD_API_BASE=fake.http_base, PREPBOT_DISCORD_GATEWAY=fake.ws_url,
               PREPBOT_LAG_REPORT=str(folder / f"lag{shard}.json"), LLM_PROVIDER="")
    log = open(folder / f"shard{shard}.log", "wb")  # noqa: SIM115 - the child owns it
    command = [sys.executable, "-m", "tests.fakediscord.prepbot_process", "run", "--shard-count", str(SHARDS),
               "--shard-ids", str(shard)]
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)


async def run(interactions: int, guilds: int, folder: Path, chroma_url: str, database_url: str) -> dict:
    fake = FakeDiscord(token=TOKEN)
    places = []
    for n in range(guilds):
        guild = fake.add_guild(name=f"guild {n}", id=guild_id_on(n % SHARDS, n))
        places.append((guild, fake.add_text_channel(guild, name="general")))
    users = []
    for k in range(interactions):
        guild, channel = places[k % guilds]
        user = fake.add_user(f"user{k}")
        fake.add_member(guild, user)
        users.append((user, channel))
    await fake.start(patch_discordpy=False)
    procs = [start_shard(shard, folder, fake, chroma_url, database_url) for shard in range(SHARDS)]
    try:
        print("waiting for both shard processes to identify...", flush=True)
        await fake.wait_until_identified(timeout=180, count=SHARDS)
        await asyncio.sleep(3)  # guild_ready_timeout: READY, then on_ready
        for guild, channel in places[:SHARDS]:  # warm-up: one answer per shard
            warm = await fake.send_slash_command("ask", {"question": "what does it pay?"},
                                                 user=users[places.index((guild, channel))][0], channel=channel)
            await fake.wait_for_response_message(warm, timeout=60)
        questions = [f"{(QUESTIONS + PASSAGES)[k % (len(QUESTIONS) + len(PASSAGES))]} ({k})"
                     for k in range(interactions)]

        async def one(k: int) -> tuple[float, float, bool]:
            user, channel = users[k]
            started = time.monotonic()
            interaction = await fake.send_slash_command("ask", {"question": questions[k]}, user=user, channel=channel)
            callback = await fake.wait_for_interaction_response(interaction, timeout=10)
            message = await fake.wait_for_response_message(interaction, timeout=120)
            return callback.latency, time.monotonic() - started, bool(message.get("embeds") or message.get("content"))

        window_start = time.time()
        started = time.monotonic()
        results = await asyncio.gather(*(one(k) for k in range(interactions)))
        wall = time.monotonic() - started
        window_end = time.time()
        errors = [r for r in fake.errors]
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        await fake.stop()
    lags = {}
    for shard in range(SHARDS):
        report = json.loads((folder / f"lag{shard}.json").read_text())
        drifts = [d for t, d in report["ticks"] if window_start <= t <= window_end + 0.5]
        lags[shard] = (max(drifts) * 1000, percentile(drifts, 0.99) * 1000, len(drifts))
    acks = [a for a, _, _ in results]
    finals = [f for _, f, _ in results]
    return {
        "interactions": interactions, "guilds": guilds,
        "acknowledged": sum(1 for a in acks if a < ACK_LIMIT), "answered": sum(1 for *_, ok in results if ok),
        "ack_p50_ms": statistics.median(acks) * 1000, "ack_p95_ms": percentile(acks, 0.95) * 1000,
        "ack_max_ms": max(acks) * 1000,
        "final_p50_s": statistics.median(finals), "final_p95_s": percentile(finals, 0.95),
        "final_max_s": max(finals), "wall_s": wall, "lags": lags, "rest_errors": len(errors),
        "per_shard": [sum(1 for k in range(interactions) if (users[k][1].guild_id >> 22) % SHARDS == shard)
                      for shard in range(SHARDS)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=200)
    parser.add_argument("--guilds", type=int, default=10, help="guilds, alternating between the two shards")
    args = parser.parse_args(argv)
    bindir = postgres_bindir()
    if bindir is None:
        print("PostgreSQL server binaries not found (Debian's postgresql package)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "chroma").mkdir()
        cluster = PostgresCluster(bindir).init().start()
        chroma = ChromaServer(folder / "chroma" / "db")
        try:
            chroma.start()
            print(f"Chroma at {chroma.url}; ingesting the seed postings once...", flush=True)
            settings = Settings()
            index = KnowledgeIndex(folder / "ingest", settings.model_path, chroma.url)
            index.ingest([PROJECT_ROOT / "knowledge" / "postings"])
            roles = len(index.roles())
            result = asyncio.run(run(args.interactions, args.guilds, folder, chroma.url, cluster.create_database()))
        finally:
            chroma.stop()
            cluster.destroy()
            for shard in range(SHARDS):
                log = folder / f"shard{shard}.log"
                if log.exists():
                    tail = log.read_text(errors="replace").splitlines()
                    errors = [line for line in tail if "ERROR" in line or "Traceback" in line]
                    if errors:
                        print(f"shard {shard} log errors:\n  " + "\n  ".join(errors[:10]))
    n = result["interactions"]
    ok = result["acknowledged"] == n and result["answered"] == n
    print(f"/ask x{n} concurrent over {result['guilds']} guilds, 2 shard processes, {roles} roles on a Chroma "
          f"server, state on PostgreSQL; interactions per shard: {result['per_shard']}")
    print(f"  acknowledged within {ACK_LIMIT:.0f} s: {result['acknowledged']}/{n} (p50 {result['ack_p50_ms']:.0f} ms, "
          f"p95 {result['ack_p95_ms']:.0f} ms, max {result['ack_max_ms']:.0f} ms)  {'PASS' if ok else 'FAIL'}")
    print(f"  answered: {result['answered']}/{n}; time to the final answer p50 {result['final_p50_s']:.2f} s, "
          f"p95 {result['final_p95_s']:.2f} s, max {result['final_max_s']:.2f} s; all in {result['wall_s']:.2f} s")
    for shard, (worst, p99, ticks) in result["lags"].items():
        print(f"  shard {shard} process event-loop lag (10 ms ticker, {ticks} ticks): max {worst:.1f} ms, "
              f"p99 {p99:.1f} ms")
    print(f"  REST errors at the fake: {result['rest_errors']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
