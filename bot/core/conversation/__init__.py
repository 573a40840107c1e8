"""Conversations: DMs and `prepbot chat` turns with memory, plain-language quizzes, mock
interviews, reviews of due cards. No Discord here; `bot.discord_app` and `bot.cli_chat` call it.

    engine = ConversationEngine(services, quiz_maker, grader)
    reply = engine.handle(user_id, "what does the PhD one pay?", datetime.now(UTC))
"""

from bot.core.conversation._engine import ConversationEngine
from bot.core.conversation._practice import InvalidRating
from bot.core.conversation._reply import KINDS, Reply

__all__ = ["KINDS", "ConversationEngine", "InvalidRating", "Reply"]
