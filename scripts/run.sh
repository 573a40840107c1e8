#!/usr/bin/env bash
# The main job: set up, index the bundled postings if the index is empty, then start the Discord bot
# when DISCORD_TOKEN is set (env or .env), otherwise the terminal chat.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
token="${DISCORD_TOKEN:-}"
if [ -z "$token" ] && [ -f .env ]; then
  token="$(sed -n 's/^DISCORD_TOKEN=//p' .env | tail -n 1)"
fi
if [ -n "$token" ]; then
  exec .venv/bin/prepbot run "$@"
fi
exec .venv/bin/prepbot chat "$@"
