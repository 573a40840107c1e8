"""Quizzes tailored to a role: bank questions drawn by the role's topic weights, mixed with
questions built from the role's own requirement lines.

Why both: the bank holds reviewed, deep questions, but only on the topics the team wrote about.
A posting about something the bank covers thinly (search ranking with BM25, say) still deserves
questions about its own stack, so each responsibility or qualification line is turned into one or
more questions by a template chosen by what the line is about (a tool, a research area, a system
duty, a collaboration duty, a qualification). Posting questions get stable ids
(`posting-<role_id>-<line_no>-<k>`), so a question can be rebuilt later from its id alone (reviews
and mock interviews store only ids).
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.core.errors import PrepbotError, RoleNotFound, UnknownQuestion, UnknownTopic
from bot.core.postings import SECTION_TITLES, Posting, PostingLine
from bot.core.postings.tech import find_tech
from bot.core.profile import ADMIN_LINE, RoleProfile, RoleProfiler
from bot.core.questions import DIFFICULTIES, BankQuestion, QuestionBank

if TYPE_CHECKING:
    from bot.core.index import KnowledgeIndex

MAX_QUESTIONS = 20
POSTING_SHARE = 0.4  # of a role quiz: enough to cover the role's own stack, the rest from the bank
TOPIC_DECAY = 0.5  # a topic drawn once is half as likely next time: one strong topic can't fill a quiz
PHD_BOOST = 2.0  # PhD roles draw phd-level questions twice as often as others
MAX_ID_CHARS = 100
POSTING_SECTIONS = ("responsibilities", "minimum_qualifications", "preferred_qualifications")
UNITS_PER_LINE = 4  # questions built from one posting line
ITEMS_PER_CLAUSE = 3
WHY_QUOTE_CHARS = 160
CLAUSE_WEIGHT = 0.3  # the rest of the line, next to the item itself, when classifying an item's topic
BORROWED_POINTS = 2  # key points taken from the bank's questions on the same topic
CONTEXT_BONUS = 0.3  # key points that also share the line's other words ("recommendation") rank higher


class InvalidQuizRequest(PrepbotError):
    """A quiz request whose size or difficulty is out of range."""


class AmbiguousRole(PrepbotError):
    """A role name that matches several roles; the message lists their ids."""


# ----- the quiz ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuizQuestion:
    """A question as asked: from the bank or built from a posting line, with why it was chosen."""

    id: str
    topic: str
    difficulty: str
    question: str
    why: str
    key_points: tuple[str, ...]
    follow_ups: tuple[str, ...] = ()
    source: str = "bank"  # bank | posting
    role_id: str | None = None

    @classmethod
    def from_bank(cls, question: BankQuestion, why: str, role_id: str | None = None) -> QuizQuestion:
        return cls(question.id, question.topic, question.difficulty, question.question, why, question.key_points,
                   question.follow_ups, "bank", role_id)

    def to_dict(self) -> dict[str, Any]:
        """The `prepbot quiz --json` shape of one question."""
        return {"id": self.id, "topic": self.topic, "difficulty": self.difficulty, "question": self.question,
                "why": self.why, "key_points": list(self.key_points), "source": self.source}


@dataclass
class Quiz:
    role: Posting | None
    questions: list[QuizQuestion] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        role = {"id": self.role.role_id, "title": self.role.title} if self.role else None
        return {"role": role, "questions": [q.to_dict() for q in self.questions]}


# ----- the maker -----------------------------------------------------------------------------------
class QuizMaker:
    """Builds quizzes over a question bank and the indexed postings; safe to share across threads."""

    def __init__(self, bank: QuestionBank, index: KnowledgeIndex) -> None:
        self.bank = bank
        self.index = index
        self.profiler = RoleProfiler(bank.topic_infos, index.embeddings)
        self.writer = PostingQuestionWriter(bank, self.profiler)

    def topics(self) -> list[str]:
        return self.bank.topics()

    def profile(self, role: Posting) -> RoleProfile:
        return self.profiler.profile(role)

    def resolve_role(self, name: str) -> Posting:
        """The one role `name` means; `RoleNotFound` / `AmbiguousRole` list the valid ids."""
        known = [p.role_id for p in self.index.roles()]
        found = self.index.resolver.resolve_name(name)
        if len(found.roles) == 1:
            return found.roles[0]
        if len(found.roles) > 1 or (found.via == "phrase" and not found.unknown and known):
            matches = [p.role_id for p in found.roles] or known
            raise AmbiguousRole(f"'{name}' matches {len(matches)} roles: {', '.join(matches[:20])}. "
                                f"Name one of them (its id works).")
        raise RoleNotFound(name, known)

    def posting_questions(self, role: Posting) -> list[QuizQuestion]:
        """Every question the role's requirement lines give, in posting order."""
        return self.writer.questions(role)

    def question(self, question_id: str) -> QuizQuestion:
        """Rebuild a question from its id: bank ids and posting-grounded ids both work."""
        text = question_id.strip()
        if text in self.bank:
            return QuizQuestion.from_bank(self.bank.get(text), "Asked by id.")
        parsed = parse_posting_id(text)
        if parsed is None:
            raise UnknownQuestion(self.bank.unknown_message(text))
        key, line_no, k = parsed
        role = self._role_for_key(key)
        if role is None:
            raise UnknownQuestion(f"No question '{text}': it was built from a posting that is no longer indexed.")
        for question in self.writer.questions(role):
            if question.id == text:
                return question
        raise UnknownQuestion(f"No question '{text}': the posting for {role.role_id} has no question {k} on line "
                              f"{line_no} (it may have changed since).")

    def _role_for_key(self, key: str) -> Posting | None:
        role = self.index.role(key)
        if role is not None:
            return role
        return next((p for p in self.index.roles() if _hashed_role(p.role_id) == key), None)

    # ----- make a quiz --------------------------------------------------------------------------
    def make_quiz(self, role: str | None = None, topic: str | None = None, difficulty: str | None = None,
                  n: int = 5, seed: int | None = None, exclude: Iterable[str] = frozenset()) -> Quiz:
        """Up to `n` distinct questions (fewer only when the filters leave fewer)."""
        n, topic, difficulty = self._validate(n, topic, difficulty)
        posting = self.resolve_role(role) if role is not None and role.strip() else None
        rng = random.Random(seed)
        avoid = set(exclude)
        if posting is None:
            picked = self._draw_bank(rng, n, topic, difficulty, avoid, None, None)
            return Quiz(None, _shuffled(rng, picked))
        profile = self.profile(posting)
        grounded = [q for q in self.posting_questions(posting)
                    if q.id not in avoid and (topic is None or q.topic == topic)
                    and (difficulty is None or q.difficulty == difficulty)]
        want_posting = min(len(grounded), _posting_count(n, rng))
        chosen = _spread_over_lines(rng, grounded, want_posting)
        bank = self._draw_bank(rng, n - len(chosen), topic, difficulty, avoid, posting, profile)
        if len(chosen) + len(bank) < n:  # the bank ran dry: top up from the posting
            rest = [q for q in grounded if q not in chosen]
            chosen += _spread_over_lines(rng, rest, n - len(chosen) - len(bank))
        return Quiz(posting, _shuffled(rng, bank + chosen))

    def _validate(self, n: int, topic: str | None, difficulty: str | None) -> tuple[int, str | None, str | None]:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_QUESTIONS:
            raise InvalidQuizRequest(f"A quiz has 1 to {MAX_QUESTIONS} questions; {n!r} is out of range.")
        if difficulty is not None:
            difficulty = difficulty.strip().lower()
            if difficulty not in DIFFICULTIES:
                raise InvalidQuizRequest(f"Unknown difficulty '{difficulty}'. Valid difficulties: "
                                         f"{', '.join(DIFFICULTIES)}.")
        if topic is not None:
            topic = topic.strip().lower()
            if topic not in self.bank.topics():
                raise UnknownTopic(topic, self.bank.topics())
        return n, topic, difficulty

    def _draw_bank(self, rng: random.Random, count: int, topic: str | None, difficulty: str | None,
                   avoid: set[str], posting: Posting | None, profile: RoleProfile | None) -> list[QuizQuestion]:
        """Weighted draws without replacement: pick a topic by weight, then a question in it."""
        if count <= 0:
            return []
        levels = _levels_for(posting)
        phd_role = bool(posting and "phd" in (posting.level or "").lower())
        pools: dict[str, list[BankQuestion]] = {}
        for question in self.bank.questions(topic=topic, difficulty=difficulty):
            if question.id not in avoid and question.level in levels:
                pools.setdefault(question.topic, []).append(question)
        weights = {t: (profile.weights.get(t, 0.0) if profile else 1.0) for t in pools}
        picked: list[QuizQuestion] = []
        while len(picked) < count and pools:
            names = list(pools)
            chosen_topic = rng.choices(names, weights=[max(weights[t], 1e-9) for t in names])[0]
            pool = pools[chosen_topic]
            boost = [PHD_BOOST if q.level == "phd" and phd_role else 1.0 for q in pool]
            question = pool.pop(rng.choices(range(len(pool)), weights=boost)[0])
            picked.append(QuizQuestion.from_bank(question, self._bank_why(question, posting, profile),
                                                 posting.role_id if posting else None))
            weights[chosen_topic] *= TOPIC_DECAY
            if not pool:
                del pools[chosen_topic]
        return picked

    def _bank_why(self, question: BankQuestion, posting: Posting | None, profile: RoleProfile | None) -> str:
        name = self.bank.topic_info(question.topic).name
        if posting is None or profile is None:
            return f"Drawn for general practice: {name} (no role chosen, so topics are drawn evenly)."
        weight = profile.weights.get(question.topic, 0.0)
        lines = profile.why.get(question.topic, [])
        if not lines:
            return (f"{name} is not named in this posting; every topic keeps a small share ({weight:.0%}) "
                    f"so the quiz stays rounded.")
        quotes = "; ".join(f"“{_clip(line)}”" for line in lines[:2])
        return f"{name} carries {weight:.0%} of this role's quiz because the posting says: {quotes}"


