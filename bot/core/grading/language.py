"""The words claims are read with (knowledge/grading/language.yaml), and the tokenizer that turns an
answer and a key term into the same tokens so they can be compared.

Why not bot/core/text.py's tokenizer: answers are partly code. "torch.no_grad()" and "model.eval()"
must give "no_grad" and "eval" (the key terms' words), so a "." between letters splits here, while
text.py keeps "node.js" whole because in postings and questions it is one name. Tried on 2026-11-30:
with text.py's words, 10 key points were no longer credited by their own sentences.

Loaded once per process: the data is small and reviewed like code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

LANGUAGE_FILE = Path(__file__).resolve().parents[3] / "knowledge" / "grading" / "language.yaml"
# Words (code names keep their underscores: no_grad, set_epoch), "don't", decimals (0.75), c++.
_TOKEN = re.compile(r"\d+(?:\.\d+)+|[a-z0-9]+(?:_[a-z0-9]+)*(?:'[a-z]+)?\+*")
# British and American spellings of the same word compare equal: normalise -> normalize.
_ISE = re.compile(r"(?<=[a-z]{3})is(e|es|ed|ing|ation|ations|er|ers)$")
_OUR = re.compile(r"(?<=[a-z]{3})our(s|ed|ing|ite|ites|able|hood|hoods)?$")  # favour -> favor, neighbour -> neighbor
_APOSTROPHE_NT = re.compile(r"n['’]t$")


@dataclass(frozen=True)
class Language:
    """Claim verbs, negation words, and the opposite of each relation word."""

    claim_verbs: frozenset[str]
    negations: frozenset[str]
    opposites: dict[str, frozenset[str]]  # word -> the words on the other side of its row
    alike: dict[str, frozenset[str]]  # word -> the words on its own side of its rows (lower: less, reduce...)
    fillers: frozenset[str] = frozenset()  # words a negation reaches past ("not *really* the cause")
    direction: dict[str, int] = field(default_factory=dict)  # direction words: +1 (more, raises), -1 (less, cuts)
    sides: dict[str, tuple[int, int]] = field(default_factory=dict)  # any opposites word: (row, +1 left / -1 right)
    directional_rows: frozenset[int] = frozenset()  # the rows of `direction`
    denial_predicates: frozenset[str] = frozenset()  # denied, they deny their subject ("X isn't necessary")

    def is_negation(self, token: str) -> bool:
        return token in self.negations or bool(_APOSTROPHE_NT.search(token))


# Big-O notation: "O(n log k)" is one token "o(nlogk)" (then its inner words), so a key term "O(n)"
# is not found in "O(n log n)" or "O(n^2)": a wrong complexity is the commonest wrong claim about it.
_BIG_O = re.compile(r"\bo\(([^()]{1,24})\)")
_BIG_O_NOISE = str.maketrans({" ": "", "*": "", "^": "", "·": "", "×": ""})
_TIMES = re.compile(r"\btimes\b")
# A power of a variable is one word ("n^2", "n**2", "n²", "n squared" -> n2; not "mean squared"), in
# prose and inside big-O alike, so its exponent is never read as a figure of its own.
_POWER = re.compile(r"([a-z])\s*(?:\^|\*\*)\s*(\d)|([a-z])([²³])|\b([a-z])\s+(squared|cubed)\b")
_EXPONENT = {"²": "2", "³": "3", "squared": "2", "cubed": "3"}


def _powers(text: str) -> str:
    return _POWER.sub(lambda m: (m[1] or m[3] or m[5]) + (m[2] or _EXPONENT[m[4] or m[6]]), text)


def big_o(expression: str) -> str:
    """One spelling per complexity, so a correct answer is not read as a different one: "n squared",
    "n^2" and "n²" are n2; a product of single letters is order-free ("m*n", "n m" -> mn); a sum too
    ("V + E" = "E+V"). Anything else ("n log n") is kept as written, without spaces."""
    terms = _TIMES.sub("", _powers(expression)).translate(_BIG_O_NOISE).split("+")
    return "+".join(sorted("".join(sorted(t)) if t.isalpha() and "log" not in t else t for t in terms))


# "32,768" is one number; "3x3" and "224x224" are read "3 by 3", as a point writes them.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_GRID = re.compile(r"\b(\d+)\s*[x×]\s*(\d+)\b")


def whole_numbers(text: str) -> str:
    """The text with thousands separators dropped ("32,768" -> "32768")."""
    return _THOUSANDS.sub("", text)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; "don't" and "no_grad" stay one token; numbers keep their decimal point;
    big-O notation gives one token for the whole expression before its words."""
    text = _GRID.sub(r"\1 by \2", whole_numbers(text.lower().replace("’", "'")))
    found: list[str] = []
    start = 0
    for match in _BIG_O.finditer(text):
        found += _words(text[start:match.start()])
        found.append(f"o({big_o(match.group(1))})")
        found += _words(match.group(1))  # "n^2" is one word, n2: its 2 is no figure of its own
        start = match.end()
    return found + _words(text[start:])


def _words(text: str) -> list[str]:
    found = []
    for raw in _TOKEN.findall(_powers(text)):
        token = raw.rstrip(".")
        if token.endswith("'s"):
            token = token[:-2]
        token = _ISE.sub(lambda m: "iz" + m.group(1), token)
        found.append(_OUR.sub(lambda m: "or" + (m.group(1) or ""), token))
    return found


@cache
def language(path: Path = LANGUAGE_FILE) -> Language:
    """The language data, validated: each opposites row has exactly two non-empty sides."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    opposites: dict[str, set[str]] = {}
    alike: dict[str, set[str]] = {}
    direction: dict[str, int] = {}
    sides: dict[str, tuple[int, int]] = {}
    directional_rows = set()
    directional = {t for w in data.get("directions", ()) for t in tokens(str(w))}
    for number, row in enumerate(data["opposites"]):
        if len(row) != 2 or not all(row):
            raise ValueError(f"{path.name}: an opposites row must have two non-empty sides: {row}")
        left = {t for w in row[0] for t in tokens(str(w))}
        right = {t for w in row[1] for t in tokens(str(w))}
        if left & directional:
            direction.update({w: 1 for w in left} | {w: -1 for w in right})
            directional_rows.add(number)
        for side, words in ((1, left), (-1, right)):
            sides.update({w: (number, side) for w in words if w not in sides})
        for side, other in ((left, right), (right, left)):
            for word in side:
                opposites.setdefault(word, set()).update(other)
                alike.setdefault(word, set()).update(side)
    verbs = frozenset(t for w in data["claim_verbs"] for t in tokens(str(w)))
    return Language(verbs, frozenset(tokens(" ".join(map(str, data["negations"])))),
                    {w: frozenset(o) for w, o in opposites.items()}, {w: frozenset(a) for w, a in alike.items()},
                    frozenset(t for w in data.get("fillers", ()) for t in tokens(str(w))), direction, sides,
                    frozenset(directional_rows),
                    frozenset(t for w in data.get("denial_predicates", ()) for t in tokens(str(w))))
