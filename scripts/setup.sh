#!/usr/bin/env bash
# Create .venv and install prepbot into it. Safe to re-run: it does nothing when already up to date.
# CPU torch is installed first and pinned: an unpinned torch would pull a multi-GB CUDA build.
# torch is needed here only, to export the embedding model to ONNX (run time uses onnxruntime).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
stamp=".venv/.prepbot-installed"
want="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  .venv/bin/python -m bot.core.onnx_export  # re-exports only if the file is gone or the model changed
  exit 0
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[dev,llm,export]"
# prepbot embeds with onnxruntime (no torch at run time): export the bundled model once, from disk.
.venv/bin/python -m bot.core.onnx_export
echo "$want" > "$stamp"
echo "prepbot installed in .venv"
