"""Reading a posting's requirement line: what it asks for, as `Focus`es a question can be built on.

A line is split into clauses; each clause yields the tools it names, the items it lists ("such as
diffusion models, prompt learning") or the duty itself, and a kind (tool, research, system,
collaboration, qualification) that picks the question template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.postings import PostingLine
from bot.core.postings.tech import find_tech
from bot.core.profile import ADMIN_LINE

UNITS_PER_LINE = 4  # questions built from one posting line
ITEMS_PER_CLAUSE = 3

_LABEL = re.compile(r"^\s*(?:\d+[.)]\s*)?[A-Z][A-Za-z /&-]{1,24}:\s+")
_MARKER = re.compile(
    r"(?P<paren>\()?\s*(?:\bincluding\b(?:\s*\(but not limited to\))?|\bsuch as\b|\be\.g\.|\bfor example\b|"
    r"\bin one or more of\b(?: the following)?(?: fields)?|\brelated to\b|\busing\b)[:,]?\s*",
    re.I,
)
_SKIP_CLAUSE = re.compile(r"\binternship experience\b|\bprior internship\b", re.I)
_COLLABORATION = re.compile(
    r"\b(cross[- ]functional|collaborat\w*|partner\w* with|stakeholders?|communication|teamwork)\b|"
    r"\bwork(?:ing)? with\b.*\bteams?\b",
    re.I,
)
_SYSTEM = re.compile(
    r"\b(infrastructure|deploy\w*|production|pipelines?|scalab\w*|serving|latency|full[- ]stack|"
    r"end-to-end|stability|efficiency)\b|\b(build|create|creation|develop|design)\b.{0,40}\b(systems?|platforms?)\b",
    re.I,
)
_NOT_SKILLS = frozenset(
    "neurips icml iclr acl emnlp naacl cvpr iccv eccv kdd www sigir recsys aaai ijcai wsdm acm kaggle etc "
    "and more".split()
)


@dataclass(frozen=True)
class Focus:
    """One thing a posting line asks for; one question is built from it."""

    line: PostingLine
    k: int
    clause: str
    lead: str  # the clause's main phrase, e.g. "explore generative recommendation techniques"
    item: str | None  # a listed technique/area ("diffusion models") or a tool ("PyTorch")
    kind: str  # tool | research | system | collaboration | qualification

    @property
    def text(self) -> str:
        """What the question is about, for topic classification and borrowing key points."""
        return f"{self.item}: {self.clause}" if self.item else self.clause


def read_line(line: PostingLine) -> list[Focus]:
    """The focuses of one requirement line, in order; `k` numbers them within the line."""
    text = _LABEL.sub("", line.text, count=1).strip()
    if text.endswith(":"):  # "Focus on key areas including:" only introduces the lines below it
        return []
    found: list[tuple[str, str, str | None, str]] = []
    for clause in (c.strip(" .;") for c in text.split(";")):
        if len(clause.split()) < 3 or ADMIN_LINE.search(clause) or _SKIP_CLAUSE.search(clause):
            continue
        found.extend(_clause_focuses(clause, line.section))
    return [Focus(line, k, clause, lead, item, kind)
            for k, (clause, lead, item, kind) in enumerate(found[:UNITS_PER_LINE])]


def _clause_focuses(clause: str, section: str) -> list[tuple[str, str, str | None, str]]:
    tools = _tools(clause)
    lead, items = _enumeration(clause)
    qualification = section != "responsibilities"
    if tools and (qualification or not items):
        return [(clause, lead, tool, "tool") for tool in tools[:ITEMS_PER_CLAUSE]]
    if _COLLABORATION.search(clause):
        return [(clause, clause, None, "collaboration")]
    if qualification:
        kind = "qualification"
    else:
        kind = "system" if _SYSTEM.search(lead) and not items else "research"
    if not items:
        return [(clause, clause if kind != "research" else lead, None, kind)]
    return [(clause, lead, item, kind) for item in items[:ITEMS_PER_CLAUSE]]


def _tools(clause: str) -> list[str]:
    names, _ = find_tech([PostingLine(clause, "other", 0)])
    return [name for name in names if not (name == "C" and "C++" in names)]


def _enumeration(clause: str) -> tuple[str, list[str]]:
    """("explore generative recommendation techniques", ["diffusion models", "prompt learning", ...])."""
    marker = _MARKER.search(clause)
    if marker is None:
        return _cut_purpose(clause), []
    lead = _cut_purpose(clause[: marker.start()].rstrip(" ,(:"))
    rest = clause[marker.end():]
    if marker["paren"] or "(" in clause[max(0, marker.start() - 2): marker.start() + 1]:
        rest = rest.split(")", 1)[0]
    rest = re.split(r",\s*(?:to|which|that|in order to)\s|\)|;", rest, maxsplit=1)[0]
    parts = [p.strip(" .:") for p in rest.split(",")]
    if parts:
        last = re.sub(r"^(?:and|or)\s+", "", parts[-1])
        pieces = re.split(r"\s+(?:and|or)\s+", last)
        parts = parts[:-1] + (pieces if all(len(p.split()) <= 4 for p in pieces) else [last])
    items = []
    for part in parts:
        nested = _MARKER.search(part)  # "learning-to-rank models such as LambdaMART" -> the models
        part = re.sub(r"^(?:and|or)\s+", "", part[: nested.start()] if nested else part).strip(" .:(")
        if not part or len(part.split()) > 6 or part.lower().startswith("other ") or part.lower() in _NOT_SKILLS:
            continue
        items.append(natural_case(part))
    return (lead if len(lead.split()) >= 2 else _cut_purpose(clause)), items


def _cut_purpose(text: str) -> str:
    """Drop a trailing ", to unlock new capabilities..." purpose clause: the duty is before it."""
    return re.split(r",\s+(?:to|which|that|in order to)\s", text, maxsplit=1)[0].strip(" ,")


def natural_case(text: str) -> str:
    """"Diffusion Models" -> "diffusion models"; acronyms and tools (MLLM, PyTorch, AI-labeling) stay."""
    words = []
    for word in text.split():
        plain = word.strip("()")
        keep = any(c.isupper() for c in plain[1:]) or (len(plain) > 1 and plain[:2].isupper())
        words.append(word if keep else word[:1].lower() + word[1:])
    return " ".join(words)