_ALL_LEVELS = frozenset({"any", "bs-ms", "phd"})


def _levels_for(posting: Posting | None) -> frozenset[str]:
    """A BS/MS role keeps to `any` and `bs-ms` questions; PhD and unknown levels draw everything."""
    level = (posting.level or "").lower() if posting else ""
    if "phd" in level or not level:
        return _ALL_LEVELS
    return frozenset({"any", "bs-ms"})


def _posting_count(n: int, rng: random.Random) -> int:
    """About 40% of a role quiz; a one-question pick gets a posting question 40% of the time."""
    exact = n * POSTING_SHARE
    whole = math.floor(exact)
    return whole + (1 if rng.random() < exact - whole else 0)


def _spread_over_lines(rng: random.Random, questions: list[QuizQuestion], count: int) -> list[QuizQuestion]:
    """`count` questions, preferring posting lines not used yet (a quiz should cover the posting)."""
    if count <= 0:
        return []
    order = list(questions)
    rng.shuffle(order)
    chosen: list[QuizQuestion] = []
    lines_used: set[str] = set()
    for strict in (True, False):
        for question in order:
            if len(chosen) == count:
                return chosen
            line_key = question.id.rsplit("-", 1)[0]
            if question in chosen or (strict and line_key in lines_used):
                continue
            chosen.append(question)
            lines_used.add(line_key)
    return chosen


