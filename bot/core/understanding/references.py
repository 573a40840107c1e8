"""Which roles a question points at: names in it ("the quillfeather MLE intern", "the Munich
one", "T&S"), or the conversation ("it", "that role", "the other PhD one", "the top payer").

One policy for every caller (answers, quizzes, mock interviews, the CLI, Discord); the caller
passes the catalogue it may see and the roles the conversation was just about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.postings import Posting
from bot.core.text import STOPWORDS, tokens
from bot.core.understanding.catalogue import Match, RoleCatalogue

ROLE_NOUNS = frozenset(
    "role roles one ones position positions job jobs posting postings opening internship internships intern "
    "interns co op coop placement grad grads".split()
)
_TOP_PAYER = re.compile(
    r"\b(?:top|best|highest|biggest)[- ](?:payer|paying|paid|pay)\b|\bpays? (?:the )?(?:most|best)\b"
    r"|\b(?:lowest|worst)[- ](?:paying|paid|payer)\b|\bpays? (?:the )?least\b",
    re.I,
)
_LOWEST = re.compile(r"\blowest|\bworst|\bleast\b", re.I)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


@dataclass
class RoleRefs:
    """What the question's role words resolved to."""

    roles: list[Posting] = field(default_factory=list)
    via: str = "none"  # id | name | phrase | context | other | top | none
    phrase: str = ""  # the words that named the role(s), for messages
    spans: list[tuple[int, int]] = field(default_factory=list)  # character spans that named them
    per_name: list[list[Posting]] = field(default_factory=list)  # "the Berlin and London roles": each name's roles
    named_words: int = 0  # question words used by naming matches
    kinds: set[str] = field(default_factory=set)  # what the naming words were: company, place, title, team

    @property
    def ambiguous(self) -> bool:
        return len(self.roles) > 1 and self.via in ("name", "phrase", "other") and len(self.per_name) <= 1


def resolve_refs(catalogue: RoleCatalogue, question: str, context: list[Posting] | None = None) -> RoleRefs:
    """The roles `question` refers to; an empty result means it names none (a general question)."""
    found = _resolve(catalogue, question, context)
    found.spans = _with_role_nouns(question, found.spans)
    return found


