"""Label-free benchmark: datasets x strategies x annotators, GCN, 3 seeds.

Budget = 20 x number of classes. Strategies: Random, Degree, PageRank, FeatProp,
DA-PageRank and PS-FeatProp (FeatProp + the PS post-filter). No label is used
before the final scoring; test accuracy covers every node not annotated.

    python benchmarks/labelfree/run_labelfree.py --annotator embed \
        --out benchmarks/results/labelfree_embed.json
    python benchmarks/labelfree/run_labelfree.py --annotator smollm2 \
        --out benchmarks/results/labelfree_smollm2.json --time-limit 3600

Rows are appended to ``--out`` as they finish, so a run cut short keeps its rows.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from graphlabels.data import has_text
from graphlabels.labelfree import (
    AnnotationCache,
    EmbeddingAnnotator,
    LabelFreePipeline,
    LlamaCppAnnotator,
    load_text_graph,
)

DATASETS = ["citeseer", "texas", "cornell", "wisconsin", "washington", "cora"]
STRATEGIES = [
    ("random", None),
    ("degree", None),
    ("pagerank", None),
    ("featprop", None),
    ("da-pagerank", None),
    ("featprop", "ps"),
]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--annotator", choices=("embed", "smollm2"), required=True)
    p.add_argument("--datasets", nargs="*", default=DATASETS)
    p.add_argument(
        "--strategies",
        nargs="*",
        default=None,
        help="subset of: random degree pagerank featprop da-pagerank ps-featprop",
    )
    p.add_argument("--root", default="../shared/datasets")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument(
        "--cache", type=Path, default=Path("/tmp/graphlabels-labelfree.sqlite")
    )
    p.add_argument(
        "--max-chars", type=int, default=600, help="text truncation (both annotators)"
    )
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument(
        "--time-limit", type=float, default=None, help="seconds; skip the rest"
    )
    a = p.parse_args()

    if a.annotator == "embed":
        ann = EmbeddingAnnotator(max_chars=a.max_chars)
    else:
        ann = LlamaCppAnnotator(
            mode="verbalizer", max_chars=a.max_chars, cache=AnnotationCache(a.cache)
        )
    rows = json.loads(a.out.read_text())["rows"] if a.out.exists() else []
    done = {(r["dataset"], r["strategy"]) for r in rows}
    start = time.perf_counter()
    for ds in a.datasets:
        graph = load_text_graph(ds, a.root, "auto")
        for sel, filt in STRATEGIES:
            name = ("ps-" if filt else "") + sel
            if (ds, name) in done or (a.strategies and name not in a.strategies):
                continue
            if a.time_limit and time.perf_counter() - start > a.time_limit:
                print(f"time limit reached: skipping {ds} {name}", flush=True)
                continue
            t = time.perf_counter()
            pipe = LabelFreePipeline(
                ann, selection=sel, filter=filt, seeds=range(a.seeds), progress=False
            ).fit(graph)
            rec = pipe.summary()
            rec.update(
                dataset=ds,
                strategy=name,
                nodes=graph.num_nodes,
                text_nodes=int(has_text(graph).sum()),
                classes=len(graph.class_names),
                features="dataset x" if ds in ("citeseer", "cora") else "MiniLM",
                wall_seconds=time.perf_counter() - t,
            )
            rec.pop("seconds", None)
            rows.append(rec)
            print(
                f"{ds:10s} {name:12s} annot {rec['annotation_acc']:6.2f}  "
                f"gcn {rec['test_acc_mean']:6.2f} ± {rec['test_acc_std']:5.2f}  "
                f"{rec['wall_seconds']:7.1f} s",
                flush=True,
            )
            a.out.parent.mkdir(parents=True, exist_ok=True)
            a.out.write_text(
                json.dumps(
                    {
                        "annotator": a.annotator,
                        "machine": f"{platform.machine()}, "
                        f"{torch.get_num_threads()} torch threads, shared",
                        "rows": rows,
                    },
                    indent=2,
                )
                + "\n"
            )


if __name__ == "__main__":
    main()
