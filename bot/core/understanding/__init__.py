"""Understanding a message once: role references as spans, intents by meaning, slots.

    understander = Understander(embeddings, cache_dir)
    query = understander.parse("where is the quillfeather one and how long?", RoleCatalogue(roles))
    query.roles, query.names(), query.rest
"""

from bot.core.understanding.catalogue import RoleCatalogue
from bot.core.understanding.intents import (
    ACT_CONFIDENT,
    CONFIDENT,
    CONTROL_CONFIDENT,
    IntentClassifier,
    IntentScore,
)
from bot.core.understanding.query import (
    CROSS_INTENTS,
    FIELD_INTENTS,
    ROLE_INTENTS,
    SECTION_INTENTS,
    Query,
    Understander,
)
from bot.core.understanding.references import RoleRefs, resolve_name, resolve_refs

__all__ = [
    "ACT_CONFIDENT", "CONFIDENT", "CONTROL_CONFIDENT", "CROSS_INTENTS", "FIELD_INTENTS", "ROLE_INTENTS",
    "SECTION_INTENTS", "IntentClassifier", "IntentScore", "Query", "RoleCatalogue", "RoleRefs", "Understander",
    "resolve_name", "resolve_refs",
]
