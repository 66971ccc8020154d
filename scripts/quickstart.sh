#!/usr/bin/env bash
# Set up (idempotently), then train and evaluate a GCN on Cora over 10 seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The datasets beside the project, unless the caller points elsewhere.
if [ -z "${GRAPHLABELS_DATA:-}" ] && [ -d ../shared/datasets ]; then
    export GRAPHLABELS_DATA="$(cd ../shared/datasets && pwd)"
fi
exec .venv/bin/graphlabels train cora --model gcn --runs 10 "$@"
