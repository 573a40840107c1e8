"""What a question asks for, by meaning: see bot.core.understanding (intents are labelled
paraphrases in knowledge/intents/, classified on the bundled encoder). Re-exported here for
callers that import the older module name."""

from bot.core.understanding import (
    CROSS_INTENTS,
    FIELD_INTENTS,
    ROLE_INTENTS,
    SECTION_INTENTS,
    IntentClassifier,
    IntentScore,
    Query,
    Understander,
)

SECTION_OF_INTENT = {"requirements": "minimum_qualifications", "preferred": "preferred_qualifications",
                     "responsibilities": "responsibilities"}
FIELD_OF_INTENT = {"skills": "tech_stack"} | {name: name for name in FIELD_INTENTS if name != "skills"}

__all__ = ["CROSS_INTENTS", "FIELD_INTENTS", "FIELD_OF_INTENT", "ROLE_INTENTS", "SECTION_INTENTS",
           "SECTION_OF_INTENT", "IntentClassifier", "IntentScore", "Query", "Understander"]
