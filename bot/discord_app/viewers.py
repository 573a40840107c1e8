"""Who is asking, from a Discord interaction or message: the viewer whose postings core may use.

In a server channel or thread: the user + that server (library + the server's postings + their
own). In DMs: the user alone (library + their own). Every cog asks core through `scoped(...)`, so
no answer, list, autocomplete or quiz can draw on another server's or another user's postings.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.core.scoped import ScopedServices, for_viewer
from bot.core.scopes import Viewer

if TYPE_CHECKING:
    import discord

    from bot.core.catalogue import IndexView
    from bot.core.conversation import ConversationEngine
    from bot.discord_app.bot import PrepBot


def viewer_of(where: discord.Interaction | discord.Message) -> Viewer:
    """The asker (interaction user or message author) and the server it happened in, if any."""
    user = getattr(where, "user", None) or getattr(where, "author", None)
    guild_id = getattr(where, "guild_id", None)
    if guild_id is None and getattr(where, "guild", None) is not None:
        guild_id = where.guild.id
    return Viewer(user.id if user is not None else None, guild_id)


def scoped(bot: PrepBot, where: discord.Interaction | discord.Message | Viewer) -> ScopedServices:
    """The services as this asker sees them."""
    viewer = where if isinstance(where, Viewer) else viewer_of(where)
    return for_viewer(bot.services, viewer)


def scoped_engine(bot: PrepBot, where: discord.Interaction | discord.Message | Viewer) -> ConversationEngine:
    """The conversation engine as this asker sees it (sharing the process engine's per-user locks)."""
    return scoped(bot, where).engine(bot.services.engine)


def server_viewer(guild_id: int) -> Viewer:
    """A study group's daily question: the library + that server's postings (no one's personal ones)."""
    return Viewer(None, guild_id)


async def scoped_index(bot: PrepBot, where: discord.Interaction | discord.Message | Viewer) -> IndexView:
    """The asker's `IndexView`, built in a worker thread: the first one of a viewer reads their
    server's and personal postings from the store and builds their resolver, which must not hold up
    the event loop (interactions are acknowledged within 3 s)."""
    services = scoped(bot, where)

    def build() -> IndexView:
        view = services.index
        view.resolver  # noqa: B018 - built here, not on the event loop
        return view

    return await asyncio.to_thread(build)
