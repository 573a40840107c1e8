"""Pay as stated: amount or range, ISO currency and unit, from how postings write money.

Currency marks ($, US$, CA$, €, £, ₹, S$, codes before or after the figure) come from
knowledge/postings_reading/currencies.yaml; numbers are read with price-parser, so "8,500",
"2.100" and "4 000" all parse. Indian "LPA"/"lakh" figures are stored in rupees per year.
"Competitive" is wording, not a figure: it becomes a note and no amount is invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.core.postings.meaning import load_yaml
from bot.core.postings.model import Pay

_NUMBER = r"\d{1,3}(?:[,.\u202f ]\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
_SCALE = r"\s?(?:[kK]\b|LPA\b|lakhs?\b|lacs?\b|L\b(?=\s*(?:p\.?a|per)))"
_UNITS = (
    ("hour", re.compile(r"^\W{0,3}(?:(?:per|an|a|/|each)\s?(?:hour|hr)\b|/\s?h\b|hourly|p/?h\b)", re.I)),
    ("month", re.compile(r"^\W{0,3}(?:per|a|/|each)\s?(?:month|mo)\b|^\W{0,3}monthly|^\W{0,3}p\.?c\.?m\b", re.I)),
    ("year", re.compile(r"^\W{0,3}(?:per|a|/|each)\s?(?:year|yr|annum)\b|^\W{0,3}(?:annual|yearly|p\.?a\.?\b)", re.I)),
    ("week", re.compile(r"^\W{0,3}(?:per|a|/|each)\s?(?:week|wk)\b|^\W{0,3}weekly", re.I)),
)
_UNIT_WORDS = (
    ("hour", re.compile(r"\bhourly\b|\bper hour\b|/\s?(?:hour|hr)\b", re.I)),
    ("month", re.compile(r"\bmonthly\b|\bper month\b|/\s?mo(?:nth)?\b|\bstipend\b", re.I)),
    ("year", re.compile(r"\bannual(?:ly)?\b|\byearly\b|\bper (?:year|annum)\b|\bsalary\b|\bCTC\b|\bLPA\b", re.I)),
    ("week", re.compile(r"\bweekly\b|\bper week\b", re.I)),
)
PAY_CONTEXT = re.compile(
    r"\b(?:pay|paid|salary|salaries|compensation|wages?|rate|stipend|allowance|CTC|base|remuneration|earn|"
    r"hourly|per hour|per month|per year|per annum|LPA|OTE)\b",
    re.I,
)
_NOT_PAY_AFTER = re.compile(
    r"^\s*(?:[mMbB]\b|million|billion|bn\b|in (?:funding|revenue|ARR)|Series|seed|raised|relocation|signing)", re.I
)
_NOT_PAY_BEFORE = re.compile(
    r"(?:relocation|signing|referral|raised|funding|revenue|valued at|over|budget)\W{0,20}$", re.I
)
COMPETITIVE = re.compile(r"\bcompetitive\b|\bDOE\b|\bdepending on experience\b|\bnegotiable\b", re.I)


@dataclass(frozen=True)
class _Currencies:
    pattern: re.Pattern[str]  # any currency mark
    codes: dict[str, str]  # lower-cased mark -> ISO code


@cache
def currencies() -> _Currencies:
    data = load_yaml("currencies.yaml")
    codes = {mark.lower(): code for code, marks in data["currencies"].items() for mark in [code, *marks]}
    marks = sorted({m for m in codes}, key=len, reverse=True)
    alternation = "|".join(re.escape(m) if not m.isalpha() else rf"\b{re.escape(m)}\b" for m in marks)
    return _Currencies(re.compile(f"(?:{alternation})", re.I), codes)


@cache
def _money_pattern() -> re.Pattern[str]:
    cur = currencies().pattern.pattern
    one = rf"(?:(?P<@cur>{cur})\s?(?:{cur})?\s?)?(?P<@num>{_NUMBER})(?P<@scale>{_SCALE})?"
    first, second = one.replace("@", "a"), one.replace("@", "b")
    return re.compile(
        rf"(?<![\w.]){first}(?:\s?(?P<apost>{cur}))?(?:\s*(?:-|–|—|to|and)\s*{second})?(?:\s?(?P<post>{cur}))?"
        rf"(?![\w%])(?!\.\d)",
        re.I,
    )


def _number(text: str) -> float | None:
    from price_parser import Price

    amount = Price.fromstring(text.replace("\u202f", ",")).amount
    return float(amount) if amount is not None else None


def _scale(token: str | None) -> float:
    token = (token or "").strip().lower()
    if not token:
        return 1
    return 1000 if token == "k" else 100_000


def _unit_after(text: str) -> str | None:
    text = re.sub(r"^\s*\([^)]{0,30}\)", "", text)  # "€2,100 (gross) monthly"
    for unit, pattern in _UNITS:
        if pattern.search(text[:30]):
            return unit
    return None


def unit_in(text: str) -> str | None:
    """A pay period named anywhere in a text ('Monthly allowance', 'hourly', 'LPA')."""
    for unit, pattern in _UNIT_WORDS:
        if pattern.search(text):
            return unit
    return None


def find_pay(text: str, label: str = "") -> Pay | None:
    """The first figure in `text` written as money (a currency mark or LPA), with its unit.

    `label` is the meta label the text sits under ("Monthly allowance"), a fallback for the unit.
    """
    for match in _money_pattern().finditer(text):
        marks = [match.group(g) for g in ("acur", "apost", "bcur", "post") if match.group(g)]
        scale_a, scale_b = match.group("ascale"), match.group("bscale")
        lakh = any(s and s.strip().lower() not in ("k",) for s in (scale_a, scale_b))
        if not marks and not lakh:
            continue
        if _NOT_PAY_AFTER.match(text[match.end() :]) or _NOT_PAY_BEFORE.search(text[: match.start()]):
            continue
        code = _currency(marks, text)
        low = _number(match.group("anum"))
        if low is None:
            continue
        high = _number(match.group("bnum")) if match.group("bnum") else low
        if high is None:
            continue
        scale_a_value = _scale(scale_a)
        scale_b_value = _scale(scale_b) if match.group("bnum") else scale_a_value
        if not scale_a:
            scale_a_value = scale_b_value  # "₹28–34 LPA", "$150–180K": the scale is written once
        low, high = low * scale_a_value, high * scale_b_value
        stated_end = match.end() + _unit_span(text[match.end() :])
        if not match.group("bnum"):  # "$40/hr - $46/hr": the range's second figure follows the first's unit
            second = re.match(r"\s*(?:-|–|—|to)\s*", text[stated_end:])
            follow = _money_pattern().match(text, stated_end + second.end()) if second else None
            if follow and follow.group("acur") and (value := _number(follow.group("anum"))) is not None:
                high = value * _scale(follow.group("ascale") or scale_a)
                stated_end = follow.end() + _unit_span(text[follow.end() :])
        unit = "year" if lakh else None
        unit = unit or _unit_after(text[match.end() :]) or unit_in(label) or unit_in(_sentence_at(text, match.start()))
        unit = unit or ("year" if low >= 10_000 else "hour" if low < 300 else "month")
        note = _note(text[stated_end:])
        return Pay(min(low, high), max(low, high), unit, code, text[match.start() : stated_end].strip(), note)
    return None


def _currency(marks: list[str], text: str) -> str:
    codes = currencies().codes
    found = [codes.get(mark.strip().lower(), "") for mark in marks]
    specific = [code for code in found if code and code != "USD"]
    if specific:
        return specific[0]
    bare_dollar = all(mark.strip() == "$" for mark in marks)
    if bare_dollar:  # "$" alone: a dollar named elsewhere on the line ("CAD", "Canadian dollars") decides
        for mark in currencies().pattern.findall(text):
            code = codes.get(mark.lower())
            if code and code != "USD" and "$" not in mark and code in _DOLLAR_CODES:
                return code
    return found[0] if found and found[0] else "USD"


_DOLLAR_CODES = {"CAD", "AUD", "SGD", "NZD", "HKD", "USD"}


def _unit_span(after: str) -> int:
    for _unit, pattern in _UNITS:
        match = pattern.search(after[:30])
        if match:
            return match.end()
    lpa = re.match(r"\s?(?:LPA|p\.?a\.?)\b", after)
    return lpa.end() if lpa else 0


def _note(after: str) -> str:
    """Wording right after the figure: '(gross)', 'plus equity', 'pro rata' -- up to the sentence end."""
    text = re.split(r"(?<=[.;])\s|\s[·|]\s", after, maxsplit=1)[0].strip(" ,;.")
    return text[:80]


def _sentence_at(text: str, index: int) -> str:
    start = max(text.rfind(". ", 0, index), 0)
    end = text.find(". ", index)
    return text[start : end if end != -1 else len(text)]


def structured_pay(salary: object) -> Pay | None:
    """A schema.org baseSalary (MonetaryAmount) as a Pay, or None if it gives no figure."""
    if not isinstance(salary, dict):
        return None
    value = salary.get("value", salary)
    code = str(salary.get("currency") or (value.get("currency") if isinstance(value, dict) else "") or "USD").upper()
    if isinstance(value, dict):
        low = value.get("minValue", value.get("value"))
        high = value.get("maxValue", low)
        unit_text = str(value.get("unitText") or salary.get("unitText") or "")
    else:
        low = high = value
        unit_text = str(salary.get("unitText") or "")
    try:
        low_f, high_f = float(str(low).replace(",", "")), float(str(high).replace(",", ""))
    except (TypeError, ValueError):
        return None
    unit = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}.get(unit_text.upper())
    unit = unit if unit in ("hour", "week", "month", "year") else ("year" if low_f >= 10_000 else "hour")
    amount = f"{low_f:,.0f}" if low_f == high_f else f"{low_f:,.0f}–{high_f:,.0f}"
    stated = f"baseSalary: {amount} {code} per {unit} (structured data)"
    return Pay(min(low_f, high_f), max(low_f, high_f), unit, code, stated, "")
