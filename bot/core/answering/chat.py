"""Replies that need no posting: greetings, thanks, help, off-topic, the list of roles, and
pointers for practice requests made where only questions are answered (`prepbot ask`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.answering.base import name

if TYPE_CHECKING:
    from bot.core.postings import Posting

MAX_ROLES_LISTED = 20
HELP = """Here is what I can do:
• **Ask about the roles** — “what does the PhD one pay?”, then “and where is it?” (I remember the role).
  “tell me about the Seattle role”, “what does it require?”, “which roles use PyTorch?”, “compare the pay”.
• **Study advice** — “what should I study for the multimodal role?”: its topics, with reasons.
• **Quiz** — “quiz me on pytorch”, “give me 3 hard recsys questions”, “quiz me for that role”.
  I ask one question at a time and give feedback on each answer: key points covered ✓ and missed ✗.
  During a quiz say “harder”, “easier”, “skip”, “hint” or “stop”.
• **Mock interview** — “start a mock interview for the research scientist role”. Questions adapt to
  how your answers go, with follow-ups. Say “stop” for a summary.
• **Review** — “review” or “what's due” serves practised questions whose review is due
  (after each answer say again / hard / good / easy; unrated ones are scheduled from your score).
• **Progress** — “my progress”. **Target role** — “set my role to the multimodal one”
  (used as the default for questions, quizzes and mock interviews)."""
PRACTICE_IN_CHAT = {
    "quiz": "quizzes", "mock": "mock interviews", "review": "reviews", "progress": "your progress",
    "set_role": "your target role", "show_role": "your target role", "clear_role": "your target role",
    "rate": "rating practice questions", "harder": "quizzes", "easier": "quizzes", "skip": "quizzes",
    "hint": "quizzes", "stop": "quizzes", "list_topics": "quiz topics", "study_advice": "study advice",
    "leaderboard": "leaderboards", "forget": "your stored data", "fit_check": "fit checks", "plan": "study plans",
    "add_posting": "adding postings",
}


def greeting(roles: list[Posting]) -> str:
    example = f" (e.g. “tell me about the {roles[0].title} role”)" if roles else ""
    return (f"Hi! I know {len(roles)} role{'s' if len(roles) != 1 else ''}{example}. Ask me about one, "
            "say “quiz me” to practise, or “help” for everything I can do.")


def thanks() -> str:
    return "You're welcome! Ask me anything else about the roles, or say “quiz me” to practise."


def acknowledged() -> str:
    return "Good. Ask me anything else about the roles, or say “quiz me” to practise."


def off_topic() -> str:
    return ("I can only help with interview prep: questions about the roles I know, quizzes, mock interviews "
            "and reviews. Say “help” to see what I can do.")


def roles_listing(roles: list[Posting]) -> str:
    if not roles:
        return "No roles are indexed yet."
    listing = "\n".join(f"• {name(p)}" + (f" — {p.location}" if p.location else "") for p in roles[:MAX_ROLES_LISTED])
    more = f"\n…and {len(roles) - MAX_ROLES_LISTED} more." if len(roles) > MAX_ROLES_LISTED else ""
    return f"The roles I know ({len(roles)}):\n{listing}{more}"


def practice_pointer(intent: str) -> str:
    what = PRACTICE_IN_CHAT.get(intent, "that")
    return (f"For {what}, talk to me in a conversation: `prepbot chat` in a terminal or a DM on Discord. "
            "Here I answer questions about the roles.")


def clarify(options: list[str]) -> str:
    """One short question when the best guesses are too close or too weak to act on."""
    described = {"pay": "the pay", "location": "where it is", "work_mode": "remote or on-site",
                 "requirements": "the requirements", "skills": "the skills and tech", "role_overview": "an overview",
                 "quiz": "a quiz", "mock": "a mock interview", "study_advice": "what to study",
                 "responsibilities": "what you'd do", "start_dates": "start dates", "duration": "how long it is",
                 "level": "who can apply", "visa": "visa sponsorship", "deadline": "the deadline",
                 "compare": "a comparison", "which_roles": "which roles match"}
    picks = [described[o] for o in options if o in described][:2]
    if len(picks) == 2:
        return f"Do you mean {picks[0]} or {picks[1]}? Say a little more and I'll answer."
    return "I'm not sure what you're asking. Could you rephrase it, e.g. “what does the Seattle role pay?”"
