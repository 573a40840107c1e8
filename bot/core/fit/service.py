"""One fit check end to end, shared by the CLI, the slash command and the DM hook: resolve the
role, judge the resume, turn the gaps into at most five new review cards."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.fit.check import FitReport, check_fit
from bot.core.fit.practice import MAX_NEW_CARDS, GapPractice, gap_practice, mark_scheduled, to_schedule
from bot.core.plan.service import GAPS_SESSION

if TYPE_CHECKING:
    from bot.core.fit.resume import Resume
    from bot.core.postings import Posting
    from bot.core.services import Services


@dataclass
class FitOutcome:
    report: FitReport
    practice: list[GapPractice] = field(default_factory=list)

    @property
    def scheduled(self) -> list[GapPractice]:
        return [p for p in self.practice if p.scheduled]

    @property
    def listed(self) -> list[GapPractice]:
        return [p for p in self.practice if not p.scheduled and p.question_id]

    def to_dict(self) -> dict[str, Any]:
        return self.report.to_dict() | {"practice": [p.to_dict() for p in self.practice]}


def resolve_role(services: Services, text: str) -> Posting:
    """The one role `text` names, by the one role-resolution policy (bot.core.roles): an id, or
    words that name it; `RoleNotFound` / `AmbiguousRole` name the candidates."""
    index = services.index
    exact = index.role(text.strip())
    return exact if exact is not None else index.resolver.resolve_one(text)


def run_fit(services: Services, user_id: str, posting: Posting, resume: Resume, now: datetime,
            *, schedule: bool = True) -> FitOutcome:
    """Check `resume` against `posting`; with `schedule`, gaps become up to five new review cards."""
    report = check_fit(posting, resume)
    maker = services.quiz_maker
    have = services.state.card_ids(user_id) if schedule else set()
    practice = gap_practice(report, maker.bank, maker.profiler.scorer, have)
    if schedule:
        added = services.state.add_new_cards(user_id, to_schedule(practice, MAX_NEW_CARDS), now)
        practice = mark_scheduled(practice, added)
        topics: dict[str, int] = {}
        for item in practice:
            if item.topic:
                topics[item.topic] = topics.get(item.topic, 0) + 1
        # Only the gap topics are remembered (for the study plan), never the resume's text.
        services.state.save_session(user_id, GAPS_SESSION, {"role": posting.role_id, "topics": topics}, now)
    return FitOutcome(report, practice)
