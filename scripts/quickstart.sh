#!/usr/bin/env bash
# Set up (idempotently), then train and evaluate a GCN on Cora over 10 seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/graphlabels train cora --model gcn --runs 10 "$@"
