#!/usr/bin/env bash
# Idempotent set-up: a virtual environment in .venv with graphlabels installed
# in editable mode, CPU torch pinned through constraints.txt. A second run with
# unchanged pyproject.toml and constraints.txt installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
stamp=.venv/.graphlabels-setup
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
echo "setting up .venv (first run or changed dependencies)..." >&2
.venv/bin/python -m pip install -q --upgrade pip
# torch first, pinned, so that no other package pulls a CUDA build.
.venv/bin/python -m pip install -q -c constraints.txt torch
.venv/bin/python -m pip install -q -c constraints.txt -e ".[all]"
echo "$want" > "$stamp"
