"""The `prepbot` CLI contract, run as a real subprocess (other tools rely on its output)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED_POSTINGS

ROOT = Path(__file__).resolve().parent.parent


def prepbot(*args: str, data_dir: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PREPBOT_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-data")


def test_roles_json_indexes_on_first_run(data_dir: Path) -> None:
    """`roles --json` on an empty data dir indexes knowledge/postings first and lists 4 roles."""
    result = prepbot("roles", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    roles = json.loads(result.stdout)
    assert len(roles) == 4
    for role in roles:
        assert {"id", "title", "company", "location", "level", "pay", "source"} <= set(role)
    assert {r["pay"] for r in roles} == {"$45 per hour", "$57 per hour", "$60 per hour", None}


def test_ask_json_one_object_per_question(data_dir: Path) -> None:
    """`ask --json` prints one object per question in order; bad questions get errors, others are answered."""
    result = prepbot("ask", "--json", "what does the e-commerce PhD role pay?", "", "x" * 2001,
                     "which roles mention C++?", data_dir=data_dir)
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == ["what does the e-commerce PhD role pay?", "", "x" * 2001,
                                                    "which roles mention C++?"]
    first = lines[0]
    assert "$57" in first["answer"] and first["role"].startswith("tiktok-ml-scientist")
    assert set(first["citations"][0]) >= {"role_id", "title", "company", "section", "quote", "source"}
    assert "empty" in lines[1]["error"] and "2,000" in lines[2]["error"]
    assert lines[3]["role"] is None and len({c["role_id"] for c in lines[3]["citations"]}) == 3
    assert result.stderr.count("error:") == 2


def test_ask_with_role_option_and_global_data_dir(tmp_path: Path, data_dir: Path) -> None:
    """`--data-dir` overrides the environment, and `--role` takes words."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--data-dir", str(data_dir), "ask", "--role", "research scientist", "--json",
         "what's the pay?"],
        cwd=ROOT, env={**os.environ, "PREPBOT_DATA_DIR": str(tmp_path / "unused")}, capture_output=True, text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "$60" in json.loads(result.stdout)["answer"]
    assert not (tmp_path / "unused").exists()


def test_unknown_role_is_a_clear_error(data_dir: Path) -> None:
    """An unknown --role is one line on stderr that lists the valid ids, exit status 1."""
    result = prepbot("ask", "--role", "astronaut", "pay?", data_dir=data_dir)
    assert result.returncode == 1
    assert "No indexed role matches 'astronaut'" in result.stderr and "Traceback" not in result.stderr


def test_ingest_reports_bad_files_and_indexes_the_rest(tmp_path: Path) -> None:
    """`ingest` gives each bad file a one-line reason, still indexes the good ones, and exits 1."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    for path in SEED_POSTINGS.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "empty.md").write_text("")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "shopping.txt").write_text("eggs\nmilk\nbread\n")
    result = prepbot("ingest", str(folder), data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert "roles added: 4" in result.stdout and "merged as duplicates: 1" in result.stdout
    assert "failed: 3" in result.stdout
    for name, reason in [("empty.md", "empty"), ("photo.png", "unsupported"), ("shopping.txt", "no recognisable")]:
        assert any(name in line and reason in line for line in result.stderr.splitlines()), result.stderr
    again = prepbot("ingest", str(SEED_POSTINGS), data_dir=tmp_path / "data")
    assert again.returncode == 0 and "roles added: 0" in again.stdout
