#!/usr/bin/env bash
# GPU check of the sparse kernels: correctness first, then the benchmarks.
# Runs in under 5 minutes on one H100 (torch 2.11 cu130, triton 3.6, PyG 2.8):
#     bash benchmarks/kernels/run_gpu.sh
# Results go to $OUT when it is set, else to
# benchmarks/results/. Nothing is installed; the repository is put on PYTHONPATH.
# STAGES picks what runs (default "tests spmm layers"); the optional stages are
# "propagation" (LP and C&S, bench_propagation.py), "profile" (profile_gpu.py:
# the GAT and GCN layers' kernels by GPU time) and "probe" (probe_gpu.py: SpMM at
# F = 128 against bandwidth probes and kernel variants), e.g.
#     STAGES="tests propagation profile" bash benchmarks/kernels/run_gpu.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
unset TRITON_INTERPRET
DEST="${OUT:-benchmarks/results}"
mkdir -p "$DEST"
PY="${PYTHON:-$(command -v python || command -v python3)}"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$DEST/kernels_gpu_device.txt"
"$PY" -c "import torch, triton; print('torch', torch.__version__, 'triton', triton.__version__)" | tee -a "$DEST/kernels_gpu_device.txt"

STAGES=" ${STAGES:-tests spmm layers} "
has() { [[ "$STAGES" == *" $1 "* ]]; }
status=0
# 1. correctness: every Triton test (on CUDA tensors) and the gpu-marked tests
#    (without pytest on the machine: a standalone check of every kernel)
#    Autotuning is off in tests (values, not speed): each shape compiles once.
if ! has tests; then
    :
elif "$PY" -c "import pytest" 2>/dev/null; then
    GRAPHLABELS_TRITON_AUTOTUNE=0 timeout 80 "$PY" -m pytest -q -p no:cacheprovider \
        tests/ops/_triton tests/ops/test__backend.py \
        tests/nonuniformity/test_score.py 2>&1 \
        | tail -n 40 | tee "$DEST/kernels_gpu_tests.txt" || status=1
    # the other gpu-marked tests: dropout, SpMM into a buffer, propagation and the
    # LNU wrapper on CUDA
    GRAPHLABELS_TRITON_AUTOTUNE=0 timeout 80 "$PY" -m pytest -q -p no:cacheprovider \
        -m gpu tests/nn/test_dropout.py tests/ops/test_spmm.py tests/propagation/test_common.py \
        tests/nonuniformity/test_wrapper.py 2>&1 \
        | tail -n 20 | tee -a "$DEST/kernels_gpu_tests.txt" || status=1
else
    timeout 100 "$PY" benchmarks/kernels/check_gpu.py 2>&1 \
        | tee "$DEST/kernels_gpu_tests.txt" || status=1
fi

# 2. benchmarks (products size: 2,449,029 nodes / 61,859,140 edges)
has probe && { timeout 150 "$PY" benchmarks/kernels/probe_gpu.py \
    --json "$DEST/kernels_gpu_probe.json" 2>&1 | tail -n 60 | tee "$DEST/kernels_gpu_probe.txt" || status=1; }
has spmm && { timeout 120 "$PY" benchmarks/kernels/bench_spmm.py --device cuda --reps 10 \
    --json "$DEST/kernels_gpu_spmm.json" 2>&1 | tail -n 80 | tee "$DEST/kernels_gpu_spmm.txt" || status=1; }
has layers && { timeout 120 "$PY" benchmarks/kernels/bench_layers.py --device cuda --reps 10 \
    --json "$DEST/kernels_gpu_layers.json" 2>&1 | tail -n 60 | tee "$DEST/kernels_gpu_layers.txt" || status=1; }
# 3. optional: propagation on both graph sizes (one timed run per process), and
#    the layers' kernel profile
has propagation && for g in products arxiv; do
    timeout 150 "$PY" benchmarks/propagation/bench_propagation.py --device cuda \
        --repeats 1 --graphs "$g" --json "$DEST/propagation_gpu_$g.json" 2>&1 \
        | tail -n 30 || status=1
done
has profile && { timeout 60 "$PY" benchmarks/kernels/profile_gpu.py 2>&1 \
    | tee "$DEST/kernels_gpu_profile.txt" || status=1; }
exit $status
