"""Every example in issue 10's "Why", piped through `prepbot chat` (a real subprocess), in the
issue's words and in paraphrases, so no exact string is special. Each turn's reply is checked for
what a person would expect, and nothing internal (ids, log lines, "error:") reaches the chat."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ID = re.compile(r"\btiktok-[a-z0-9-]+|\bposting-[a-z0-9-]+|`[a-z0-9]+(?:-[a-z0-9]+){2,}`")
Check = Callable[[str], bool]


def has(*words: str) -> Check:
    return lambda text: all(w.lower() in text.lower() for w in words)


def lacks(*words: str) -> Check:
    return lambda text: not any(w.lower() in text.lower() for w in words)


def both(*checks: Check) -> Check:
    return lambda text: all(check(text) for check in checks)


GREETED = both(has("Hi!"), lacks("couldn't find"))
LISTED = both(has("Research Scientist Intern", "E-Commerce", "Multimodal"), lacks("mentions"))
REQUIREMENTS = has("Minimum qualifications", "Preferred qualifications", "PhD")
SKILLS = both(has("doesn't list", "multimodal"), lacks("Internships at TikTok aim"))
QUIZ_ROLE = both(has("Quiz", "Question 1 of", "Multimodal"), lacks("error"))
HARDER = both(has("Switching to"), lacks("Feedback"))
TOPICS = both(has("I can quiz you on", "pytorch"), lacks("Feedback"))
GRADED = has("Feedback")
STOPPED = has("Quiz stopped")
REMOTE = both(lacks("No indexed role", "couldn't find"), has("Recommendation"))
BEST = lambda text: "$60" in text and text.index("$60") < text.index("$57")  # noqa: E731
WHERE_TOP = both(has("Los Angeles"), lacks("Seattle", "San Jose"))
ECOM_PAY = both(has("$57"), lacks("$60"))
OTHER_PHD = both(has("$60"), lacks("$57"))
CARD = has("San Jose", "12 weeks")
MOCK_IT = both(has("Mock interview", "Multimodal"), lacks("any role"))
MOCK_STOPPED = has("Mock interview stopped")
PYTORCH = has("pytorch questions")
RECSYS = has("recsys")
THANKED = has("welcome")

ISSUE_WORDS = [
    ("hi", GREETED), ("hey there", GREETED), ("what roles do you know about?", LISTED), ("list all the roles", LISTED),
    ("what does the PhD e-commerce role require?", REQUIREMENTS),
    ("what skills do I need for the multimodal role?", SKILLS), ("quiz me on that role", QUIZ_ROLE),
    ("harder please", HARDER), ("what topics can you quiz me on?", TOPICS),
    ("skip connections help gradients flow through deep networks", GRADED), ("stop", STOPPED),
    ("is the recommendation MLE intern remote?", REMOTE), ("which one pays best?", BEST),
    ("and where is it?", WHERE_TOP), ("what does the e-commerce PhD role pay?", ECOM_PAY),
    ("what about the other PhD one?", OTHER_PHD), ("tell me about the San Jose role", CARD),
    ("start a mock interview for it", MOCK_IT), ("stop", MOCK_STOPPED), ("give me 3 pytroch questions", PYTORCH),
    ("stop", STOPPED), ("quiz me on reccomendation systems", RECSYS), ("stop", STOPPED), ("thanks!", THANKED),
]
PARAPHRASES = [
    ("hello", GREETED), ("good morning", GREETED), ("which jobs do you have?", LISTED),
    ("show me every role", LISTED), ("what are the requirements for the e-commerce PhD internship?", REQUIREMENTS),
    ("which skills are needed for the multimodal internship?", SKILLS), ("test me on that role", QUIZ_ROLE),
    ("make them harder", HARDER), ("which topics are there?", TOPICS),
    ("use a harder negative sampling strategy so the model learns fine distinctions", GRADED),
    ("end the quiz", STOPPED), ("can the BS/MS recommendation MLE intern work from home?", REMOTE),
    ("which role pays the most?", BEST), ("where's that one located?", WHERE_TOP),
    ("how much does the e-commerce PhD internship pay?", ECOM_PAY), ("and the other PhD one?", OTHER_PHD),
    ("give me an overview of the San Jose internship", CARD),
    ("let's do a practice interview for that role", MOCK_IT), ("stop", MOCK_STOPPED),
    ("ask me two questions about pytroch", has("pytorch question")), ("stop", STOPPED),
    ("test me on reccomender systems", RECSYS), ("stop", STOPPED), ("thank you so much", THANKED),
]


def chat(lines: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PREPBOT_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "bot", "chat"], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=600, input="".join(f"{line}\n" for line in lines))


@pytest.mark.parametrize("turns", [ISSUE_WORDS, PARAPHRASES], ids=["issue-words", "paraphrases"])
def test_why_examples_in_a_piped_chat(indexed_data_dir: Path, turns: list[tuple[str, Check]]) -> None:
    result = chat([text for text, _ in turns], indexed_data_dir)
    assert result.returncode == 0, result.stderr
    replies = result.stdout.split("you> ")[1:]
    assert len(replies) == len(turns), result.stdout[-2000:]
    for (text, check), reply in zip(turns, replies, strict=True):
        assert check(reply), f"{text!r} ->\n{reply}"
        assert not ID.search(reply), f"a raw id in the reply to {text!r}:\n{reply}"
        assert not re.search(r"\bDEBUG\b|\bINFO\b|Traceback|^error:", reply, re.M), reply
