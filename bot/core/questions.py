"""The question bank: `knowledge/questions/<topic>.yaml` plus `topics.yaml`, loaded and validated.

The bank is data reviewed like code, so loading is strict: every problem is reported with the
file and question id it comes from (all of them at once, so one review round fixes them all),
and a bank that does not validate never reaches a user as half-loaded questions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.errors import PrepbotError, UnknownQuestion

DIFFICULTIES = ("easy", "medium", "hard")
LEVELS = ("any", "bs-ms", "phd")
KEY_POINTS_RANGE = (3, 6)
FOLLOW_UPS_RANGE = (1, 3)
TOPICS_FILE = "topics.yaml"
QUESTION_FIELDS = ("id", "topic", "tags", "difficulty", "level", "question", "key_points", "follow_ups")
OPTIONAL_FIELDS = ("key_terms",)  # one string per key point; see knowledge/questions/README.md
ERRORS_SHOWN = 15  # a broken bank lists this many problems; the rest are counted
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9+]+)*")


class InvalidQuestionBank(PrepbotError):
    """The bank files break the schema; the message names each file and question id at fault."""


@dataclass(frozen=True)
class TopicInfo:
    """One topic of `topics.yaml`: its description and terms weight a role's quiz toward it."""

    id: str
    name: str
    description: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class BankQuestion:
    """A question written by the team, with the key points a strong answer states."""

    id: str
    topic: str
    tags: tuple[str, ...]
    difficulty: str
    level: str
    question: str
    key_points: tuple[str, ...]
    follow_ups: tuple[str, ...]
    source_file: str = ""
    key_terms: tuple[str, ...] = ()  # per key point: "term | synonym; term | synonym" (the grader's data)


