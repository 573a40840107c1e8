#!/usr/bin/env bash
# Set up and run the whole test suite (unit tests on the real model and Chroma, and the
# end-to-end Discord tests against the loopback fake Discord). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check bot tests benchmarks
exec .venv/bin/python -m pytest "$@"
