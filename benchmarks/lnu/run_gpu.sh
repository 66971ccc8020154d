#!/usr/bin/env bash
# LNU table rows on a GPU: the rows whose ~60 trainings per graph do not fit this
# 2-core CPU (GAT on Amazon Photo, Coauthor CS and Amazon Computers by default).
#     bash benchmarks/lnu/run_gpu.sh
# Same grid as the CPU GAT rows on CiteSeer and Chameleon (eta1 0.3, eta2 0.4,
# eta3 0.6/0.9, 300 epochs, patience 50, 10 runs). Each dataset is merged into
# $OUT/lnu_gpu.json (or benchmarks/results/) as soon as it finishes, so a time-out
# keeps what was done. DATASETS, MODELS, DEVICE and PER_DATASET_S override;
# TRAIN_ARGS (default "--epochs 300 --patience 50") replaces the training
# arguments, e.g. the project's GCN preset with validation nodes as candidates:
#     DATASETS=amazon-photo MODELS=gcn \
#     TRAIN_ARGS="--recipe project --candidates include-val" bash benchmarks/lnu/run_gpu.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
unset TRITON_INTERPRET
DEST="${OUT:-benchmarks/results}"
mkdir -p "$DEST"
PY="${PYTHON:-$(command -v python || command -v python3)}"
status=0
for d in ${DATASETS:-amazon-photo coauthor-cs amazon-computers}; do
    PYTHONUNBUFFERED=1 timeout "${PER_DATASET_S:-170}" "$PY" benchmarks/lnu/run_table.py \
        --datasets "$d" --models "${MODELS:-gat}" --device "${DEVICE:-cuda}" \
        --eta1 0.3 --eta2 0.4 --eta3 0.6,0.9 ${TRAIN_ARGS---epochs 300 --patience 50} \
        --json "$DEST/lnu_gpu.json" 2>&1 | tee -a "$DEST/lnu_gpu.log" || status=1
done
exit $status
