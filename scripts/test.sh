#!/usr/bin/env bash
# Set up (idempotently) and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The datasets beside the project, unless the caller points elsewhere.
if [ -z "${GRAPHLABELS_DATA:-}" ] && [ -d ../shared/datasets ]; then
    export GRAPHLABELS_DATA="$(cd ../shared/datasets && pwd)"
fi
.venv/bin/python -m ruff check .
exec .venv/bin/python -m pytest "$@"