def _with_role_nouns(question: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "the game studio internship": the role noun after a name goes with it, so what is left to
    classify reads "is the remote?" rather than "is the internship remote?"."""
    toks = tokens(question, parts=True)
    grown = []
    for start, end in spans:
        after = next((t for t in toks if t.start >= end), None)
        if (after is not None and after.text in ROLE_NOUNS and not after.text.endswith("s")
                and not question[end:after.start].strip(" -")):  # "any new grad roles?" keeps its "roles"
            end = after.end
        grown.append((start, end))
    return grown


def _resolve(catalogue: RoleCatalogue, question: str, context: list[Posting] | None = None) -> RoleRefs:
    context = [r for r in (context or []) if r.role_id in catalogue.by_id]
    lowered = question.strip().lower()
    slugs = [catalogue.by_id[s] for s in _SLUG.findall(lowered) if s in catalogue.by_id]
    if slugs:  # an id from autocomplete or --json output
        return RoleRefs(slugs, "id", slugs[0].role_id, [m.span() for m in _SLUG.finditer(lowered)])
    toks = tokens(question, parts=True)
    matches = catalogue.find(toks)
    words_ = [t.text for t in toks]
    other = any(w in catalogue.words.other_words for w in words_)
    naming = [m for m in matches if catalogue.is_naming(m)]
    phrase_weak = [m for m in matches if not catalogue.is_naming(m) and _before_role_noun(m, words_)]
    if context and len(context) > 1 and not naming and (place := _ordinal(toks, catalogue)):
        position, span = place  # "where is the first one?" after a list: that place in the list
        if -len(context) <= position < len(context):
            role = context[position]
            return RoleRefs([role], "context", role.display_name, [span])
    if naming and not other:
        return _by_names(catalogue, naming, [m for m in matches if m not in naming])
    if other and context:
        pool = _by_names(catalogue, naming or phrase_weak or matches, []).roles if (naming or phrase_weak) else []
        rest = [r for r in (pool or catalogue.roles) if r not in context]
        if pool and rest:
            spans = [m.span for m in (naming or phrase_weak)]
            return RoleRefs(rest, "other", _phrase(question, spans), spans)
    unmatched = _unmatched_phrase(toks, matches, catalogue)
    if unmatched:  # "the game studio internship": words no role name has; the postings' own text may
        holders = _roles_saying(catalogue, [toks[i].text for i in unmatched])
        span = (toks[unmatched[0]].start, toks[unmatched[-1]].end)
        phrase = " ".join(toks[i].text for i in unmatched)
        if holders and len(holders) <= max(1, len(catalogue) // 3):
            return RoleRefs(holders, "name", phrase, [span], [holders], len(unmatched), {"text"})
        if not holders:  # "the data engineer role": no posting has such a role
            return RoleRefs([], "unknown", phrase, [span])
    if phrase_weak:
        return _by_names(catalogue, phrase_weak, [], via="phrase")
    if context and _TOP_PAYER.search(question) and _refers_back(words_, catalogue):
        paid = [r for r in context if r.pay]
        if paid:
            pick = min if _LOWEST.search(question) else max
            role = pick(paid, key=lambda r: r.pay.per_hour())  # type: ignore[union-attr]
            span = _TOP_PAYER.search(question).span()  # type: ignore[union-attr]
            return RoleRefs([role], "top", role.display_name, [span])
    opener = _carries_on(words_, catalogue)
    if context and (_refers_back(words_, catalogue) or opener):
        spans = _context_spans(question, toks, catalogue)
        if opener:  # "plus how long is it": the opener asks nothing itself
            spans = [(toks[0].start, toks[opener - 1].end), *spans]
        return RoleRefs(list(context), "context", "", spans)
    return RoleRefs()


def resolve_name(catalogue: RoleCatalogue, text: str) -> RoleRefs:
    """An explicit role name (`--role`, "quiz me for X", autocomplete text): every word is about
    the role, so words many roles share still narrow it."""
    lowered = text.strip().lower()
    if lowered in catalogue.by_id:
        return RoleRefs([catalogue.by_id[lowered]], "id", lowered)
    prefixed = [r for rid, r in catalogue.by_id.items() if rid.startswith(lowered)] if _SLUG.fullmatch(lowered) else []
    if len(prefixed) == 1:
        return RoleRefs(prefixed, "id", lowered)
    found = resolve_refs(catalogue, text)
    if found.roles:
        return found
    matches = catalogue.find(tokens(text, parts=True))
    if matches:
        return _by_names(catalogue, matches, [], via="phrase")
    return RoleRefs()


# ----- helpers ------------------------------------------------------------------------------------
def _by_names(catalogue: RoleCatalogue, naming: list[Match], support: list[Match], via: str = "name") -> RoleRefs:
    """Score roles by the names that point at them (rarer names weigh more); the best win."""
    scores: dict[str, float] = {}
    for match in naming:
        for role_id, weight in match.holders.items():
            scores[role_id] = scores.get(role_id, 0.0) + catalogue.idf(match.key) * weight * match.quality
    for match in support:  # "the PhD one" among the Seattle roles: narrows, never adds a role
        for role_id, weight in match.holders.items():
            if role_id in scores:
                scores[role_id] += 0.5 * catalogue.idf(match.key) * weight * match.quality
    if not scores:
        return RoleRefs()
    best = max(scores.values())
    top = sorted((rid for rid, s in scores.items() if s >= best - 1e-9), key=catalogue.position.__getitem__)
    per_name = _per_name(catalogue, naming, scores)
    roles = [catalogue.by_id[rid] for rid in top]
    if len(per_name) > 1:  # "compare the Berlin and London roles": each name keeps its own best
        roles = list({r.role_id: r for group in per_name for r in group}.values())
    spans = [m.span for m in _naming_words(naming + support)]
    return RoleRefs(roles, via, " ".join(m.key for m in naming), spans, per_name,
                    sum(m.end - m.start for m in naming), {k for m in naming for k in m.kinds})


def _naming_words(matches: list[Match]) -> list[Match]:
    """The matches to take out of the question before classifying it. With a company or place named,
    a title word standing apart from it is what is asked about ("what does Saltmarsh use for
    search?"), not part of the name; words next to each other form one name ("quillfeather MLE")."""
    anchors = [m for m in matches if m.kinds & {"company", "place"}]
    if not anchors:
        return matches
    kept = list(anchors)
    changed = True
    while changed:
        changed = False
        for match in matches:
            if match not in kept and any(abs(match.start - k.end) <= 1 or abs(k.start - match.end) <= 1
                                         for k in kept):
                kept.append(match)
                changed = True
    return kept


def _per_name(catalogue: RoleCatalogue, naming: list[Match], scores: dict[str, float]) -> list[list[Posting]]:
    """Group naming matches by the roles they point at: disjoint groups name different roles."""
    groups: list[set[str]] = []
    for match in naming:
        holders = set(match.holders)
        for group in groups:
            if group & holders:
                group &= holders
                break
        else:
            groups.append(holders)
    result = []
    for group in groups:
        if not group:
            continue
        best = max(scores.get(rid, 0.0) for rid in group)
        keep = sorted((rid for rid in group if scores.get(rid, 0.0) >= best - 1e-9), key=catalogue.position.get)
        result.append([catalogue.by_id[rid] for rid in keep])
    return result


def _unmatched_phrase(toks: list, matches: list[Match], catalogue: RoleCatalogue) -> list[int]:
    """Positions of the words right before a role noun ("the data engineer role") that no role
    name accounts for; empty when every such word is a known name or an ordinary question word."""
    covered = {i for m in matches for i in range(m.start, m.end)}
    texts = [t.text for t in toks]
    skip = catalogue.words.never_role_words | catalogue.words.context_words | catalogue.words.other_words
    for index, word in enumerate(texts):
        if word not in ROLE_NOUNS or index == 0:
            continue
        run: list[int] = []
        ranked = False  # "the best paying role", "my target role": described, not named
        for back in range(index - 1, max(-1, index - 5), -1):
            if texts[back].isdigit():  # "the 2 PhD roles": a count, not a name
                break
            if texts[back] in catalogue.words.ranking_words or texts[back] in catalogue.words.possessive_words:
                ranked = True
                break
            if texts[back] in skip or texts[back] in ROLE_NOUNS or texts[back] in STOPWORDS:
                break
            run.insert(0, back)
        if run and not ranked and any(i not in covered for i in run):
            return run
    return []


def _roles_saying(catalogue: RoleCatalogue, phrase: list[str]) -> list[Posting]:
    """Roles whose posting text has the phrase (words in order): only for the rare question that
    names a role by words outside its title, company, team and places."""
    patterns = [re.compile(r"(?<![a-z0-9])" + re.escape(word), re.I) for word in phrase]  # "truck" ~ "trucks"
    texts = {role.role_id: [role.title, *(ln.text for ln in role.lines)] for role in catalogue.roles}
    found = [role for role in catalogue.roles  # all the words in one line, in any order
             if any(all(p.search(text) for p in patterns) for text in texts[role.role_id])]
    if found:
        return found
    limit = max(1, len(catalogue) // 3)  # else the rarest word, if few postings have it ("game" studio)
    best: list[Posting] = []
    for pattern in patterns:
        holders = [r for r in catalogue.roles if any(pattern.search(t) for t in texts[r.role_id])]
        if holders and len(holders) <= limit and (not best or len(holders) < len(best)):
            best = holders
    return best


def _before_role_noun(match: Match, words_: list[str]) -> bool:
    """ "the PhD one", "phd role", "new grad roles": a weak name right before a role noun."""
    return any(w in ROLE_NOUNS for w in words_[match.end : match.end + 2])


def _refers_back(words_: list[str], catalogue: RoleCatalogue) -> bool:
    pronouns = catalogue.words.context_words
    for i, word in enumerate(words_):
        if word in ("it", "there", "them", "they", "same"):
            return True
        if word in pronouns and i + 1 < len(words_) and words_[i + 1] in ROLE_NOUNS:
            return True
    return False


def _ordinal(toks: list, catalogue: RoleCatalogue) -> tuple[int, tuple[int, int]] | None:
    """ "the first one", "the 2nd role", "the last one": (0-based place, -1 for the last; its span)."""
    for i, tok in enumerate(toks[:-1]):
        place = catalogue.words.ordinal_words.get(tok.text)
        if place is not None and toks[i + 1].text in ROLE_NOUNS:
            return (place - 1 if place > 0 else place), (tok.start, toks[i + 1].end)
    return None


def _carries_on(words_: list[str], catalogue: RoleCatalogue) -> int:
    """ "and the pay?", "what about the deadline?": a message that opens like a follow-up and names
    no role is about the roles just talked about. Returns how many words the opener has (0: none)."""
    sizes = [len(o.split()) for o in catalogue.words.follow_up_openers
             if words_[:len(o.split())] == o.split() and len(words_) > len(o.split())]
    return max(sizes, default=0)


def _context_spans(question: str, toks: list, catalogue: RoleCatalogue) -> list[tuple[int, int]]:
    """ "that role", "this one", "it": removed before classifying what is asked."""
    spans = []
    for i, tok in enumerate(toks):
        if tok.text in catalogue.words.context_words:
            end = toks[i + 1].end if i + 1 < len(toks) and toks[i + 1].text in ROLE_NOUNS else tok.end
            if tok.text in ("it", "them", "there") or end != tok.end:
                spans.append((tok.start, end))
    return spans


def _phrase(question: str, spans: list[tuple[int, int]]) -> str:
    return " ".join(question[a:b] for a, b in sorted(spans))
