"""`prepbot chat` as a real subprocess with piped stdin, on a fresh data dir."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def chat(lines: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PREPBOT_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "bot", "chat"], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=300, input="".join(f"{line}\n" for line in lines))


def test_piped_chat_resolves_follow_up_and_quizzes(tmp_path: Path) -> None:
    """Piped turns index the postings, answer "and where is it?" for the research scientist role, run a quiz."""
    result = chat(["what does the research scientist one pay?", "and where is it?", "quiz me on pytorch", "stop",
                   "quit", "this line is never read"], tmp_path / "data")
    assert result.returncode == 0, result.stderr
    answers = result.stdout.split("you> ")
    assert "$60" in answers[1]
    assert "Los Angeles" in answers[2] and "Seattle" not in answers[2]
    assert "[1]" in answers[2] and "Location" in answers[2]  # the citation under the answer
    assert "pytorch" in answers[3] and "Question 1 of" in answers[3]
    assert "Quiz stopped" in answers[4] and "this line is never read" not in result.stdout
    assert (tmp_path / "data" / "state.sqlite3").exists()


def test_chat_ends_at_end_of_input(indexed_data_dir: Path) -> None:
    """Without "quit", end of input (Ctrl-D) ends the chat cleanly; the conversation is kept for next time."""
    data_dir = indexed_data_dir
    assert chat(["what does the e-commerce PhD role pay?"], data_dir).returncode == 0
    result = chat(["where is it?"], data_dir)
    assert result.returncode == 0, result.stderr
    assert "Seattle" in result.stdout
