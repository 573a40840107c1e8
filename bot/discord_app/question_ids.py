"""Question ids inside button custom ids (Discord allows 100 characters for the whole custom id).

Bank ids are short and travel as they are. A question built from a posting line has the id
`posting-<role_id>-<line>-<k>`, which does not fit next to a user id when the role id is long, so
it travels as `~<12 hex of sha1(role id)>-<line>-<k>` and is expanded again from the indexed roles
when the button is pressed. Nothing is stored, so old buttons keep working after a restart.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.core.errors import UnknownQuestion
from bot.core.quiz import parse_posting_id, posting_question_id

if TYPE_CHECKING:
    from bot.core.postings import Posting

MAX_TOKEN = 60
TOKEN = rf"[A-Za-z0-9_.~-]{{1,{MAX_TOKEN}}}"
_PLAIN = re.compile(r"[A-Za-z0-9_.-]+")
_SHORT = re.compile(r"~(?P<hash>[0-9a-f]{12})-(?P<line>\d+)-(?P<k>\d+)")


def _role_hash(role_id: str) -> str:
    return hashlib.sha1(role_id.encode()).hexdigest()[:12]


def encode(question_id: str) -> str | None:
    """The token for a question id, or None when it cannot be made short enough."""
    if len(question_id) <= MAX_TOKEN and _PLAIN.fullmatch(question_id):
        return question_id
    parsed = parse_posting_id(question_id)
    if parsed is None:
        return None
    role_id, line, k = parsed
    token = f"~{_role_hash(role_id)}-{line}-{k}"
    return token if len(token) <= MAX_TOKEN else None


def decode(token: str, roles: Iterable[Posting]) -> str:
    """The question id a token stands for; UnknownQuestion when its posting is no longer indexed."""
    short = _SHORT.fullmatch(token)
    if short is None:
        return token
    for posting in roles:
        if _role_hash(posting.role_id) == short["hash"]:
            return posting_question_id(posting.role_id, int(short["line"]), int(short["k"]))
    raise UnknownQuestion("That question came from a posting that is no longer indexed.")
