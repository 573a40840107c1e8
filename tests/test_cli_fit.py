"""`prepbot fit`, `prepbot plan` and `prepbot forget` as real subprocesses (the JSON contracts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.state import StateStore
from tests.test_cli import prepbot

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fit" / "resumes"
DEV = Path(__file__).resolve().parents[2] / "shared" / "postings-dev"
ROLE = "recommendations"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not DEV.is_dir():
        pytest.skip("../shared/postings-dev is not available")
    folder = tmp_path_factory.mktemp("cli-fit")
    result = prepbot("ingest", str(DEV / "01_quillfeather-labs.html"), data_dir=folder)
    assert result.returncode == 0, result.stderr
    return folder


def test_fit_json_contract_and_practice(data_dir: Path) -> None:
    result = prepbot("fit", "--role", ROLE, "--json", str(FIXTURES / "r01_maya_chen.md"), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["role"].endswith("recommendations")
    rows = data["requirements"]
    assert rows and {"minimum", "preferred"} == {row["kind"] for row in rows}
    for row in rows:
        assert set(row) == {"kind", "requirement", "status", "posting_quote", "resume_quote"}
    text = (FIXTURES / "r01_maya_chen.md").read_text(encoding="utf-8")
    assert all(row["resume_quote"] in text for row in rows if row["resume_quote"])
    assert data["summary"]["text"].startswith("minimum: ")
    scheduled = [p for p in data["practice"] if p["scheduled"]]
    assert 0 < len(scheduled) <= 5
    with StateStore.for_data_dir(data_dir) as store:
        assert {p["question_id"] for p in scheduled} <= store.card_ids("local")


def test_unreadable_resume_exits_with_one_line(data_dir: Path) -> None:
    for name in ("scanned_resume.pdf", "empty.txt"):
        result = prepbot("fit", "--role", ROLE, "--json", str(FIXTURES / name), data_dir=data_dir)
        assert result.returncode == 1
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "I can't read this file" in lines[0]


def test_plan_json_ics_and_chart(data_dir: Path, tmp_path: Path) -> None:
    ics, chart = tmp_path / "plan.ics", tmp_path / "plan.png"
    result = prepbot("plan", "--role", ROLE, "--date", "2026-12-15", "--start", "2026-12-01", "--minutes", "20",
                     "--json", "--ics", str(ics), "--chart", str(chart), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["interview_date"] == "2026-12-15" and isinstance(data["feasible"], bool)
    assert len(data["days"]) == 14 and data["days"][0]["date"] == "2026-12-01"
    assert {"topic", "weight", "questions", "predicted_recall"} == set(data["topics"][0])
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plan_rejects_a_bad_date(data_dir: Path) -> None:
    result = prepbot("plan", "--role", ROLE, "--date", "14/12/2026", "--minutes", "20", data_dir=data_dir)
    assert result.returncode == 1 and "YYYY-MM-DD" in result.stderr


def test_forget_deletes_everything(data_dir: Path) -> None:
    from datetime import UTC, date, datetime

    now = datetime.now(UTC)
    with StateStore.for_data_dir(data_dir) as store:
        store.add_new_cards("local", ["recsys-a"], now)
        store.save_plan("local", "some-role", date(2030, 1, 1), 20, {}, now)
        store.add_new_cards("someone-else", ["recsys-a"], now)
    result = prepbot("forget", "--yes", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "deleted everything" in result.stdout
    with StateStore.for_data_dir(data_dir) as store:
        assert store.card_ids("local") == set() and store.saved_plan("local") is None
        assert store.card_ids("someone-else") == {"recsys-a"}
