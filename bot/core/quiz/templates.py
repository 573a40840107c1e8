"""Question templates: the question, key points and follow-ups written for one `Focus` of a posting.

The template is chosen by what the line asks for (a tool, a research area, a system duty, a
collaboration duty, a qualification). Tools the team knows well have reviewed questions in
`knowledge/quiz/tool_guides.yaml`; any other tool gets a generic question about the candidate's use of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.core.errors import PrepbotError
from bot.core.postings import Posting, PostingLine
from bot.core.postings.tech import find_tech
from bot.core.quiz.interviewer import ACTION_VERBS as _VERBS
from bot.core.quiz.interviewer import ask
from bot.core.quiz.lines import Focus, natural_case
from bot.core.quiz.model import clip

TOOL_GUIDES_FILE = Path(__file__).resolve().parents[3] / "knowledge" / "quiz" / "tool_guides.yaml"
KEY_POINTS_RANGE = (3, 6)
FOLLOW_UPS_RANGE = (1, 3)
DIFFICULTY = {"tool": "medium", "research": "hard", "system": "hard", "collaboration": "medium",
              "qualification": "easy"}
PUBLICATION = re.compile(r"\b(publications?|papers?|authorship|first-author)\b", re.I)
_COMPETITION = re.compile(r"\b(competitions?|kaggle|acm|contests?)\b", re.I)
_TECHNIQUE = re.compile(
    r"\b(models?|learning|networks?|prompting|pretraining|transformers?|diffusion|labell?ing|generation|"
    r"rl|contrastive|attention|embeddings?|\w+-shot|bm25|learning-to-rank|lambdamart|ranknet|gbdt|"
    r"distillation|quantization|fine-tuning|algorithms?|techniques?|methods?|approach(?:es)?|llms?|mllms?|"
    r"vlms?|gnns?|cnns?|rnns?)\b",
    re.I,
)
_DOMAINS = (("recommend", "recommendation"), ("search", "search"), ("ranking", "ranking"),
            ("advertis", "ads"), ("content understanding", "content understanding"), ("fraud", "fraud detection"))
_METRICS = {
    "recommendation": "recall@k, NDCG or AUC",
    "search": "NDCG, MRR or recall@k",
    "ranking": "NDCG or AUC",
    "ads": "AUC, log loss and calibration",
}


class InvalidToolGuides(PrepbotError):
    """The tool guides file breaks its schema; the message names each entry at fault."""


@dataclass(frozen=True)
class Draft:
    """A question before it is tied to a posting: its wording, key points and follow-ups."""

    question: str
    key_points: tuple[str, ...]
    follow_ups: tuple[str, ...]


def draft_for(focus: Focus, posting: Posting) -> Draft | None:
    """The template's question for `focus`, chosen by the focus's kind, worded as an interviewer
    asks it (bot.core.quiz.interviewer); None when the line has no subject worth a question.

    The kind drafts below still supply the key points and follow-ups; their own question wording is
    replaced by the interviewer's (it quoted the posting's line) and is kept only until they are
    rewritten as key-point sets."""
    domain = _domain(focus, posting)
    if focus.kind == "tool":
        return tool_draft(focus.item or "")
    if focus.kind == "research":
        draft = _research_draft(focus, domain)
    elif focus.kind == "system":
        draft = _system_draft(focus, domain)
    elif focus.kind == "collaboration":
        draft = _collaboration_draft(focus)
    else:
        draft = _qualification_draft(focus, domain)
    kind = focus.kind
    if kind == "qualification" and PUBLICATION.search(focus.clause):
        kind = "publication"
    elif kind == "qualification" and _COMPETITION.search(focus.clause):
        kind = "competition"
    named_tool = bool(focus.item and find_tech([PostingLine(focus.item, "other", 0)])[0])
    technique = bool(focus.item and (_TECHNIQUE.search(focus.item) or named_tool))
    question = ask(focus, kind, domain, f"{posting.role_id}:{focus.line.line_no}:{focus.k}", technique=technique)
    return Draft(question, draft.key_points, draft.follow_ups) if question else None


# ----- tool guides (data) ----------------------------------------------------------------------------
def load_tool_guides(path: Path = TOOL_GUIDES_FILE) -> dict[str, Draft]:
    """Every guide in `path` by tool name; raises `InvalidToolGuides` listing every problem at once."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise InvalidToolGuides(f"The tool guides file {path} cannot be read ({err}).") from err
    entries = data.get("tools") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InvalidToolGuides(f"{path}: expected a top-level `tools:` list.")
    guides: dict[str, Draft] = {}
    problems: list[str] = []
    for number, entry in enumerate(entries, 1):
        draft, tool, problem = _guide(entry)
        if problem:
            problems.append(f"{path.name} entry {number} ({tool or 'no tool'}): {problem}")
        elif tool in guides:
            problems.append(f"{path.name} entry {number}: {tool} is listed twice")
        else:
            guides[tool] = draft
    if problems:
        raise InvalidToolGuides("Invalid tool guides:\n" + "\n".join(problems))
    return guides


