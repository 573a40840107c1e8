"""/posting add, /posting list, /posting remove: job postings people bring themselves.

In a server the postings are the server's (added and removed by people with Manage Server; seen in
that server's channels and threads only). In DMs they are the user's own (seen by them everywhere,
by no one else). Discord applies default permissions per top-level command, not per subcommand, and
`/posting` must work in DMs, so Manage Server is checked here at run time.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.errors import BadPostingFile, RoleNotFound
from bot.core.roles import RoleResolver
from bot.core.scopes import Scope
from bot.core.uploads import check_size, safe_filename
from bot.discord_app import render
from bot.discord_app.autocomplete import role_choices
from bot.discord_app.lookup import AmbiguousRole
from bot.discord_app.posting_components import PostingModal, add_and_reply, add_link_and_reply
from bot.discord_app.text import split_message

if TYPE_CHECKING:
    from bot.core.postings import Posting
    from bot.discord_app.bot import PrepBot

PASTE_LIMIT = 6000  # Discord's limit for a string option (the form is the better way to paste)
URL_LIMIT = 2000  # longer links are not postings


def home_scope(interaction: discord.Interaction, *, manage: bool) -> Scope:
    """Where `/posting add` puts a posting: the server (Manage Server needed) or, in DMs, the user."""
    if interaction.guild_id is None:
        return Scope.user(interaction.user.id)
    if manage and not interaction.permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])
    return Scope.server(interaction.guild_id)


def removable_scopes(interaction: discord.Interaction) -> list[Scope]:
    """Whose postings this user may remove here: their own always, the server's with Manage Server."""
    scopes = [Scope.user(interaction.user.id)]
    if interaction.guild_id is not None and interaction.permissions.manage_guild:
        scopes.insert(0, Scope.server(interaction.guild_id))
    return scopes


class Postings(commands.Cog):
    """Adding, listing and removing postings in the current scope."""

    posting = app_commands.Group(name="posting",
                                 description="Job postings: this server's (in a server) or your own (in DMs)")

    def __init__(self, bot: PrepBot) -> None:
        self.bot = bot

    @property
    def index(self):
        return self.bot.services.index

    @posting.command(name="add", description="Add a job posting: a file, a link, a form to paste it in, or text")
    @app_commands.describe(file="The posting as a file (.txt, .md, .html, .pdf, .docx)",
                           text="Or paste it here (newlines may be lost: leave empty to get a form instead)",
                           name="A file name for pasted text (optional)",
                           url="Or a link to the posting's page or PDF (https://…)")
    async def add(self, interaction: discord.Interaction, file: discord.Attachment | None = None,
                  text: app_commands.Range[str, 1, PASTE_LIMIT] | None = None, name: str | None = None,
                  url: app_commands.Range[str, 1, URL_LIMIT] | None = None) -> None:
        scope = home_scope(interaction, manage=True)
        if url:
            if file is not None or text:
                raise BadPostingFile("Give one posting at a time: a file, a link or text.")
            await interaction.response.defer(ephemeral=True, thinking=True)
            await add_link_and_reply(interaction, scope, url)
            return
        if file is None and not text:
            await interaction.response.send_modal(PostingModal(scope))
            return
        filename = safe_filename(file.filename if file is not None else name, pasted=file is None)
        if file is not None:
            check_size(filename, file.size)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read() if file is not None else (text or "").encode("utf-8")
        await add_and_reply(interaction, scope, filename, data)

    @posting.command(name="list", description="The postings added here (this server's, or yours in DMs)")
    async def list_(self, interaction: discord.Interaction) -> None:
        scope = home_scope(interaction, manage=False)
        await interaction.response.defer(ephemeral=True, thinking=True)
        roles = await asyncio.to_thread(self.index.scope_roles, scope)
        settings = self.bot.services.settings
        cap = settings.max_server_postings if scope.kind == "server" else settings.max_personal_postings
        whose = "This server's postings" if scope.kind == "server" else "Your personal postings"
        if not roles:
            how = ("a manager can add one" if scope.kind == "server" else "add one") + " with `/posting add`"
            await interaction.followup.send(f"{whose}: none yet; {how}. The shared library is in `/roles`.",
                                            ephemeral=True)
            return
        lines = [f"**{whose}** ({len(roles)} of at most {cap}):"] + [render.role_line(p) for p in roles]
        for chunk in split_message("\n".join(lines)):
            await interaction.followup.send(chunk, ephemeral=True)

    @posting.command(name="remove", description="Remove a posting and its search data (yours, or this server's)")
    @app_commands.describe(role="The posting: pick a suggestion or type words that name it")
    async def remove(self, interaction: discord.Interaction, role: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        posting, scope = await asyncio.to_thread(self._remove, removable_scopes(interaction), role)
        whose = "this server's postings" if scope.kind == "server" else "your personal postings"
        company = posting.company or "unknown company"
        await interaction.followup.send(f"🗑️ Removed **{posting.display_name}** — {company} from {whose}, with its "
                                        "search data.", ephemeral=True)

    def _remove(self, scopes: list[Scope], text: str) -> tuple[Posting, Scope]:
        """Find the posting among those this user may remove, then delete its role and vectors."""
        owned = {p.role_id: (p, scope) for scope in scopes for p in self.index.scope_roles(scope)}
        wanted = text.strip()
        if wanted not in owned:
            found = RoleResolver([p for p, _ in owned.values()]).resolve_name(text).roles
            if not found:
                raise RoleNotFound(text, list(owned)) if owned else BadPostingFile(
                    "There is no posting here that you can remove.")
            if len(found) > 1:
                raise AmbiguousRole(text, found)
            wanted = found[0].role_id
        posting, scope = owned[wanted]
        if self.index.remove(scope, wanted) is None:
            raise RoleNotFound(text, [rid for rid in owned if rid != wanted])
        return posting, scope

    @remove.autocomplete("role")
    async def _removable(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if not self.bot.services_ready:
            return []
        scopes = removable_scopes(interaction)
        roles = await asyncio.to_thread(lambda: [p for s in scopes for p in self.index.scope_roles(s)])
        return role_choices(roles, current)


async def setup(bot: PrepBot) -> None:
    await bot.add_cog(Postings(bot))
