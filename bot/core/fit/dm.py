"""The DM resume flow's core: "here's my resume" with a file becomes a fit check against the role
named in the message, or else the user's target role. The Discord layer only downloads the file
and renders the result (bot/discord_app/fit_dm.py); the DM router calls its hook first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot.core.fit.resume import read_resume
from bot.core.fit.service import FitOutcome, run_fit
from bot.core.fit.vocab import VOCABULARY_FILE, words

if TYPE_CHECKING:
    from bot.core.postings import Posting
    from bot.core.services import Services

ASK_ROLE = ("Which role should I check your resume against? Name it with the file (\"here's my resume for the "
            "search role\"), set a target role (\"my target role is …\"), or use `/fit role:`.")


@cache
def _resume_words() -> frozenset[str]:
    data = yaml.safe_load(Path(VOCABULARY_FILE).read_text(encoding="utf-8"))
    return frozenset(str(w).lower() for w in data.get("resume_words", []))


def says_resume(text: str, filename: str = "") -> bool:
    """The message or the file's name calls it a resume/CV ("here's my CV", "Jane_Doe_Resume.pdf")."""
    named = set(words(text or "")) | set(words(Path(filename).stem.replace("_", " ")))
    return bool(named & _resume_words())


@dataclass
class DMFit:
    outcome: FitOutcome | None  # None when no role could be chosen
    message: str  # what to say when there is no outcome
    resume_text: str = ""
    filename: str = ""


def fit_from_dm(services: Services, user_id: str, text: str, filename: str, data: bytes,
                content_type: str | None, now: datetime) -> DMFit:
    """Read the upload (refusing what cannot be read), pick the role, run the check."""
    resume = read_resume(data, filename, content_type)
    posting = _role_for(services, user_id, text)
    if posting is None:
        return DMFit(None, ASK_ROLE)
    outcome = run_fit(services, user_id, posting, resume, now)
    return DMFit(outcome, "", resume.text, resume.source_name)


def _role_for(services: Services, user_id: str, text: str) -> Posting | None:
    """A role the message names (exactly one), else the target role."""
    index = services.index
    resolver = getattr(index, "resolver", None)
    if text.strip() and resolver is not None:
        found = resolver.resolve(text)
        if len(found.roles) == 1:
            return found.roles[0]
    target = services.state.get_target_role(user_id)
    return index.role(target) if target else None
