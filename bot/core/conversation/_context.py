"""What a conversation is about: the roles the last answer was about (so "it", "that role" and "the
other PhD one" resolve), the user's target role, and the requests that read or change them.

`ConversationEngine` owns one `RoleContext`; it keeps no per-user state in memory. The context of a
DM is the "chat" session, a study-group channel's is "chat:<channel key>", both in the `StateStore`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.conversation import _render as render
from bot.core.conversation._reply import Reply
from bot.core.conversation._sessions import CHAT, ChatContext
from bot.core.roles import role_name, which_one

if TYPE_CHECKING:
    from bot.core.answers import Answer
    from bot.core.conversation._needs import ConversationServices
    from bot.core.conversation._practice import Practice
    from bot.core.postings import Posting
    from bot.core.understanding import Query

CONTEXT_TTL = timedelta(hours=12)  # "it" refers to roles talked about within this long


class RoleContext:
    """The roles a conversation is about and the user's target role, read and written per turn."""

    def __init__(self, services: ConversationServices, practice: Practice) -> None:
        self.services = services
        self.practice = practice

    def load(self, user: str, key: str, now: datetime) -> ChatContext:
        """The roles this conversation was about (within CONTEXT_TTL), else the target role."""
        data = self.services.state.load_session(user, _chat_kind(user, key))
        context = ChatContext.from_dict(data) if data else ChatContext()
        fresh = context.at and now - datetime.fromisoformat(context.at) <= CONTEXT_TTL
        if not fresh:
            context = ChatContext()
        index = self.services.index
        context.roles = [r for r in context.roles if index.role(r)]
        context.focus = [r for r in context.focus if index.role(r)]
        if not context.roles and (target := self.practice.target_role(user)):
            context.roles = [target.role_id]
        return context

    def remember(self, user: str, key: str, roles: list[str], now: datetime, focus: list[str] | None = None,
                 intents: list[str] | None = None) -> None:
        """What the next turn's "it" means: `roles` (and, after a ranking, `focus`) and what was asked."""
        context = ChatContext(list(roles), now.isoformat(), list(focus or []), list(intents or []))
        self.services.state.save_session(user, _chat_kind(user, key), context.to_dict(), now)

    def ask(self, user: str, key: str, query: Query, context: ChatContext, now: datetime) -> Reply:
        """A question about the roles, answered from the one parse of the message."""
        answer = self.services.answers.answer_query(query)
        if answer.role_ids:  # a refusal or "not found" keeps the roles the conversation was about
            self.remember(user, key, answer.role_ids, now, _focus(query, answer), query.names())
        elif answer.intents and answer.kind not in ("chat", "clarify", "refusal"):
            self.remember(user, key, context.roles, now, context.focus, query.names())
        return Reply(answer.text, "answer", citations=list(answer.citations))

    def role_for(self, user: str, query: Query | None, prefer_topic: bool = False
                 ) -> tuple[Posting | Reply | None, bool]:
        """(the role a request names, else the target role; whether it is the default). Words that fit
        several roles come back as a Reply asking which one; "quiz me on recommendation systems" is a
        topic, so title words alone don't pick a role when a topic was named."""
        refs = query.refs if query else None
        if refs is None or not refs.roles or refs.via == "unknown":
            if refs is not None and refs.via == "unknown":
                return Reply(f"I don't have a “{refs.phrase}” role. Say “list the roles” to see them.", "info"), False
            return self.practice.target_role(user), True
        if prefer_topic and refs.via in ("name", "phrase") and not refs.kinds & {"company", "place"}:
            return self.practice.target_role(user), True
        if len(refs.roles) > 1:
            return Reply(which_one(refs.roles), "info"), False
        return refs.roles[0], False

    def set_role(self, user: str, key: str, query: Query, now: datetime) -> Reply:
        """"Set my role to the Seattle one": the target role quizzes, mocks and role-less questions use."""
        refs = query.refs
        if refs.via == "unknown":
            return Reply(f"I don't have a “{refs.phrase}” role. Say “list the roles” to see the ones I know.", "info")
        if not refs.roles:
            return Reply("Which role? Say e.g. “set my role to the Seattle one” (“list the roles” shows them).", "info")
        if len(refs.roles) > 1:
            return Reply(which_one(refs.roles), "info")
        role = refs.roles[0]
        self.services.state.set_target_role(user, role.role_id, now=now)
        self.remember(user, key, [role.role_id], now)  # "where is it?" now means this role
        return Reply(f"Your target role is now **{role_name(role)}**. Questions that name no role, quizzes and "
                     "mock interviews default to it.", "info")

    def clear_role(self, user: str) -> Reply:
        cleared = self.services.state.clear_target_role(user)
        return Reply("Your target role is cleared." if cleared else "You had no target role set.", "info")

    def show_role(self, user: str) -> Reply:
        target = self.practice.target_role(user)
        if target is None:
            return Reply("You have no target role. Say “set my role to …” (e.g. “the multimodal one”).", "info")
        return Reply(f"Your target role is **{role_name(target)}**.", "info")

    def study_advice(self, user: str, key: str, query: Query, now: datetime) -> Reply:
        """The role's topic profile with the posting lines behind each topic, and an offer to quiz."""
        role, _default = self.role_for(user, query)
        if isinstance(role, Reply):
            return role
        if role is None:
            return Reply("Which role are you preparing for? Say e.g. “what should I study for the Seattle role?”, "
                         "or set one with “set my role to …”.", "info")
        profile = self.practice.quiz_maker.profile(role)
        self.remember(user, key, [role.role_id], now)
        return Reply(render.study_text(role, profile), "info")


def _chat_kind(user: str, key: str) -> str:
    """The session holding a conversation's roles: "chat" for the user's DM, per channel otherwise."""
    return CHAT if key == f"dm:{user}" else f"{CHAT}:{key}"


def _focus(query: Query, answer: Answer) -> list[str]:
    """The roles a follow-up "it" means: after a ranking ("which one pays best?") the first one."""
    if answer.kind == "cross-role" and query.intent == "compare" and len(answer.role_ids) > 1 and not (
            len(query.roles) > 1):
        return answer.role_ids[:1]
    return list(answer.role_ids)
