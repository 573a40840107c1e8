"""Question ids inside button custom ids (Discord allows 100 characters for the whole custom id).

Bank ids are short and travel as they are. Questions built for a role carry the role id in theirs
(`posting-<role_id>-<line>-<k>`, `llm-<role_id>-<crc>`), which does not fit next to a user id when
the role id is long, so the role id travels as `@<12 hex of its sha1>` (`~posting-@1a2b…-12-3`)
and is put back from the indexed roles when the button is pressed. Nothing is stored, so old
buttons keep working after a restart.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.core.errors import UnknownQuestion

if TYPE_CHECKING:
    from bot.core.postings import Posting

MAX_TOKEN = 60
TOKEN = rf"[A-Za-z0-9_.~@-]{{1,{MAX_TOKEN}}}"
_PLAIN = re.compile(r"[A-Za-z0-9_.-]+")
_ROLE_SCOPED = (  # the id schemes that embed a role id: (prefix)(role id)(suffix)
    re.compile(r"(?P<prefix>posting-)(?P<role>[a-z0-9-]+?)(?P<suffix>-\d+-\d+)"),
    re.compile(r"(?P<prefix>llm-)(?P<role>[a-z0-9-]+?)(?P<suffix>-[0-9a-f]{8})"),
)
_SHORT = re.compile(r"~(?P<prefix>[a-z]+-)@(?P<hash>[0-9a-f]{12})(?P<suffix>[-0-9a-f]*)")


def _role_hash(role_id: str) -> str:
    return hashlib.sha1(role_id.encode()).hexdigest()[:12]


def encode(question_id: str) -> str | None:
    """The token for a question id, or None when it cannot be made short enough."""
    if len(question_id) <= MAX_TOKEN and _PLAIN.fullmatch(question_id):
        return question_id
    for scheme in _ROLE_SCOPED:
        found = scheme.fullmatch(question_id)
        if found:
            token = f"~{found['prefix']}@{_role_hash(found['role'])}{found['suffix']}"
            return token if len(token) <= MAX_TOKEN else None
    return None


def decode(token: str, roles: Iterable[Posting]) -> str:
    """The question id a token stands for; UnknownQuestion when its role is no longer indexed."""
    short = _SHORT.fullmatch(token)
    if short is None:
        return token
    for posting in roles:
        if _role_hash(posting.role_id) == short["hash"]:
            return f"{short['prefix']}{posting.role_id}{short['suffix']}"
    raise UnknownQuestion("That question came from a posting that is no longer indexed.")
