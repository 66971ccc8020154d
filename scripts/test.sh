#!/usr/bin/env bash
# Set up every extra (idempotently), then run ruff and the whole test suite.
# Extra arguments go to pytest (e.g. -m "not slow").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
# The datasets beside the project, unless the caller points elsewhere.
if [ -z "${GRAPHLABELS_DATA:-}" ] && [ -d ../shared/datasets ]; then
    export GRAPHLABELS_DATA="$(cd ../shared/datasets && pwd)"
fi
.venv/bin/python -m ruff check .
exec .venv/bin/python -m pytest "$@"