class QuestionBank:
    """All bank questions by id and topic; immutable once loaded."""

    def __init__(self, questions: list[BankQuestion], topic_infos: dict[str, TopicInfo]) -> None:
        self._by_id = {q.id: q for q in questions}
        self._infos = dict(topic_infos)
        self._by_topic: dict[str, list[BankQuestion]] = {topic: [] for topic in self._infos}
        for question in questions:
            self._by_topic.setdefault(question.topic, []).append(question)

    # ----- loading ------------------------------------------------------------------------------
    @classmethod
    def load(cls, directory: Path | str) -> QuestionBank:
        """Read and validate every `<topic>.yaml` in `directory`; raises `InvalidQuestionBank`."""
        folder = Path(directory)
        if not folder.is_dir():
            raise InvalidQuestionBank(f"The question bank folder {folder} does not exist.")
        problems: list[str] = []
        infos = _load_topics(folder / TOPICS_FILE, problems)
        questions: list[BankQuestion] = []
        seen: dict[str, str] = {}
        for path in sorted(folder.glob("*.yaml")):
            if path.name == TOPICS_FILE:
                continue
            for question in _load_topic_file(path, infos, problems):
                if question.id in seen:
                    problems.append(f"{path.name}: question '{question.id}' repeats an id already used in "
                                    f"{seen[question.id]}")
                    continue
                seen[question.id] = path.name
                questions.append(question)
        if not questions and not problems:
            problems.append(f"{folder}: no question files (<topic>.yaml) found")
        if problems:
            raise InvalidQuestionBank(_problem_report(problems))
        return cls(questions, infos)

    # ----- lookups ------------------------------------------------------------------------------
    def get(self, question_id: str) -> BankQuestion:
        """The question with this id; `UnknownQuestion` suggests near ids (typos are common)."""
        question = self._by_id.get(question_id.strip())
        if question is not None:
            return question
        raise UnknownQuestion(self.unknown_message(question_id))

    def unknown_message(self, question_id: str) -> str:
        close = difflib.get_close_matches(question_id.strip().lower(), list(self._by_id), n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        example = next(iter(self._by_id), "recsys-multi-stage-funnel")
        return (f"No question '{question_id}' in the question bank.{hint} Ids look like "
                f"'{example}'; `prepbot quiz` shows the ids of the questions it asks.")

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id

    def __iter__(self) -> Iterator[BankQuestion]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def topics(self) -> list[str]:
        """Topic ids in the order `topics.yaml` lists them."""
        return list(self._infos)

    def topic_info(self, topic: str) -> TopicInfo:
        return self._infos[topic]

    @property
    def topic_infos(self) -> dict[str, TopicInfo]:
        return dict(self._infos)

    def questions(
        self, topic: str | None = None, difficulty: str | None = None, level: str | None = None
    ) -> list[BankQuestion]:
        """Questions matching every filter given, in bank order (stable, so seeded draws repeat)."""
        pool = self._by_topic.get(topic, []) if topic else list(self._by_id.values())
        return [
            q for q in pool
            if (difficulty is None or q.difficulty == difficulty) and (level is None or q.level == level)
        ]


# ----- validation -------------------------------------------------------------------------------
def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        problems.append(f"{path.name}: cannot be read as YAML ({str(err).splitlines()[0]})")
        return None


def _load_topics(path: Path, problems: list[str]) -> dict[str, TopicInfo]:
    """Topic ids, names, descriptions and terms; the bank's topics must all be declared here."""
    if not path.exists():
        problems.append(f"{TOPICS_FILE}: missing (it describes each topic)")
        return {}
    data = _read_yaml(path, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.append(f"{TOPICS_FILE}: must map topic ids to name/description/terms")
        return {}
    infos: dict[str, TopicInfo] = {}
    for topic, body in data.items():
        where = f"{TOPICS_FILE}: topic '{topic}'"
        if not isinstance(body, dict):
            problems.append(f"{where} must have name, description and terms")
            continue
        name, description, terms = body.get("name"), body.get("description"), body.get("terms")
        if not _text(name) or not _text(description):
            problems.append(f"{where} needs a non-empty name and description")
            continue
        if not isinstance(terms, list) or not all(_text(t) for t in terms):
            problems.append(f"{where}: terms must be a list of strings")
            continue
        infos[str(topic)] = TopicInfo(str(topic), name.strip(), " ".join(description.split()),
                                      tuple(t.strip() for t in terms))
    return infos


def _load_topic_file(path: Path, infos: dict[str, TopicInfo], problems: list[str]) -> list[BankQuestion]:
    data = _read_yaml(path, problems)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        problems.append(f"{path.name}: must have `topic:` and a `questions:` list")
        return []
    topic = data.get("topic")
    if topic != path.stem:
        problems.append(f"{path.name}: `topic: {topic}` must equal the file name '{path.stem}'")
    if infos and path.stem not in infos:
        problems.append(f"{path.name}: topic '{path.stem}' is not described in {TOPICS_FILE}")
    found = []
    for position, item in enumerate(data["questions"], start=1):
        question = _question(item, path, position, problems)
        if question is not None:
            found.append(question)
    return found


def _question(item: Any, path: Path, position: int, problems: list[str]) -> BankQuestion | None:
    """One question, or None after recording every reason it is invalid."""
    if not isinstance(item, dict):
        problems.append(f"{path.name}: question #{position} is not a mapping")
        return None
    qid = item.get("id")
    where = f"{path.name}: question '{qid}'" if _text(qid) else f"{path.name}: question #{position}"
    before = len(problems)
    missing = [name for name in QUESTION_FIELDS if name not in item]
    extra = sorted(set(item) - set(QUESTION_FIELDS) - set(OPTIONAL_FIELDS))
    if missing:
        problems.append(f"{where} is missing {', '.join(missing)}")
    if extra:
        problems.append(f"{where} has unknown fields {', '.join(map(str, extra))} (typo?)")
    if missing:
        return None
    _check_id(item, path, where, problems)
    if item["difficulty"] not in DIFFICULTIES:
        problems.append(f"{where}: difficulty '{item['difficulty']}' must be one of {', '.join(DIFFICULTIES)}")
    if item["level"] not in LEVELS:
        problems.append(f"{where}: level '{item['level']}' must be one of {', '.join(LEVELS)}")
    if not _text(item["question"]):
        problems.append(f"{where}: the question text is empty")
    if not isinstance(item["tags"], list) or not item["tags"] or not all(_text(t) for t in item["tags"]):
        problems.append(f"{where}: tags must be a non-empty list of strings")
    _check_list(item["key_points"], "key_points", KEY_POINTS_RANGE, where, problems)
    _check_list(item["follow_ups"], "follow_ups", FOLLOW_UPS_RANGE, where, problems)
    _check_key_terms(item, where, problems)
    if len(problems) > before:
        return None
    return BankQuestion(
        id=item["id"],
        topic=item["topic"],
        tags=tuple(str(t).strip() for t in item["tags"]),
        difficulty=item["difficulty"],
        level=item["level"],
        question=" ".join(item["question"].split()),
        key_points=tuple(" ".join(p.split()) for p in item["key_points"]),
        follow_ups=tuple(" ".join(f.split()) for f in item["follow_ups"]),
        source_file=path.name,
        key_terms=tuple(" ".join(t.split()) for t in item.get("key_terms") or ()),
    )


def _check_key_terms(item: dict, where: str, problems: list[str]) -> None:
    """Key terms, when given: one parseable string per key point, in the same order."""
    from bot.core.grading.terms import KeyTermsError, parse_key_terms

    terms = item.get("key_terms")
    if terms is None:
        return
    points = item["key_points"]
    if not isinstance(terms, list) or not all(_text(t) for t in terms):
        problems.append(f"{where}: key_terms must be a list of non-empty strings")
        return
    if isinstance(points, list) and len(terms) != len(points):
        problems.append(f"{where}: key_terms has {len(terms)} items but key_points has {len(points)} "
                        f"(one per key point, in order)")
        return
    for number, text in enumerate(terms, start=1):
        try:
            parse_key_terms(text)
        except KeyTermsError as err:
            problems.append(f"{where}: key_terms #{number}: {err}")


def _check_id(item: dict, path: Path, where: str, problems: list[str]) -> None:
    qid, topic = item["id"], item["topic"]
    if topic != path.stem:
        problems.append(f"{where}: topic '{topic}' does not match its file '{path.name}'")
    if not isinstance(qid, str) or not _ID.fullmatch(qid):
        problems.append(f"{where}: the id must be lower-case words joined by '-'")
    elif not qid.startswith(f"{path.stem}-"):
        problems.append(f"{where}: the id must start with '{path.stem}-'")


def _check_list(value: Any, name: str, bounds: tuple[int, int], where: str, problems: list[str]) -> None:
    low, high = bounds
    if not isinstance(value, list) or not all(_text(v) for v in value):
        problems.append(f"{where}: {name} must be a list of non-empty strings")
    elif not low <= len(value) <= high:
        problems.append(f"{where}: {name} must have {low}-{high} items (found {len(value)})")
    elif len({" ".join(v.lower().split()) for v in value}) < len(value):
        problems.append(f"{where}: {name} repeats an item")


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _problem_report(problems: list[str]) -> str:
    shown = "\n".join(f"  - {p}" for p in problems[:ERRORS_SHOWN])
    more = f"\n  ...and {len(problems) - ERRORS_SHOWN} more" if len(problems) > ERRORS_SHOWN else ""
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return f"The question bank is invalid ({count}):\n{shown}{more}"
