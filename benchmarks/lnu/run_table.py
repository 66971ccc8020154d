"""Accuracy table for label non-uniformity (WGNN): base / drop / augment / both.

For each dataset and base model this runs
:class:`graphlabels.nonuniformity.LabelNonUniformity` over 10 seeds, chooses every
eta on validation accuracy only, and merges the result into one JSON file (so an
interrupted table keeps what it finished). Progress goes to stdout.

    python benchmarks/lnu/run_table.py --models gcn --json benchmarks/results/lnu.json

Recipe (``graphlabels lnu`` uses the same): the official code's GCN (one hidden
layer of 16 units, dropout 0.5 between layers, Adam lr 0.01, weight decay 5e-4, up
to 500 epochs, patience 100); the project's GAT preset. As in the official code,
the WebKB graphs (directed in geom-gcn's files) are made undirected.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import torch

from graphlabels.data import load
from graphlabels.nonuniformity import summarize_diagnostics
from graphlabels.nonuniformity.wrapper import (
    DEFAULT_ETA1,
    DEFAULT_ETA2,
    DEFAULT_ETA3,
    LabelNonUniformity,
)
from graphlabels.train.presets import LNU_PRESETS, model_factory, preset

#: ``--candidates`` (as in ``graphlabels lnu``): Algorithm 1 leaves validation
#: nodes out (LabelNonUniformity's exclude_val=True), or lets them in.
CANDIDATES = ("exclude-val", "include-val")

#: name in the table -> registry name (Cornell: geom-gcn's shared copy of Cornell's
#: feature file is Texas's, so the Yandex copy with the same 48/32/20 splits is used)
DATASETS = {
    "texas": "texas",
    "wisconsin": "wisconsin",
    "cornell": "heterophilous-cornell",
    "cora": "cora",
    "citeseer": "citeseer",
    "chameleon": "chameleon",
    "amazon-photo": "amazon-photo",
    "amazon-computers": "amazon-computers",
    "coauthor-cs": "coauthor-cs",
}


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(v) for v in text.split(","))


def settings(
    model: str,
    epochs: int | None,
    patience: int | None = None,
    recipe: str = "official",
    dataset: str | None = None,
) -> tuple[dict, dict]:
    if recipe == "project":  # what `graphlabels train DATASET --model MODEL` uses
        mk, fk = preset(model, dataset)
    elif model in LNU_PRESETS:
        mk = dict(LNU_PRESETS[model]["model"])
        fk = dict(LNU_PRESETS[model]["fit"])
    else:
        mk, fk = preset(model)
        fk["epochs"] = max(fk.get("epochs", 200), 500)
    if epochs is not None:
        fk["epochs"] = epochs
    if patience is not None:
        fk["patience"] = patience
    return mk, fk


def run_one(name: str, model: str, args: argparse.Namespace) -> dict[str, Any]:
    # undirected as in the official code (the WebKB graphs are directed)
    graph = load(DATASETS[name], root=args.root).to_undirected().to(args.device)
    mk, fk = settings(model, args.epochs, args.patience, args.recipe, DATASETS[name])
    print(f"== {name} / {model}: {graph} {mk} {fk}", flush=True)
    start = time.perf_counter()
    lnu = LabelNonUniformity(
        model_factory(model, graph, **mk),
        runs=args.runs,
        eta1=args.eta1,
        eta2=args.eta2,
        eta3=args.eta3,
        score_from=args.score_from,
        exclude_val=args.candidates == "exclude-val",
        progress=args.progress,
        **fk,
    )
    lnu.fit(graph)
    res = lnu.result_
    seconds = time.perf_counter() - start
    print(res.table(), flush=True)
    diagnostics = summarize_diagnostics(lnu.base_diagnostics(graph))
    out = res.as_dict()
    base = res.variants["base"]
    best = res.best
    return {
        "dataset": name,
        "registry_name": DATASETS[name],
        "model": model,
        "runs": args.runs,
        "hyperparameters": {**mk, **fk},
        "grid_values": {
            "eta1": list(args.eta1),
            "eta2": list(args.eta2),
            "eta3": list(args.eta3),
        },
        "score_from": args.score_from,
        "candidates": args.candidates,
        "variants": out["variants"],
        "chosen": out["chosen"],
        "best_variant": res.best_variant,
        "best_minus_base": round(best.test_acc_mean - base.test_acc_mean, 4),
        "grid": out["grid"],
        "diagnostics": diagnostics,
        "seconds": round(seconds, 1),
        "torch_threads": torch.get_num_threads(),
        "device": str(args.device),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--datasets", default=",".join(DATASETS))
    p.add_argument("--models", default="gcn")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--eta1", type=_floats, default=DEFAULT_ETA1)
    p.add_argument("--eta2", type=_floats, default=DEFAULT_ETA2)
    p.add_argument("--eta3", type=_floats, default=DEFAULT_ETA3)
    p.add_argument("--score-from", default="mean", choices=("run", "mean"))
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--patience", type=int, default=None)
    p.add_argument("--root", default=None)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--progress", action="store_true")
    p.add_argument(
        "--recipe",
        default="official",
        choices=("official", "project"),
        help="official: the official code's GCN (16 hidden, no input dropout); "
        "project: graphlabels' presets, as `graphlabels train` uses them (64 "
        "hidden and input dropout; Coauthor CS: 128 hidden), "
        "stored under the key DATASET/MODEL/project",
    )
    p.add_argument(
        "--candidates",
        default="exclude-val",
        choices=CANDIDATES,
        help="Algorithm 1's candidates: every non-training node but the validation "
        "nodes (default), or every non-training node, so that validation nodes are "
        "pseudo-labelled like test nodes; rows with include-val are stored under "
        "the key DATASET/MODEL[/project]/include-val",
    )
    p.add_argument("--json", type=Path, default=Path("benchmarks/results/lnu.json"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    table: dict[str, Any] = {"results": {}}
    if args.json.exists():
        table = json.loads(args.json.read_text())
    for model in args.models.split(","):
        for name in args.datasets.split(","):
            rec = run_one(name, model, args)
            key = f"{name}/{model}" + ("/project" if args.recipe == "project" else "")
            key += "/include-val" if args.candidates == "include-val" else ""
            rec["recipe"] = args.recipe
            rec["command"] = " ".join(["python", *sys.argv])
            table["results"][key] = rec
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(table, indent=1) + "\n")
            v = rec["variants"]
            print(
                f"-- {name}/{model}: base {v['base']['test_acc_mean']:.2f}, chosen "
                f"{rec['best_variant']} {v[rec['best_variant']]['test_acc_mean']:.2f}"
                f" ({rec['seconds']:.0f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
