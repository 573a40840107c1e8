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
    heading_kind: str = ""  # what that heading is about (knowledge/postings_reading/headings.yaml kinds)


CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "INR": "₹", "SGD": "S$", "AUD": "A$", "JPY": "¥"}
HOURS_PER_WEEK = 40
WEEKS_PER_YEAR = 52
ANNUALISE_ASSUMPTION = f"{HOURS_PER_WEEK} hours a week, {WEEKS_PER_YEAR} weeks a year, 12 months a year"
_PER_YEAR = {"hour": HOURS_PER_WEEK * WEEKS_PER_YEAR, "week": WEEKS_PER_YEAR, "month": 12, "year": 1}


@dataclass(frozen=True)
class Pay:
    """A pay figure as stated: a single amount is a range with minimum == maximum.

    `currency` is an ISO 4217 code and `unit` the period the amount is paid per; `as_stated` keeps
    the posting's own words (e.g. "₹28–34 LPA", stored as 2,800,000–3,400,000 INR per year).
    Amounts in different currencies are never compared: see `comparable` and `compare_pay`.
    """

    minimum: float
    maximum: float
    unit: str  # hour | week | month | year
    currency: str = "USD"
    as_stated: str = ""
    note: str = ""  # wording beside the figure: "plus equity", "pro rata", "depending on location"

    @property
    def amount_min(self) -> float:
        return self.minimum

    @property
    def amount_max(self) -> float:
        return self.maximum

    def describe(self) -> str:
        symbol = CURRENCY_SYMBOLS.get(self.currency, f"{self.currency} ")
        amount = _money(self.minimum, symbol)
        if self.maximum != self.minimum:
            amount = f"{amount}–{_money(self.maximum, symbol)}"
        code = "" if self.currency == "USD" else f" ({self.currency})"
        return f"{amount} per {self.unit}{code}"

    def annualised(self) -> tuple[float, float]:
        """(min, max) per year in the same currency, assuming ANNUALISE_ASSUMPTION (full-time, all year)."""
        factor = _PER_YEAR[self.unit]
        return self.minimum * factor, self.maximum * factor

    def per_hour(self) -> float:
        """Midpoint as an hourly figure in the pay's own currency (same assumption as `annualised`)."""
        low, high = self.annualised()
        return (low + high) / 2 / _PER_YEAR["hour"]

    def comparable(self, other: Pay) -> bool:
        """Two figures can be ranked only in one currency (CA$ is never $)."""
        return self.currency == other.currency

    def detail(self) -> dict[str, object]:
        """The figure for `roles --json`: amounts, ISO currency, unit, the posting's words, annualised."""
        low, high = self.annualised()
        return {
            "amount_min": self.minimum,
            "amount_max": self.maximum,
            "currency": self.currency,
            "unit": self.unit,
            "as_stated": self.as_stated,
            "note": self.note,
            "annualised": {"min": low, "max": high, "currency": self.currency, "assumption": ANNUALISE_ASSUMPTION},
        }


def compare_pay(a: Pay, b: Pay) -> int | None:
    """-1, 0 or 1 comparing annualised midpoints; None when the currencies differ (no exchange rates)."""
    if not a.comparable(b):
        return None
    mid_a, mid_b = (sum(a.annualised()) / 2, sum(b.annualised()) / 2)
    return (mid_a > mid_b) - (mid_a < mid_b)


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
    start_dates: list[str] = field(default_factory=list)  # as written ("June 1st", "Summer 2026")
    start_dates_iso: list[str] = field(default_factory=list)  # the exact days they name, ISO
    start_dates_detail: list[str] = field(default_factory=list)  # as written + ISO: "6/8/2026 (2026-06-08)"
    team: str | None = None
    tech_stack: list[str] = field(default_factory=list)
    application_limit: str | None = None
    max_applications: int | None = None
    source_name: str = ""
    level_detail: str | None = None  # the posting's own words for who may apply
    office_days: str | None = None  # "3 days/week", "Tuesday to Thursday"
    pay_note: str | None = None  # "competitive" and other wording without a figure
    deadline: str | None = None  # ISO date
    deadline_note: str | None = None  # "rolling", "until the position is filled"
    visa: str | None = None
    visa_sponsorship: str | None = None  # yes | no | some (e.g. CPT/OPT but not H-1B)
    skills: list[str] = field(default_factory=list)
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
            "locations": self.locations,
            "office_days": self.office_days,
            "employment_type": self.employment_type,
            "level_detail": self.level_detail,
            "pay": self.pay.describe() if self.pay else self.pay_note,
            "pay_detail": self.pay.detail() if self.pay else ({"note": self.pay_note} if self.pay_note else None),
            "duration": self.duration,
            "start_dates": self.start_dates_detail or self.start_dates,
            "start_dates_iso": self.start_dates_iso,
            "deadline": self.deadline,
            "deadline_note": self.deadline_note,
            "max_applications": self.max_applications,
            "visa": self.visa,
            "visa_sponsorship": self.visa_sponsorship,
            "team": self.team,
            "tech_stack": self.tech_stack,
            "skills": self.skills,
            "source": self.source,
            "source_name": self.source_name,
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
