#!/usr/bin/env bash
# Idempotent set-up of a virtual environment in .venv with graphlabels installed in
# editable mode and CPU torch pinned through constraints.txt.
#
#   bash scripts/setup.sh core   # torch, numpy, scipy, tqdm and the compiled CPU
#                                # kernels (numba): `graphlabels train`, `lnu`,
#                                # `propagate` and `study`
#   bash scripts/setup.sh all    # every extra (pyg, dgl, ogb, llm, triton, plot, nx,
#                                # dev): what the test suite needs (the default)
#
# Each level leaves a stamp in .venv holding the hash of pyproject.toml and
# constraints.txt; a later run at the same or a lower level installs nothing
# until one of the two files changes.
set -euo pipefail
cd "$(dirname "$0")/.."
level=${1:-all}
case "$level" in
    core) extras="[cpu]" ;;
    all) extras="[all]" ;;
    *) echo "usage: bash scripts/setup.sh [core|all] (got '$level')" >&2; exit 2 ;;
esac
PY=${PYTHON:-python3}
stamp_all=.venv/.graphlabels-setup
stamp_core=.venv/.graphlabels-setup-core
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
current() { [ -f "$1" ] && [ "$(cat "$1")" = "$want" ]; }
if current "$stamp_all" || { [ "$level" = core ] && current "$stamp_core"; }; then
    exit 0
fi
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
echo "setting up .venv ($level; first run or changed dependencies)..." >&2
.venv/bin/python -m pip install -q --upgrade pip
# torch first, pinned, so that no other package pulls a CUDA build.
.venv/bin/python -m pip install -q -c constraints.txt torch
.venv/bin/python -m pip install -q -c constraints.txt -e ".$extras"
echo "$want" > "$stamp_core"
if [ "$level" = all ]; then
    echo "$want" > "$stamp_all"
fi
