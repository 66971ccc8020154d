#!/usr/bin/env bash
# Set up the core install (idempotently), then train and evaluate a GCN on Cora
# over 10 seeds. Extra arguments go to `graphlabels train` (e.g. --runs 1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh core
# The datasets beside the project, unless the caller points elsewhere.
if [ -z "${GRAPHLABELS_DATA:-}" ] && [ -d ../shared/datasets ]; then
    export GRAPHLABELS_DATA="$(cd ../shared/datasets && pwd)"
fi
exec .venv/bin/graphlabels train cora --model gcn --runs 10 "$@"
