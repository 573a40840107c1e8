"""The fit check: each requirement of a role is evidenced, mentioned or missing in a resume.

- evidenced: every part of the requirement is named in lines that describe work, study or results
  (experience, projects, research, education...). The line quoted is copied verbatim from the resume.
- mentioned: some part is named somewhere (a skills list, a summary) but not shown in use.
- missing: no part is named.

The check is lexical and deterministic (the same resume and posting always give the same result):
it reports what the resume *says*, with both lines quoted, and never scores how good a person is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.fit.requirements import Requirement, posting_requirements
from bot.core.fit.resume import Resume, ResumeLine
from bot.core.fit.vocab import stems_of_line
from bot.core.postings import Posting

STATUSES = ("evidenced", "mentioned", "missing")
KINDS = ("minimum", "preferred")


@dataclass(frozen=True)
class RequirementFit:
    kind: str  # minimum | preferred
    requirement: str  # the posting line, verbatim
    status: str  # evidenced | mentioned | missing
    posting_quote: str
    posting_line: int
    resume_quote: str | None  # a resume line, verbatim; set for evidenced and mentioned
    resume_line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "requirement": self.requirement, "status": self.status,
                "posting_quote": self.posting_quote, "resume_quote": self.resume_quote}


@dataclass
class FitReport:
    role_id: str
    role_name: str
    posting_source: str
    resume_name: str
    requirements: list[RequirementFit] = field(default_factory=list)

    def counts(self, kind: str) -> dict[str, int]:
        rows = [r for r in self.requirements if r.kind == kind]
        return {"total": len(rows)} | {status: sum(1 for r in rows if r.status == status) for status in STATUSES}

    def summary(self) -> dict[str, Any]:
        """Counts per kind and the sentence people read ("minimum: 5 of 6 evidenced; ...")."""
        counts = {kind: self.counts(kind) for kind in KINDS}
        return counts | {"text": self.summary_text()}

    def summary_text(self) -> str:
        parts = []
        for kind in KINDS:
            counts = self.counts(kind)
            if counts["total"]:
                mentioned = f", {counts['mentioned']} mentioned" if counts["mentioned"] else ""
                parts.append(f"{kind}: {counts['evidenced']} of {counts['total']} evidenced{mentioned}")
        return "; ".join(parts) if parts else "the posting lists no minimum or preferred requirements"

    def by_kind(self) -> list[tuple[str, list[RequirementFit]]]:
        """(kind, its rows in posting order) for each kind the posting lists, minimum first: how
        every front end lays a report out."""
        grouped = [(kind, [r for r in self.requirements if r.kind == kind]) for kind in KINDS]
        return [(kind, rows) for kind, rows in grouped if rows]

    def gaps(self) -> list[RequirementFit]:
        """Requirements not evidenced: minimum ones first, then preferred, each in posting order."""
        return [r for kind in KINDS for r in self.requirements if r.kind == kind and r.status != "evidenced"]

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role_id, "requirements": [r.to_dict() for r in self.requirements],
                "summary": self.summary()}


def check_fit(posting: Posting, resume: Resume) -> FitReport:
    """Judge every requirement of `posting` against `resume` (deterministic, no model calls)."""
    stems = [(line, stems_of_line(line.text)) for line in resume.lines]
    report = FitReport(posting.role_id, posting.display_name, posting.source, resume.source_name)
    for requirement in posting_requirements(posting):
        report.requirements.append(_judge(requirement, stems))
    return report


def _judge(requirement: Requirement, lines: list[tuple[ResumeLine, frozenset[str]]]) -> RequirementFit:
    groups = requirement.groups
    shown = [[line for line, stems in lines if line.shows and group.covered_by(stems)] for group in groups]
    named = [[line for line, stems in lines if group.covered_by(stems)] for group in groups]
    if all(shown):
        status, quote = "evidenced", _best(shown, groups)
    elif any(named):
        status, quote = "mentioned", _best(named, groups)
    else:
        status, quote = "missing", None
    line = requirement.line
    return RequirementFit(requirement.kind, line.text, status, line.text, line.line_no,
                          quote.text if quote else None, quote.line_no if quote else None)


def _best(found: list[list[ResumeLine]], groups) -> ResumeLine | None:
    """The line that covers the most requirement weight (the earliest on a tie)."""
    score: dict[int, tuple[float, ResumeLine]] = {}
    for group, lines in zip(groups, found, strict=True):
        for line in lines:
            total, _ = score.get(line.line_no, (0.0, line))
            score[line.line_no] = (total + group.weight, line)
    if not score:
        return None
    return max(score.values(), key=lambda item: (item[0], -item[1].line_no))[1]
