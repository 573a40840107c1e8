"""Cold-start benchmark: how long a user waits for a fresh `prepbot` process, and what the bot weighs.

Measured, each as its own new process against one already-indexed data dir (the seed postings):
- cold `prepbot roles` and cold `prepbot ask QUESTION` (wall time from spawn to exit, best of N,
  with the peak RSS of that process);
- `prepbot run`: seconds from spawn until it IDENTIFYs to the fake Discord (best of N), the bot's
  RSS at that moment and after it has answered a first /ask (its services built), and that /ask's
  acknowledgement latency;
- warm `ask` against its floor, in one process: floor = one `SentenceTransformer.encode` of the
  query + one Chroma query (today's definition, so ratios stay comparable across embedding
  backends); ask = the whole offline `AnswerEngine.answer` with the index's own embeddings.
`--root DIR` runs another checkout's `bot` package with this venv (e.g. a `git worktree` of an
older commit); given twice, the cold runs alternate between the two, so before/after figures come
from one run of one benchmark under the same machine load. Targets apply to the last root.
"rss_mb" is the bot's RSS right after it identifies (the issue's definition);
"rss_after_first_ask_mb" is after its services are built and it has answered one /ask.
Run: .venv/bin/python -m benchmarks.bench_coldstart [--runs 3] [--root BEFORE --root AFTER]
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
ASK = "Does the e-commerce role involve diffusion models?"  # a passage question: it needs the model
TARGETS = {"roles_s": 1.0, "ask_s": 2.5, "identify_s": 4.0, "rss_mb": 400.0}
SEED_QUESTIONS = [
    "what does the e-commerce PhD role pay?", "Where is the San Jose role?", "Which roles require a PhD?",
    "Does the e-commerce role involve diffusion models?", "Do interns get health insurance?",
    "What are the requirements for the research scientist role?", "How long is the multimodal internship?",
    "what kind of research does the multimodal team do?", "Which roles mention C++?", "Is there housing support?",
]


def child_env(root: Path, data_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, PREPBOT_DATA_DIR=str(data_dir), PREPBOT_POSTINGS_DIR=str(root / "knowledge" / "postings"),
               LLM_PROVIDER="", PYTHONPATH=str(root), **extra)
    for name in ("CHROMA_URL", "DATABASE_URL", "DISCORD_TOKEN"):
        env.pop(name, None)
    env.update(extra)
    return env


def timed_run(root: Path, env: dict[str, str], *args: str) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB, CPU seconds) of one `python -m bot ARGS` process run from
    `root`. CPU time is reported too because it moves far less than wall time when other work
    shares the machine."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"`prepbot {' '.join(args)}` failed ({proc.returncode}): {stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def bot_once(root: Path, data_dir: Path) -> dict[str, float]:
    """Start `prepbot run` against a fake Discord; time the IDENTIFY, then answer one /ask."""
    from tests.discord.harness import APP_ID, BOT_ID, TOKEN
    from tests.fakediscord import FakeDiscord

    fake = FakeDiscord(bot_user_id=BOT_ID, application_id=APP_ID, token=TOKEN)
    guild = fake.add_guild(name="Bench Guild")
    channel = fake.add_text_channel(guild, name="general")
    user = fake.add_user("ada")
    fake.add_member(guild, user)
    await fake.start(patch_discordpy=False)
    env = child_env(root, data_dir, DISCORD_TOKEN=TOKEN, PREPBOT_DISCORD_API_BASE=fake.http_base,
                    PREPBOT_DISCORD_GATEWAY=fake.ws_url)
    start = time.perf_counter()
    # Newer checkouts point discord.py at the fake through a test-only wrapper; older ones read the
    # same variables in `prepbot run` itself.
    wrapper = (root / "tests" / "fakediscord" / "prepbot_process.py").exists()
    command = ["-m", "tests.fakediscord.prepbot_process", "run"] if wrapper else ["-m", "bot", "run"]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, *command], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        try:
            await fake.wait_until_identified(timeout=300)
        except TimeoutError:
            log.seek(0)
            raise SystemExit(f"`prepbot run` from {root} did not identify: {log.read().decode()[-3000:]}") from None
        identified = time.perf_counter() - start
        identified_cpu = cpu_seconds(proc.pid)
        rss_identified = rss_mb(proc.pid)
        # The first /ask: acknowledged within 3 s even while the services are still loading.
        interaction = await fake.send_slash_command("ask", {"question": ASK}, user=user, channel=channel)
        callback = await fake.wait_for_interaction_response(interaction, timeout=30)
        await fake.wait_for_response_message(interaction, timeout=120)
        answered = time.perf_counter() - start
        rss_answered = rss_mb(proc.pid)
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):  # a busy machine may take long; killed below
            await asyncio.to_thread(proc.wait, 120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        await fake.stop()
        log.close()
    return {"identify_s": identified, "identify_cpu_s": identified_cpu,
            "rss_identified_mb": rss_identified, "first_ask_ack_s": callback.latency,
            "first_ask_answered_s": answered, "rss_answered_mb": rss_answered}


def warm(root: Path, data_dir: Path) -> dict[str, float]:
    """Warm ask vs floor in this process (run as a child so `root`'s `bot` package is the one imported)."""
    sys.path.insert(0, str(root))
    from sentence_transformers import SentenceTransformer

    from bot.config import Settings
    from bot.core.answers import AnswerEngine
    from bot.core.index import KnowledgeIndex

    settings = Settings()
    index = KnowledgeIndex(data_dir, settings.model_path)
    model = SentenceTransformer(settings.model_path, device="cpu", local_files_only=True)
    collection = getattr(index.store, "chunk_collection", None) or index.store.chunks._collection
    engine = AnswerEngine(index)
    engine.answer("warm up the caches and threads")
    model.encode("warm up", normalize_embeddings=True)
    floor, ask, searched = [], [], []
    for question in (f"{q} ({n})" for n in range(3) for q in SEED_QUESTIONS):
        start = time.perf_counter()
        vector = model.encode(question, normalize_embeddings=True)
        collection.query(query_embeddings=[vector.tolist()], n_results=18, include=["distances"])
        floor.append(time.perf_counter() - start)
        start = time.perf_counter()
        answer = engine.answer(question)
        ask.append(time.perf_counter() - start)
        if answer.kind in ("passage", "not-found"):
            searched.append(ask[-1])
    floor_p50 = statistics.median(floor)
    return {"floor_p50_ms": floor_p50 * 1000, "ask_p50_ms": statistics.median(ask) * 1000,
            "searching_p50_ms": statistics.median(searched) * 1000,
            "ask_ratio": statistics.median(ask) / floor_p50, "searching_ratio": statistics.median(searched) / floor_p50}


def measure(roots: list[Path], runs: int) -> dict[Path, dict[str, float]]:
    """Every figure for each root; the cold runs alternate between roots, so a busy moment on the
    machine hits all of them alike."""
    results: dict[Path, dict[str, float]] = {root: {} for root in roots}
    cold: dict[tuple[Path, str], list[tuple[float, float]]] = {}
    bots: dict[Path, list[dict[str, float]]] = {root: [] for root in roots}
    with tempfile.TemporaryDirectory() as tmp:
        data = {root: Path(tmp) / f"data{number}" for number, root in enumerate(roots)}
        for root in roots:
            print(f"indexing the seed postings with {root}...", flush=True)
            timed_run(root, child_env(root, data[root]), "ingest", str(root / "knowledge" / "postings"))
        for run in range(runs):
            for root in roots:
                env = child_env(root, data[root])
                for name, command in (("roles", ["roles"]), ("ask", ["ask", ASK])):
                    cold.setdefault((root, name), []).append(timed_run(root, env, *command))
                bots[root].append(asyncio.run(bot_once(root, data[root])))
                shown = ", ".join(f"{name} {cold[root, name][-1][0]:.2f} s ({cold[root, name][-1][2]:.2f} s CPU, "
                                  f"{cold[root, name][-1][1]:.0f} MB)" for name in ("roles", "ask"))
                print(f"run {run + 1} {root}: {shown}, "
                      + ", ".join(f"{k}={v:.2f}" for k, v in bots[root][-1].items()), flush=True)
        for root in roots:
            result = results[root]
            for name in ("roles", "ask"):
                result[f"{name}_s"] = min(s for s, _, _ in cold[root, name])
                result[f"{name}_cpu_s"] = min(c for _, _, c in cold[root, name])
                result[f"{name}_rss_mb"] = max(m for _, m, _ in cold[root, name])
            result["identify_s"] = min(b["identify_s"] for b in bots[root])
            result["identify_cpu_s"] = min(b["identify_cpu_s"] for b in bots[root])
            result["rss_mb"] = max(b["rss_identified_mb"] for b in bots[root])
            result["rss_after_first_ask_mb"] = max(b["rss_answered_mb"] for b in bots[root])
            result["first_ask_ack_max_s"] = max(b["first_ask_ack_s"] for b in bots[root])
            result["first_ask_answered_min_s"] = min(b["first_ask_answered_s"] for b in bots[root])
            child = subprocess.run([sys.executable, "-m", "benchmarks.bench_coldstart", "--root", str(root),
                                    "--warm-child", str(data[root])], cwd=HERE, env=child_env(root, data[root]),
                                   capture_output=True, text=True)
            if child.returncode:
                raise SystemExit(f"warm measurement failed: {child.stderr[-2000:]}")
            result.update(json.loads(child.stdout.strip().splitlines()[-1]))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold runs of each kind (the best counts)")
    parser.add_argument("--root", type=Path, action="append",
                        help="a checkout whose `bot` package to run (repeat to compare; default: this one)")
    parser.add_argument("--warm-child", type=Path, help=argparse.SUPPRESS)  # internal: the warm part
    args = parser.parse_args(argv)
    roots = [root.resolve() for root in (args.root or [HERE])]
    if args.warm_child:
        print(json.dumps(warm(roots[0], args.warm_child)))
        return 0
    with open("/proc/loadavg") as loadavg:
        print(f"load average at start: {loadavg.read().split()[0]}", flush=True)
    results = measure(roots, args.runs)
    failed = False
    print(f"\nbest of {args.runs} (rss: largest); " + " | ".join(str(root) for root in roots))
    for key in results[roots[0]]:
        target = TARGETS.get(key)
        values = [results[root][key] for root in roots]
        verdict = "" if target is None else ("  PASS" if values[-1] <= target else "  FAIL")
        failed |= verdict == "  FAIL"
        limit = "" if target is None else f" (target <= {target:g})"
        print(f"  {key}{limit}: " + " | ".join(f"{v:.3g}" for v in values) + verdict)
    with open("/proc/loadavg") as loadavg:
        print(f"load average at the end: {loadavg.read().split()[0]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
