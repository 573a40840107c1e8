"""Deliberate command sync: Discord rate-limits it, so sync only when the command tree changed.

The tree's JSON (what `tree.sync()` would send) is hashed and the hash of the last successful
sync is kept per scope ("global" or "guild:<id>") in `<data dir>/command_sync.json`. Start-up syncs
when the hashes differ; `prepbot sync` always does.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import discord
from discord import app_commands

log = logging.getLogger(__name__)
HASH_FILE = "command_sync.json"


class CommandSync:
    """Sync `tree` globally, or to one guild when `guild_id` is set (development)."""

    def __init__(self, tree: app_commands.CommandTree, data_dir: Path, guild_id: int | None = None) -> None:
        self.tree = tree
        self.path = Path(data_dir) / HASH_FILE
        self.guild = discord.Object(id=guild_id) if guild_id else None

    @property
    def scope(self) -> str:
        return f"guild:{self.guild.id}" if self.guild else "global"

    def tree_hash(self) -> str:
        """A hash of the global commands as Discord would receive them."""
        payload = sorted((command.to_dict(self.tree) for command in self.tree.get_commands()),
                         key=lambda c: (c.get("type", 1), c["name"]))
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    def stored_hash(self) -> str | None:
        return self._stored().get(self.scope)

    def needs_sync(self) -> bool:
        return self.stored_hash() != self.tree_hash()

    async def sync(self, *, force: bool = False) -> int | None:
        """Sync when the tree changed (or `force`); returns the number of commands synced, or None
        when nothing needed syncing."""
        current = self.tree_hash()
        if not force and self._stored().get(self.scope) == current:
            log.info("command tree unchanged since the last %s sync; not syncing", self.scope)
            return None
        if self.guild is not None:
            self.tree.copy_global_to(guild=self.guild)
        synced = await self.tree.sync(guild=self.guild)
        self._store(current)
        log.info("synced %d commands (%s)", len(synced), self.scope)
        return len(synced)

    def _stored(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}  # never synced from this data dir
        except (OSError, ValueError) as error:  # unreadable or corrupt: sync again rather than trust it
            log.warning("ignoring the command-sync record %s: %s", self.path, error)
            return {}
        return data if isinstance(data, dict) else {}

    def _store(self, value: str) -> None:
        data = self._stored() | {self.scope: value}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)
