"""Question -> a short answer grounded in the postings, with citations (no LLM needed).

The question is understood once (bot.core.understanding: role references, intents, slots) and
the `Query` picks the answer: a field, requirements (minimum and preferred), a role card, a
cross-role list or comparison, small talk. Whenever structure has nothing, the best cited lines
of the right role are quoted (never worse than plain retrieval); when nothing in the postings
supports an answer, the answer says so and cites nothing.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core import disk_cache
from bot.core.answering import chat
from bot.core.answering.base import MAX_LISTED, Answer, name, passages
from bot.core.answering.cross import CrossAnswers
from bot.core.answering.role import RoleAnswers, specific_words
from bot.core.citations import CitationList
from bot.core.errors import checked_text
from bot.core.roles import AmbiguousRole, which_one
from bot.core.text import content_words, tokens, words
from bot.core.understanding import (
    FIELD_INTENTS,
    ROLE_INTENTS,
    SECTION_INTENTS,
    IntentScore,
    Query,
    RoleRefs,
    Understander,
)
from bot.core.understanding.data import role_words

if TYPE_CHECKING:
    from bot.core.embeddings import CachedEmbeddings
    from bot.core.postings import Posting

__all__ = ["MAX_QUESTION_CHARS", "Answer", "AnswerEngine", "validate_question", "without_phrase"]
MAX_QUESTION_CHARS = 2000
MAX_ROLES_PER_ANSWER = 3  # more roles than this for a one-role question: ask which one
SMALL_TALK = ("greeting", "thanks", "acknowledge", "help", "off_topic")
PRACTICE = ("quiz", "mock", "review", "progress", "set_role", "show_role", "clear_role", "rate", "harder", "easier",
            "skip", "hint", "stop", "list_topics", "leaderboard", "forget", "fit_check", "plan", "add_posting",
            "study_advice")
_understanders: dict[int, Understander] = {}
_understanders_lock = threading.Lock()


def validate_question(question: str) -> str:
    """The question stripped, or InvalidQuestion when it is empty or over MAX_QUESTION_CHARS."""
    return checked_text(question, "question", MAX_QUESTION_CHARS,
                        "ask something about a role, e.g. 'what does the PhD role pay?'.")


def understander_for(embeddings: CachedEmbeddings, cache_dir: Path | None) -> Understander:
    """One per encoder per process: the intent examples are embedded (or read from disk) once."""
    with _understanders_lock:
        found = _understanders.get(id(embeddings))
        if found is None:
            found = _understanders[id(embeddings)] = Understander(embeddings, cache_dir)
        return found



def without_phrase(question: str, phrase: str | None) -> str:
    """Kept for older callers: the question without the words that named a role."""
    if not phrase:
        return question
    drop = set(phrase.lower().split())
    return " ".join(w for w in question.split() if w.lower().strip("?,.!") not in drop)


class AnswerEngine:
    """Offline answers over a `KnowledgeIndex` (or one viewer's view of it)."""

    def __init__(self, index) -> None:
        self.index = index
        self.role_answers = RoleAnswers(index)
        self.cross = CrossAnswers(index)

    # ----- understanding -------------------------------------------------------------------------
    @property
    def understander(self) -> Understander:
        return understander_for(self.index.embeddings, disk_cache.cache_dir())

    def understand(self, question: str, context_roles: list[str] | None = None, role: str | None = None,
                   topics: dict[str, tuple[str, ...]] | None = None) -> Query:
        """Parse once against the roles this engine's index may see. `role`: an explicit role
        (`--role`), which wins over the words of the question (RoleNotFound / AmbiguousRole)."""
        resolver = self.index.resolver
        context = [p for rid in context_roles or [] if (p := self.index.role(rid))]
        query = self.understander.parse(question, resolver.catalogue, context, posting_words=self.index.vocabulary,
                                        topics=topics)
        if role:
            picked = resolver.resolve_one(role)
            query.refs = RoleRefs([picked], "id", picked.role_id, query.refs.spans)
            query.unknown_employer = None
        return query

    # ----- answering ---------------------------------------------------------------------------
    def answer(self, question: str, role: str | None = None, context_roles: list[str] | None = None) -> Answer:
        """`role`: an explicit role (id or words; unknown -> RoleNotFound). `context_roles`: roles the
        conversation was about, used when the question refers back ("and where is it?")."""
        question = validate_question(question)
        if self.index.is_empty():
            return Answer(question, "No postings are indexed yet, so I can't answer questions about roles.",
                          kind="not-found")
        try:
            query = self.understand(question, context_roles, role)
        except AmbiguousRole as error:
            return Answer(question, str(error), kind="clarify", role_ids=[p.role_id for p in error.roles])
        return self.answer_query(query)

    def answer_query(self, query: Query) -> Answer:
        """The reply that fits what the query asks."""
        answer = self._dispatch(query)
        answer.intents = query.names()
        return answer

    def _dispatch(self, query: Query) -> Answer:
        intent, roles = query.intent, query.roles
        if query.unknown_employer and not _names_company(query) and (
                query.employer_strong or query.refs.via not in ("name", "phrase")):
            return self._no_such_employer(query)
        if intent == "off_topic":
            # Never worse than plain retrieval: a bare topic ("diffusion models for recommendation")
            # reads like chit-chat to the intent examples, yet the postings may speak to it.
            found = self._passages(query, roles if roles and len(roles) <= MAX_ROLES_PER_ANSWER else [])
            if found.citations:
                return found
        if intent in SMALL_TALK and (query.confident or not roles):
            return self._small_talk(query)
        if intent in PRACTICE and query.confident:
            return Answer(query.text, chat.practice_pointer(intent), kind="chat")
        if query.refs.via == "unknown" and intent not in SMALL_TALK + PRACTICE:
            return self._no_such_role(query)
        if roles and len(roles) <= MAX_ROLES_PER_ANSWER and not query.confident and self._asks_only_the_role(query):
            query.intents = [IntentScore("role_overview", query.confidence)]  # "what about cobaltreed?", "lumenfold"
            return self._about_roles(query)
        if intent == "compare" and len(roles) == 1 and query.refs.via == "context":
            roles = []  # "and which one pays best?" after talking about one role: ranked against every role
        if intent == "compare" and len(roles) == 1:  # "what does the role pay" read as a comparison: one role
            intent = _field_in(query) or "role_overview"
            query.intents = [s for s in query.scores if s.name == intent][:1] or query.intents
        if intent == "list_roles":
            return self._list_roles(query)
        if intent == "compare":
            pool = roles if len(roles) >= 2 else self.index.roles()
            asked = words(query.text)
            ranks = role_words().ranking_words.intersection(asked)  # "which has the highest hourly pay?" ranks
            if asked[:1] == ["which"] and not ranks:  # "which internships are hybrid?" selects
                filtered = self.cross.filtered(query, pool, with_term=False)
                if filtered is not None:
                    return filtered
            return self.cross.compare(query, pool)
        if intent == "which_roles":
            return self._which(query)
        if intent in ROLE_INTENTS and query.answerable:
            if roles and self._asks_something_else(query):
                query.intents = [IntentScore("other_fact", query.confidence)]  # "signing bonus" is not "level"
            return self._about_roles(query)
        return self._unsure(query)

    def _asks_something_else(self, query: Query) -> bool:
        """A guess's words fall outside everything its intent's examples say ("PTO", "signing bonus"
        read as a degree question): then only a line that has those words may answer."""
        names = {i.name for i in query.intents}
        if len(query.roles) > 1:  # "compare start dates for the Munich and Berlin roles": how, not what
            names.add("compare")
        vocabulary = frozenset().union(*(self.understander.classifier.vocabulary(n) for n in names))
        named = self._role_name_words(query)
        named |= set(words(query.unknown_employer or "", parts=True))  # "a student at NUS" says who asks, not what
        rare = [w for w in specific_words(query.rest) if w not in vocabulary and w not in named]
        return bool(rare)

    def _role_name_words(self, query: Query) -> set[str]:
        """The words of the question that are some role's name (company, title, place...)."""
        return {w for m in self.index.resolver.catalogue.find(tokens(query.rest, parts=True)) for w in m.key.split()}

    def _asks_only_the_role(self, query: Query) -> bool:
        """Nothing is asked besides naming the role ("lumenfold", "what about the Oslo one?")."""
        named = self._role_name_words(query)
        return not [w for w in content_words(query.rest) if w not in named]

    # ----- the parts -----------------------------------------------------------------------------
    def _about_roles(self, query: Query) -> Answer:
        roles = query.roles
        if not roles:
            everyone = self.index.roles()
            # "which roles need PyTorch?" read as a skills question: the named technology is the filter
            wants_term = bool(query.term) and query.intent in ("skills", *SECTION_INTENTS)
            filtered = self.cross.filtered(query, everyone, with_term=wants_term)
            if filtered is not None:  # "which internships pay monthly in euros?" read as a pay question
                return filtered
            if query.intent in FIELD_INTENTS and not _specific(query):
                return self.cross.compare(query, everyone)  # "what does it pay?" with no role: each role
            return self._passages(query, [])
        if len(roles) > MAX_ROLES_PER_ANSWER:
            return Answer(query.text, which_one(roles), kind="clarify", role_ids=[p.role_id for p in roles])
        cites = CitationList()
        parts = []
        intents = [i.name for i in query.intents if i.name in ROLE_INTENTS] or [query.intent]
        for posting in roles:
            for intent in intents:
                parts.append(self.role_answers.part(posting, intent, query.rest, cites))
        lead = "" if len(roles) == 1 else f"{len(roles)} roles match, so here is each:\n"
        kind = _kind(intents, cites)
        single = roles[0].role_id if len(roles) == 1 else None
        return Answer(query.text, lead + "\n".join(parts), single, cites.items, kind, [r.role_id for r in roles])

    def _which(self, query: Query) -> Answer:
        named = query.refs.via in ("name", "phrase") and query.roles
        filtered = self.cross.filtered(query, self.index.roles(), with_term=not named)
        if filtered is not None:
            return filtered
        answer = self.cross.which(query, self.index.roles())
        if named and answer.kind in ("passage", "not-found"):  # "any speech roles?": the names are the filter
            return self.cross.listing(query, query.roles, len(self.index.roles()), "match", None)
        return answer

    def _list_roles(self, query: Query) -> Answer:
        everyone = self.index.roles()
        filtered = self.cross.filtered(query, everyone, with_term=False)
        if filtered is not None:  # "which roles are in Tokyo?" read as a listing
            return filtered
        if query.roles and query.refs.via in ("name", "phrase") and len(query.roles) < len(everyone):
            place = "location" if "place" in query.refs.kinds else None
            return self.cross.listing(query, query.roles, len(everyone), "match", place)
        if query.term and self.cross.which(query, everyone).kind == "cross-role":
            return self.cross.which(query, everyone)
        return Answer(query.text, chat.roles_listing(everyone), kind="chat", role_ids=[p.role_id for p in everyone])

    def _passages(self, query: Query, roles: list[Posting], strict: bool = False) -> Answer:
        """Plain retrieval: the best cited lines of the right role(s)."""
        cites = CitationList()
        found = passages(self.index, query.rest, roles, cites, limit=4, strict=strict)
        single = roles[0].role_id if len(roles) == 1 else None
        if not found:
            if len(roles) == 1:
                return Answer(query.text, f"The {name(roles[0])} posting doesn't say.", single, kind="not-found",
                              role_ids=[roles[0].role_id])
            return Answer(query.text, "I couldn't find anything about that in the indexed postings.", kind="not-found")
        parts = [f"{name(self.index.role(rid))} says:\n" + "\n".join(items) for rid, items in found.items()]
        return Answer(query.text, "\n".join(parts), single, cites.items, "passage", list(found))

    def _unsure(self, query: Query) -> Answer:
        """Not confident what is asked: the named role's best lines; a filter over every role
        ("which internships pay monthly in euros?"); else a short clarifying question."""
        if query.roles and len(query.roles) <= MAX_ROLES_PER_ANSWER:
            return self._passages(query, query.roles)
        if not query.roles:
            filtered = self.cross.filtered(query, self.index.roles(), with_term=False)
            if filtered is not None:
                return filtered
        answer = self._passages(query, [])
        if answer.citations:
            return answer
        top = [s.name for s in query.scores[:2]]
        if top[0] in SMALL_TALK:  # "best sourdough recipe?": nothing in the postings, and not about them
            return self._small_talk(query)
        return Answer(query.text, chat.clarify(top), kind="clarify")

    def _small_talk(self, query: Query) -> Answer:
        text = {"greeting": lambda: chat.greeting(self.index.roles()), "thanks": chat.thanks,
                "acknowledge": chat.acknowledged,
                "help": lambda: chat.HELP, "off_topic": chat.off_topic}[query.intent]()
        return Answer(query.text, text, kind="chat")

    def _no_such_role(self, query: Query) -> Answer:
        return Answer(query.text, f"I don't have a “{query.refs.phrase}” role: no indexed posting matches it. "
                      "Say “list the roles” to see the ones I know.", kind="refusal")

    def _no_such_employer(self, query: Query) -> Answer:
        companies = sorted({p.company for p in self.index.roles() if p.company})
        shown = ", ".join(companies[:MAX_LISTED]) + (f" and {len(companies) - MAX_LISTED} more"
                                                      if len(companies) > MAX_LISTED else "")
        known = f" I have postings from {shown}." if shown else ""
        return Answer(query.text, f"I don't have a posting from {query.unknown_employer}, so I can't answer that."
                      f"{known}", kind="refusal")


def _names_company(query: Query) -> bool:
    """The question also names an indexed company or place: the unknown words are something else."""
    return query.refs.via == "id" or (query.refs.via == "name" and query.refs.named_words > 0 and any(
        k in ("company", "place") for k in query.refs.kinds))


def _field_in(query: Query) -> str | None:
    return next((s.name for s in query.scores if s.name in FIELD_INTENTS), None)


def _specific(query: Query) -> bool:
    return len(query.rest.split()) > 6


def _kind(intents: list[str], cites: CitationList) -> str:
    if any(i in FIELD_INTENTS for i in intents):
        return "field"
    if any(i in ("requirements", "preferred", "responsibilities") for i in intents):
        return "section"
    if "role_overview" in intents:
        return "card"
    return "passage" if cites.items else "not-found"
