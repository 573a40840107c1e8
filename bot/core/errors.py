"""Domain errors whose message is safe to show to a user as-is.

Every layer (CLI, Discord, chat) turns these into a short reply; anything else is a bug and is
logged with its traceback instead of being shown.
"""


LISTED = 20  # an error lists at most this many valid values; more would bury the message


class PrepbotError(Exception):
    """Base class: `str(err)` is a complete sentence a user can read."""


class BadPostingFile(PrepbotError):
    """A file that cannot become a posting (empty, binary, too large, no title...)."""


class RoleNotFound(PrepbotError):
    """A role named by the user matches no indexed posting."""

    def __init__(self, query: str, known: list[str]) -> None:
        listing = ", ".join(known[:LISTED]) if known else "none are indexed yet"
        if len(known) > LISTED:
            listing += f", and {len(known) - LISTED} more (see `prepbot roles` or /roles)"
        super().__init__(f"No indexed role matches '{query}'. Known roles: {listing}.")
        self.query = query
        self.known = known


class InvalidQuestion(PrepbotError):
    """A question (or an answer to a practice question) that is empty or too long to read."""


def checked_text(text: str, what: str, limit: int, instead: str) -> str:
    """`text` without surrounding space, or InvalidQuestion with a one-line reason. A question or
    an answer is read whole, so an empty one, or one over `limit` characters, is refused before any
    work is done; `instead` tells the user what to write ("ask something about a role...")."""
    stripped = text.strip()
    if not stripped:
        raise InvalidQuestion(f"The {what} is empty: {instead}")
    if len(stripped) > limit:
        raise InvalidQuestion(f"The {what} is {len(stripped):,} characters; please keep it under {limit:,}.")
    return stripped


class UnknownTopic(PrepbotError):
    """A quiz topic that the question bank does not have."""

    def __init__(self, topic: str, known: list[str]) -> None:
        super().__init__(f"Unknown topic '{topic}'. Valid topics: {', '.join(known)}.")
        self.topic = topic
        self.known = known


class UnknownQuestion(PrepbotError):
    """A question id that is not in the bank."""


class KnowledgeBaseUnavailable(PrepbotError):
    """The vector store cannot be reached or read right now."""
