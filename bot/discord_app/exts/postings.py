"""/posting add: index a job posting from an attachment or pasted text (Manage Server)."""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.errors import BadPostingFile
from bot.core.postings.reading import MAX_FILE_BYTES, SUPPORTED_SUFFIXES
from bot.discord_app import render
from bot.discord_app.checks import in_guild
from bot.discord_app.text import split_message

if TYPE_CHECKING:
    from bot.core.ingest import IngestReport
    from bot.discord_app.bot import PrepBot

PASTE_LIMIT = 6000  # Discord's limit for a string option
MANAGE_SERVER = discord.Permissions(manage_guild=True)


class Postings(commands.Cog):
    """Adding postings to the knowledge base from Discord."""

    posting = app_commands.Group(name="posting", description="Manage the job postings (Manage Server)",
                                 guild_only=True, default_permissions=MANAGE_SERVER)

    def __init__(self, bot: PrepBot) -> None:
        self.bot = bot

    @posting.command(name="add", description="Add a job posting from a file (.txt, .md, .html) or pasted text")
    @app_commands.describe(file="The posting as a .txt, .md or .html file",
                           text="Or paste the posting's text here", name="A file name for pasted text (optional)")
    @app_commands.checks.has_permissions(manage_guild=True)
    @in_guild
    async def add(self, interaction: discord.Interaction, file: discord.Attachment | None = None,
                  text: app_commands.Range[str, 1, PASTE_LIMIT] | None = None, name: str | None = None) -> None:
        if file is None and not text:
            raise BadPostingFile("Attach a posting file or paste its text in the `text` option.")
        filename = _filename(file, name)
        if file is not None and file.size > MAX_FILE_BYTES:
            raise BadPostingFile(f"{file.filename} is {file.size / 1024 / 1024:.1f} MB; postings are limited to 2 MB.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read() if file is not None else (text or "").encode("utf-8")
        report = await asyncio.to_thread(self._ingest, filename, data)
        roles = {p.role_id: p for p in self.bot.runtime.services.index.roles()}
        for chunk in split_message(render.ingest_summary(report, roles)):
            await interaction.followup.send(chunk, ephemeral=True)

    def _ingest(self, filename: str, data: bytes) -> IngestReport:
        """Write the upload to a temporary file with its own suffix (the parser goes by it) and index it."""
        with tempfile.TemporaryDirectory(prefix="prepbot-posting-") as folder:
            path = Path(folder) / filename
            path.write_bytes(data)
            return self.bot.runtime.services.index.ingest([path])


def _filename(file: discord.Attachment | None, name: str | None) -> str:
    """A safe file name with a supported suffix; pasted text is .txt unless `name` says otherwise."""
    raw = file.filename if file is not None else (name or "pasted-posting")
    stem, suffix = Path(raw).stem, Path(raw).suffix.lower()
    if file is None and suffix not in SUPPORTED_SUFFIXES:
        stem, suffix = Path(raw).name, ".txt"
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise BadPostingFile(f"{raw} is not a posting file I can read; use one of {allowed}.")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-") or "posting"
    return f"{safe[:80]}{suffix}"


async def setup(bot: PrepBot) -> None:
    await bot.add_cog(Postings(bot))
