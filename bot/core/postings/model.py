"""The structured form of a job posting, shared by the index, the answers and the quizzes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SECTIONS = (
    "about",
    "responsibilities",
    "minimum_qualifications",
    "preferred_qualifications",
    "logistics",
    "other",
)
SECTION_TITLES = {
    "about": "About the role/team",
    "responsibilities": "Responsibilities",
    "minimum_qualifications": "Minimum qualifications",
    "preferred_qualifications": "Preferred qualifications",
    "logistics": "Logistics",
    "other": "Other",
}


@dataclass(frozen=True)
class PostingLine:
    """One bullet or paragraph of a posting: the unit we chunk, quote and cite."""

    text: str
    section: str
    line_no: int
    kind: str = "para"  # para | bullet | header
    heading: str = ""  # the heading the line sits under, as the posting wrote it


@dataclass(frozen=True)
class Pay:
    """A pay figure as stated: a single amount is a range with minimum == maximum."""

    minimum: float
    maximum: float
    unit: str  # hour | week | month | year
    currency: str = "USD"

    def describe(self) -> str:
        symbol = "$" if self.currency == "USD" else f"{self.currency} "
        amount = _money(self.minimum, symbol)
        if self.maximum != self.minimum:
            amount = f"{amount}–{_money(self.maximum, symbol)}"
        return f"{amount} per {self.unit}"

    def per_hour(self) -> float:
        """Midpoint converted to an hourly figure so roles paid in different units compare."""
        hours = {"hour": 1, "week": 40, "month": 173.3, "year": 2080}[self.unit]
        return (self.minimum + self.maximum) / 2 / hours


def _money(amount: float, symbol: str) -> str:
    return f"{symbol}{amount:,.0f}" if amount == int(amount) else f"{symbol}{amount:,.2f}"


@dataclass
class Posting:
    """A parsed posting. `evidence` maps a field name to the posting lines that state it."""

    role_id: str
    title: str
    company: str | None
    source: str
    lines: list[PostingLine]
    level: str | None = None
    locations: list[str] = field(default_factory=list)
    work_mode: str | None = None
    employment_type: str | None = None
    pay: Pay | None = None
    duration: str | None = None
    start_dates: list[str] = field(default_factory=list)
    team: str | None = None
    tech_stack: list[str] = field(default_factory=list)
    application_limit: str | None = None
    evidence: dict[str, list[PostingLine]] = field(default_factory=dict)
    content_hash: str = ""

    def section_lines(self, section: str) -> list[PostingLine]:
        return [line for line in self.lines if line.section == section]

    @property
    def display_name(self) -> str:
        level = f" ({self.level})" if self.level else ""
        return f"{self.title}{level}"

    @property
    def location(self) -> str | None:
        return "; ".join(self.locations) if self.locations else None

    def summary(self) -> dict[str, Any]:
        """The role as `prepbot roles --json` prints it."""
        return {
            "id": self.role_id,
            "title": self.title,
            "company": self.company,
            "location": self.location,
            "work_mode": self.work_mode,
            "level": self.level,
            "pay": self.pay.describe() if self.pay else None,
            "pay_detail": asdict(self.pay) if self.pay else None,
            "duration": self.duration,
            "start_dates": self.start_dates,
            "team": self.team,
            "tech_stack": self.tech_stack,
            "source": self.source,
        }

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = {name: [asdict(line) for line in lines] for name, lines in self.evidence.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Posting:
        data = dict(data)
        data["lines"] = [PostingLine(**line) for line in data["lines"]]
        data["pay"] = Pay(**data["pay"]) if data.get("pay") else None
        data["evidence"] = {k: [PostingLine(**line) for line in v] for k, v in data.get("evidence", {}).items()}
        return cls(**data)
