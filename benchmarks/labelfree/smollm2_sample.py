"""SmolLM2-135M annotation accuracy on the Random selection, within a time budget.

On the shared 2-core machine SmolLM2 (llama.cpp, one thread) needs about 14 s of CPU
per CiteSeer node, so the full protocol (120 nodes x 3 seeds x 6 strategies) does not
fit. This script annotates the Random selection of seed 0 *in selection order* (so
any prefix is itself a uniform random sample of the text nodes) until the deadline,
with the same cache as run_labelfree.py, and reports the accuracy on what it did.

    python benchmarks/labelfree/smollm2_sample.py --dataset citeseer --minutes 50 \
        --out smollm2_sample.json
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import time
from pathlib import Path

import torch

from graphlabels.data import has_text
from graphlabels.labelfree import (
    AnnotationCache,
    LlamaCppAnnotator,
    load_text_graph,
    select,
)
from graphlabels.labelfree.prompts import readable_label_names


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (100 * (c - h), 100 * (c + h))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--dataset", default="citeseer")
    p.add_argument("--root", default="../shared/datasets")
    p.add_argument("--minutes", type=float, default=50)
    p.add_argument("--max-chars", type=int, default=400)
    p.add_argument(
        "--cache", type=Path, default=Path("/tmp/graphlabels-labelfree.sqlite")
    )
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    torch.set_num_threads(1)
    graph = load_text_graph(a.dataset, a.root, "auto")
    names = readable_label_names(graph.class_names)
    budget = 20 * len(names)
    order = select(
        "random",
        graph.edge_index,
        graph.x,
        budget,
        num_classes=len(names),
        seed=0,
        candidates=has_text(graph),
    ).tolist()
    ann = LlamaCppAnnotator(
        mode="verbalizer", max_chars=a.max_chars, cache=AnnotationCache(a.cache)
    )
    deadline = time.monotonic() + 60 * a.minutes
    done, labels, fresh_seconds = [], [], []
    for v in order:
        if time.monotonic() > deadline:
            break
        t = time.perf_counter()
        r = ann.annotate([graph.texts[v]], names)[0]
        if r.calls:
            fresh_seconds.append(time.perf_counter() - t)
        done.append(v)
        labels.append(r.label)
        print(
            f"{len(done):4d} node {v:5d} -> {r.label} (true {int(graph.y[v])})",
            flush=True,
        )
    y = graph.y[done].tolist()
    k = sum(int(a_ == b) for a_, b in zip(labels, y, strict=True))
    rec = {
        "dataset": a.dataset,
        "annotator": ann.name,
        "selection": "random, seed 0, in selection order",
        "budget": budget,
        "annotated": len(done),
        "annotation_acc": 100 * k / max(len(done), 1),
        "annotation_acc_95ci_wilson": wilson(k, len(done)),
        "predicted_label_counts": dict(collections.Counter(labels)),
        "true_label_counts": dict(collections.Counter(y)),
        "label_names": names,
        "wall_seconds_per_fresh_node": (
            sum(fresh_seconds) / len(fresh_seconds) if fresh_seconds else None
        ),
        "max_chars": a.max_chars,
        "not_run": "GCN training on SmolLM2 labels and the other strategies/seeds "
        "(time: ~2 min wall per node on the shared machine)",
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(rec, indent=2) + "\n")
    print(json.dumps(rec, indent=2))


if __name__ == "__main__":
    main()