def _shuffled(rng: random.Random, questions: list[QuizQuestion]) -> list[QuizQuestion]:
    order = list(questions)
    rng.shuffle(order)
    return order


def _clip(text: str, limit: int = WHY_QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# ----- posting question ids --------------------------------------------------------------------------
_POSTING_ID = re.compile(r"posting-(?P<key>[a-z0-9-]+)-(?P<line>\d+)-(?P<k>\d+)")


def posting_question_id(role_id: str, line_no: int, k: int) -> str:
    """`posting-<role_id>-<line_no>-<k>`; a role id too long for 100 characters is hashed."""
    plain = f"posting-{role_id}-{line_no}-{k}"
    return plain if len(plain) <= MAX_ID_CHARS else f"posting-{_hashed_role(role_id)}-{line_no}-{k}"


def parse_posting_id(question_id: str) -> tuple[str, int, int] | None:
    found = _POSTING_ID.fullmatch(question_id)
    return (found["key"], int(found["line"]), int(found["k"])) if found else None


def _hashed_role(role_id: str) -> str:
    return "h" + hashlib.sha1(role_id.encode()).hexdigest()[:12]


# ----- reading a posting line ----------------------------------------------------------------------
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
_PUBLICATION = re.compile(r"\b(publications?|papers?|authorship|first-author)\b", re.I)
_COMPETITION = re.compile(r"\b(competitions?|kaggle|acm|contests?)\b", re.I)
_NOT_SKILLS = frozenset(
    "neurips icml iclr acl emnlp naacl cvpr iccv eccv kdd www sigir recsys aaai ijcai wsdm acm kaggle etc "
    "and more".split()
)
_TECHNIQUE = re.compile(
    r"\b(models?|learning|networks?|prompting|pretraining|transformers?|diffusion|labell?ing|generation|"
    r"rl|contrastive|attention|embeddings?|\w+-shot|bm25|learning-to-rank|lambdamart|ranknet|gbdt|"
    r"distillation|quantization|fine-tuning|algorithms?|techniques?|methods?|approach(?:es)?|llms?|mllms?|"
    r"vlms?|gnns?|cnns?|rnns?)\b",
    re.I,
)
_DOMAINS = (("recommend", "recommendation"), ("search", "search"), ("ranking", "ranking"),
            ("advertis", "ads"), ("content understanding", "content understanding"), ("fraud", "fraud detection"))
_VERBS = frozenset(
    "build create develop drive explore lead conduct own optimize optimise deliver provide work partner design "
    "improve research implement collaborate apply train deploy scale maintain analyze analyse invent innovate "
    "refine devise establish define integrate launch ship architect prototype evaluate".split()
)
_DIFFICULTY = {"tool": "medium", "research": "hard", "system": "hard", "collaboration": "medium",
               "qualification": "easy"}


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
        items.append(_natural_case(part))
    return (lead if len(lead.split()) >= 2 else _cut_purpose(clause)), items


def _cut_purpose(text: str) -> str:
    """Drop a trailing ", to unlock new capabilities..." purpose clause: the duty is before it."""
    return re.split(r",\s+(?:to|which|that|in order to)\s", text, maxsplit=1)[0].strip(" ,")


def _natural_case(text: str) -> str:
    """"Diffusion Models" -> "diffusion models"; acronyms and tools (MLLM, PyTorch, AI-labeling) stay."""
    words = []
    for word in text.split():
        plain = word.strip("()")
        keep = any(c.isupper() for c in plain[1:]) or (len(plain) > 1 and plain[:2].isupper())
        words.append(word if keep else word[:1].lower() + word[1:])
    return " ".join(words)


def _stem(focus: Focus) -> str:
    """"This role asks you to explore generative recommendation techniques including diffusion models."."""
    lead = _natural_case(focus.lead.split()[0]) + focus.lead[len(focus.lead.split()[0]):] if focus.lead else ""
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
    return "this team's product"


def _metrics(domain: str) -> str:
    return {
        "recommendation": "recall@k, NDCG or AUC",
        "search": "NDCG, MRR or recall@k",
        "ranking": "NDCG or AUC",
        "ads": "AUC, log loss and calibration",
    }.get(domain, "metrics that match the goal")


# ----- templates ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Draft:
    question: str
    key_points: tuple[str, ...]
    follow_ups: tuple[str, ...]


TOOL_GUIDES: dict[str, Draft] = {
    "PyTorch": Draft(
        "This role asks for PyTorch. Walk through a PyTorch training step from the forward pass to the optimizer "
        "update, and explain how you would scale it to several GPUs without changing the results.",
        (
            "The forward pass records tensor operations in a dynamic graph and loss.backward() runs reverse-mode "
            "autodiff to fill each parameter's gradient.",
            "Gradients accumulate by default, so optimizer.zero_grad() is called every step before backward.",
            "Layers are nn.Module subclasses whose parameters register automatically, and model.train() or "
            "model.eval() switches dropout and batch-norm behaviour.",
            "DistributedDataParallel runs one process per GPU and all-reduces gradients during backward, with a "
            "DistributedSampler giving each rank its own shard of the data.",
            "Mixed precision with torch.autocast and a gradient scaler speeds training while keeping updates stable.",
        ),
        ("How would you find out whether the GPUs are waiting on the data loader?",
         "When would you choose FSDP over DDP?"),
    ),
    "TensorFlow": Draft(
        "This role asks for TensorFlow. How does tf.function turn eager code into a graph, what pitfalls does "
        "tracing bring, and how would you feed data efficiently with tf.data?",
        (
            "tf.function traces the Python function into a graph for each new input signature, and later calls "
            "run the compiled graph.",
            "Python side effects run only while tracing, and new shapes or Python arguments trigger costly "
            "retracing.",
            "GradientTape records operations in eager mode so tape.gradient returns gradients for a custom "
            "training loop.",
            "A tf.data pipeline maps in parallel, batches, caches and prefetches so input preparation overlaps "
            "with training.",
            "tf.distribute strategies such as MirroredStrategy replicate the model across GPUs and aggregate "
            "gradients.",
        ),
        ("How would you debug a tf.function that behaves differently from the eager version?",),
    ),
    "C++": Draft(
        "This role asks for C++. Where does C++ show up in an ML system such as a recommender, and how would you "
        "make a latency-critical C++ inference or feature path fast and safe?",
        (
            "C++ is used for latency-critical serving, feature extraction and custom operators, where Python "
            "interpreter overhead is too costly.",
            "RAII and smart pointers such as std::unique_ptr tie resource lifetimes to scope, preventing leaks and "
            "double frees.",
            "Contiguous memory layouts, move semantics instead of copies, and preallocated buffers keep the hot "
            "path cache-friendly.",
            "Profiling with a tool such as perf finds the real hotspots before optimising, and benchmarks confirm "
            "each change.",
            "Shared state across threads is protected with mutexes or atomics, and a thread pool avoids creating "
            "threads per request.",
        ),
        ("How would you expose a C++ operator to Python training code?",),
    ),
    "Python": Draft(
        "This role asks for Python. How would you make a slow Python data-processing or feature pipeline fast, and "
        "how do you keep such code correct as it grows?",
        (
            "Profiling with cProfile or a line profiler shows where the time goes before anything is optimised.",
            "Vectorising with NumPy or pandas replaces per-element Python loops with compiled operations.",
            "The GIL limits CPU-bound threads, so multiprocessing or native extensions handle CPU-heavy work while "
            "threads suit I/O-bound work.",
            "Generators and chunked processing keep memory bounded when the data does not fit in RAM.",
            "Unit tests, type hints and small pure functions keep the pipeline correct as it changes.",
        ),
        ("When would you rewrite part of the pipeline in a compiled language?",),
    ),
    "Shell": Draft(
        "This role asks for shell programming. How would you use the shell to inspect a large log or data file "
        "quickly, and to automate a recurring training or data job safely?",
        (
            "Pipelines of grep, awk, sort, uniq and head inspect large files without loading them into memory.",
            "Scripts start with set -euo pipefail so failures and unset variables stop the job instead of passing "
            "silently.",
            "Variables are quoted so paths with spaces work, and exit codes are checked before dependent steps run.",
            "Recurring jobs run from cron or a workflow scheduler, log their output, and are idempotent so reruns "
            "are safe.",
        ),
        ("How would you find the ten most frequent user ids in a 50 GB log?",),
    ),
    "CUDA": Draft(
        "This role asks for CUDA. What determines the performance of a CUDA kernel, and how would you find out why "
        "a GPU training job is slower than expected?",
        (
            "Coalesced memory access and reuse through shared memory matter because most ML kernels are bound by "
            "memory bandwidth.",
            "Occupancy depends on registers and shared memory per block, and enough warps are needed to hide "
            "latency.",
            "Kernel launch overhead and host-device synchronisation, such as calling .item() in a loop, stall the "
            "GPU.",
            "A profiler such as Nsight Systems shows whether the job is bound by input, compute or communication.",
        ),
        ("When is writing a custom kernel worth it compared with fusing operations in a compiler?",),
    ),
    "Spark": Draft(
        "This role asks for Spark. How would you build a large feature-generation job in Spark, and what would you "
        "do when one stage is much slower than the others?",
        (
            "Spark transformations are lazy and the job runs as stages separated by shuffles.",
            "Skewed join or group keys create straggler tasks that hold up the whole stage.",
            "Salting hot keys or broadcasting the small side of a join removes the skew.",
            "Partition counts and output file sizes are tuned so tasks are neither tiny nor huge.",
            "DataFrames reused by several steps are cached instead of recomputed.",
        ),
        ("How would you make the job incremental instead of recomputing all history daily?",),
    ),
    "SQL": Draft(
        "This role asks for SQL. How would you compute per-user engagement metrics for an experiment from raw "
        "event logs in SQL, and how do you make sure the query is correct?",
        (
            "Events are aggregated per user with GROUP BY before averaging, so heavy users do not dominate the "
            "metric.",
            "Window functions compute running totals, ranks or first events per user without self-joins.",
            "Joins can duplicate rows, so join keys are checked for uniqueness and counts compared before and after.",
            "Only events after each user's assignment time count, so pre-exposure behaviour does not leak in.",
            "NULLs are handled explicitly because they silently drop out of comparisons and averages.",
        ),
        ("How would you check the query against a small hand-computed example?",),
    ),
}


def _tool_draft(tool: str) -> Draft:
    guide = TOOL_GUIDES.get(tool)
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
    quote = f"“{_clip(focus.clause, 120)}”"
    if _PUBLICATION.search(focus.clause):
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


# ----- posting questions ---------------------------------------------------------------------------
_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*(?:[-/][a-z0-9+#]+)*")
_COMMON = frozenset(
    "a an and are as at be but by can do does for from has have how i in is it its of on or that the their "
    "them this to was what when where which who why will with would you your into than then there these they "
    "using use used uses based such e.g etc including model models learning machine data system systems".split()
)


def _tokens(text: str) -> set[str]:
    found = set()
    for token in _TOKEN.findall(text.lower()):
        for part in {token, *re.split(r"[-/]", token)}:  # "cold-start" also matches "cold start"
            if part in _COMMON or len(part) < 2:
                continue
            found.add(part[:-1] if len(part) > 4 and part.endswith("s") and not part.endswith("ss") else part)
    return found


class PostingQuestionWriter:
    """Turns a posting's requirement lines into questions; cached per posting version."""

    def __init__(self, bank: QuestionBank, profiler: RoleProfiler) -> None:
        self.bank = bank
        self.profiler = profiler
        self._cache: dict[tuple[str, str], list[QuizQuestion]] = {}
        self._lock = threading.Lock()
        self._points = [(q.topic, point) for q in bank for point in q.key_points]
        self._point_tokens = [_tokens(point) for _, point in self._points]
        counts = Counter(t for tokens in self._point_tokens for t in tokens)
        self._idf = {t: math.log(len(self._points) / c) for t, c in counts.items()}

    def questions(self, posting: Posting) -> list[QuizQuestion]:
        key = (posting.role_id, posting.content_hash)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        built = self._build(posting)
        with self._lock:
            self._cache[key] = built
        return built

    def _build(self, posting: Posting) -> list[QuizQuestion]:
        focuses = [f for line in posting.lines
                   if line.section in POSTING_SECTIONS and line.kind != "header" for f in read_line(line)]
        if not focuses:
            return []
        scores = self.profiler.scorer.scores([f.item or f.lead for f in focuses] + [f.clause for f in focuses])
        ids = self.profiler.scorer.ids
        questions = []
        for number, focus in enumerate(focuses):
            context = CLAUSE_WEIGHT if focus.item else 1.0  # a listed item decides its own topic
            combined = scores[number] + context * scores[len(focuses) + number]
            behavioral = focus.kind == "collaboration" or _PUBLICATION.search(focus.clause)
            topic = "behavioral" if behavioral and "behavioral" in ids else ids[int(combined.argmax())]
            questions.append(self._question(focus, topic, posting))
        return questions

    def _question(self, focus: Focus, topic: str, posting: Posting) -> QuizQuestion:
        domain = _domain(focus, posting)
        if focus.kind == "tool":
            draft = _tool_draft(focus.item or "")
        elif focus.kind == "research":
            draft = _research_draft(focus, domain)
        elif focus.kind == "system":
            draft = _system_draft(focus, domain)
        elif focus.kind == "collaboration":
            draft = _collaboration_draft(focus)
        else:
            draft = _qualification_draft(focus, domain)
        points = list(draft.key_points)
        if focus.kind == "research" and focus.item:
            points = points[: 6 - BORROWED_POINTS] + self._borrow(focus, topic, points)
        section = SECTION_TITLES.get(focus.line.section, focus.line.section)
        return QuizQuestion(
            id=posting_question_id(posting.role_id, focus.line.line_no, focus.k),
            topic=topic,
            difficulty=_DIFFICULTY[focus.kind],
            question=draft.question,
            why=f"Built from the posting ({section}): “{_clip(focus.line.text, 300)}”",
            key_points=tuple(points[:6]),
            follow_ups=draft.follow_ups,
            source="posting",
            role_id=posting.role_id,
        )

    def _borrow(self, focus: Focus, topic: str, already: list[str]) -> list[str]:
        """The bank's key points on this topic that share the focus's distinctive words (the bank's
        reviewed facts make a posting question gradeable on substance, not just structure)."""
        wanted = _tokens(focus.item or "")
        if not wanted:
            return []
        needed = min(2, len(wanted))  # "cold start" needs both words, not any key point saying "start"
        context = _tokens(focus.clause) - wanted
        ranked = []
        for number, ((point_topic, point), tokens) in enumerate(zip(self._points, self._point_tokens, strict=True)):
            shared = wanted & tokens
            if len(shared) < needed:
                continue
            score = sum(self._idf.get(t, 0.0) for t in shared) + CONTEXT_BONUS * sum(
                self._idf.get(t, 0.0) for t in tokens & context)
            ranked.append((point_topic != topic, -score, number, point))  # the question's own topic first
        ranked.sort()
        borrowed: list[str] = []
        for *_, point in ranked:
            if point not in already and point not in borrowed:
                borrowed.append(point)
            if len(borrowed) == BORROWED_POINTS:
                break
        return borrowed