def _guide(entry: Any) -> tuple[Draft, str, str]:
    """(draft, tool, problem): one entry checked against the schema; problem is '' when it is valid."""
    empty = Draft("", (), ())
    if not isinstance(entry, dict):
        return empty, "", "not a mapping"
    tool, question = entry.get("tool"), entry.get("question")
    points, follow_ups = entry.get("key_points"), entry.get("follow_ups")
    if not isinstance(tool, str) or not tool.strip():
        return empty, "", "`tool` must be a non-empty string"
    opening = re.split(r"\.\s", question, maxsplit=1)[0].lower() if isinstance(question, str) else ""
    if not opening.startswith("this role asks for") or tool.lower() not in opening:
        return empty, tool, f"`question` must open with “This role asks for …” naming {tool}"
    for name, value, (low, high) in (("key_points", points, KEY_POINTS_RANGE),
                                     ("follow_ups", follow_ups, FOLLOW_UPS_RANGE)):
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return empty, tool, f"`{name}` must be a list of non-empty strings"
        if not low <= len(value) <= high:
            return empty, tool, f"`{name}` has {len(value)} entries; {low} to {high} are allowed"
    return Draft(question, tuple(points), tuple(follow_ups)), tool, ""


@cache
def tool_guides() -> dict[str, Draft]:
    """The bundled guides, read once per process (the file is data shipped with the code)."""
    return load_tool_guides()


def tool_draft(tool: str) -> Draft:
    """The reviewed guide for `tool`, else a generic question about the candidate's use of it."""
    guide = tool_guides().get(tool)
    if guide:
        return guide
    return Draft(
        f"This role asks for {tool}. What have you built with {tool}, what is it good at and where does it fall "
        f"short, and what is one problem you hit with it and how did you solve it?",
        (
            f"Describes a concrete project that used {tool}, with their own part in it.",
            f"Explains what {tool} is good at for that use case compared with an alternative.",
            f"Names a real limitation or pitfall of {tool}.",
            "Walks through a problem they hit, how they found the root cause and how they fixed it.",
        ),
        (f"What would make you replace {tool} in that project?",),
    )


# ----- wording helpers --------------------------------------------------------------------------------
def _stem(focus: Focus) -> str:
    """"This role asks you to explore generative recommendation techniques including diffusion models."."""
    lead = natural_case(focus.lead.split()[0]) + focus.lead[len(focus.lead.split()[0]):] if focus.lead else ""
    first = lead.split()[0].lower() if lead else ""
    including = f" including {focus.item}" if focus.item and focus.kind in ("research", "system") else ""
    if first in _VERBS:
        return f"This role asks you to {lead}{including}."
    return f"This role involves {lead}{including}."


def _domain(focus: Focus, posting: Posting) -> str:
    """What the role works on ("recommendation"), so a question can say where an item is applied."""
    item = (focus.item or "").lower()
    for text in (focus.clause, focus.line.text, posting.title):
        lowered = text.lower()
        for needle, name in _DOMAINS:
            if re.search(rf"\b{needle}", lowered) and needle not in item:
                return name
    return "this team's product"  # reads as "in this team's product"


def _metrics(domain: str) -> str:
    return _METRICS.get(domain, "metrics that match the goal")


# ----- templates by kind ------------------------------------------------------------------------------
def _research_draft(focus: Focus, domain: str) -> Draft:
    item, stem, metrics = focus.item, _stem(focus), _metrics(domain)
    evaluation = (f"Offline evaluation uses {metrics} on held-out data, and online evaluation is an A/B test "
                  f"against the production baseline.")
    if item is None:
        return Draft(
            f"{stem} Pick one technique you would try first for this, explain how it works, and how you would "
            f"evaluate it offline and online.",
            ("Chooses a specific technique for this work and justifies it over a simpler baseline.",
             "Explains how the chosen technique works, including its training objective and the data it needs.",
             evaluation,
             "Names the main risk of the technique and how to detect or mitigate it."),
            ("What result would make you abandon the technique?",),
        )
    if _TECHNIQUE.search(item):
        return Draft(
            f"{stem} How would you apply {item} to {domain}, and how would you evaluate it offline and online?",
            (f"Explains the mechanism behind {item} and why it suits {domain}.",
             f"Describes a concrete design that uses {item} in the {domain} pipeline, with its inputs, training "
             f"objective and serving cost.",
             evaluation,
             f"Names a risk of {item}, such as cost, latency, bias or unstable training, and how to mitigate it."),
            (f"What simpler baseline would {item} have to beat, and by how much?",
             f"How would you serve {item} within a tight latency budget?"),
        )
    return Draft(
        f"{stem} How would you approach {item} in {domain}, and how would you evaluate the result offline and "
        f"online?",
        (f"Defines the {item} problem precisely and why it matters for {domain}.",
         f"Proposes concrete techniques for {item} and the data they need.",
         evaluation,
         f"Discusses the trade-offs and failure modes of the proposed approach to {item}."),
        (f"How would you know that your work on {item} helped users rather than just a metric?",),
    )


def _system_draft(focus: Focus, domain: str) -> Draft:
    return Draft(
        f"{_stem(focus)} How would you design this for production, and how would you find and fix the bottleneck "
        f"when {domain} quality or latency degrades?",
        ("Lays out the components end to end: data and feature pipelines, training, model serving and monitoring.",
         "Keeps training and serving features consistent, for example with a shared feature store or logged "
         "features.",
         "Meets latency and throughput budgets with caching, batching, model compression or a multi-stage design.",
         "Monitors data drift, model quality and system health with alerts, and can roll back a bad model quickly.",
         "Ships changes behind an A/B test and measures their impact on the product metrics."),
        ("Which metric would you alert on first, and why?",
         "How would you roll out a new model version safely?"),
    )


def _collaboration_draft(focus: Focus) -> Draft:
    return Draft(
        f"{_stem(focus)} Tell me about a time you worked with product managers, engineers or other teams to ship "
        f"an ML solution: how did you agree on goals and metrics, handle a disagreement, and what was the outcome?",
        ("Uses one specific example with the situation, their own role and actions, and the result.",
         "Agrees with partners on a shared goal and a measurable success metric before building.",
         "Explains technical trade-offs in terms partners care about, such as user impact, cost and timeline.",
         "Resolves disagreement with data or a small experiment rather than authority.",
         "States the measurable outcome and what they would do differently next time."),
        ("What would you do if the product team wanted to launch a model that failed your offline checks?",),
    )


def _qualification_draft(focus: Focus, domain: str) -> Draft:
    quote = f"“{clip(focus.clause, 120)}”"
    if PUBLICATION.search(focus.clause):
        return Draft(
            f"The posting asks for {quote}. Pick your strongest paper: what problem did it solve, what was your "
            f"own contribution, how did you show it works, and what would you do next?",
            ("States the problem the paper solves and why it matters.",
             "Explains what is new compared with the closest prior work.",
             "Separates their own contribution from their co-authors'.",
             "Supports the claims with baselines, ablations and the right metrics.",
             "Names a limitation of the work and a concrete next step."),
            (f"How could that work be applied to {domain}?",),
        )
    if _COMPETITION.search(focus.clause):
        return Draft(
            f"The posting mentions {quote}. Describe a competition problem you solved: how you approached it, how "
            f"you validated your solution, and what set your result apart?",
            ("Frames the problem and the metric it was judged on.",
             "Builds a validation scheme that mirrors the hidden test set, avoiding overfitting the leaderboard.",
             "Explains the key modelling or algorithmic choices and why they beat the alternatives.",
             "Reflects on what they learned that carries over to production work."),
            ("What did the winning solutions do that yours did not?",),
        )
    if focus.item:
        item = focus.item
        return Draft(
            f"The posting asks for experience in {item}. Walk me through a project in {item}: the problem, your "
            f"approach and why you chose it, how you measured success, and what you would do differently.",
            (f"Describes a concrete {item} project and their own role in it.",
             "Explains the approach and why it was chosen over alternatives.",
             "Measures success with a clear metric and a baseline.",
             "Reflects on what they would do differently with hindsight."),
            (f"How would that {item} experience help with {domain} here?",),
        )
    return Draft(
        f"The posting asks for {quote}. Give a concrete example from your own work that shows it: what the "
        f"problem was, what you did, and what the result was.",
        ("Uses one specific example with the situation, their own actions and the result.",
         "Explains the technical decisions made and the alternatives considered.",
         "Shows the result with a measured outcome rather than a general claim.",
         f"Connects the experience to this role's work on {domain}."),
        ("What would you do differently if you started that work again today?",),
    )
