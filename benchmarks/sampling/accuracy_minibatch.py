"""Mini-batch against full-batch training: test accuracy over seeds, same splits.

The library call behind ``graphlabels train DATASET --model sage --batch-size 512
--fanout 10,10``: each run seeds everything, builds the model from the preset, and
trains it with :func:`graphlabels.train.fit` (full batch) and with
:class:`graphlabels.train.MiniBatchTrainer` (same learning rate, weight decay,
epochs and patience; neighbour-sampled batches, exact layer-wise validation).

Usage::

    python benchmarks/sampling/accuracy_minibatch.py coauthor-cs --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import torch

from graphlabels.data import load
from graphlabels.nn import build_model
from graphlabels.train import MiniBatchTrainer, fit, mean_std, seed_everything
from graphlabels.train.presets import preset

OUT = Path(__file__).resolve().parents[1] / "results"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dataset", nargs="?", default="coauthor-cs")
    p.add_argument("--model", default="sage")
    p.add_argument("--batch-size", type=int, default=512)
    p.add_argument("--fanout", default="10,10")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--out", default=None)
    args = p.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    graph = load(args.dataset)
    model_kw, fit_kw = preset(args.model, args.dataset)
    fanouts = tuple(int(k) for k in args.fanout.split(","))
    model_kw.setdefault("num_layers", len(fanouts))
    trainer = MiniBatchTrainer(
        batch_size=args.batch_size,
        fanouts=fanouts,
        epochs=fit_kw["epochs"],
        lr=fit_kw["lr"],
        weight_decay=fit_kw["weight_decay"],
        patience=fit_kw["patience"],
        eval_chunk_size=1 << 16,
    )
    rows = {"full_batch": [], "minibatch": []}
    load0 = os.getloadavg()
    for r in range(args.runs):
        split = r % max(graph.num_splits, 1)
        g = graph.split(split)
        for name in rows:
            seed_everything(r)
            model = build_model(args.model, g.num_features, g.num_classes, **model_kw)
            t0 = time.perf_counter()
            if name == "full_batch":
                res = fit(model, g, **fit_kw)
            else:
                res = trainer(model, g, seed=r)
            sec = time.perf_counter() - t0
            rows[name].append(
                {
                    "seed": r,
                    "split": split,
                    "val_acc": round(res.val_acc, 4),
                    "test_acc": round(res.test_acc, 4),
                    "best_epoch": res.best_epoch,
                    "epochs_run": res.epochs_run,
                    "seconds": round(sec, 2),
                }
            )
            print(name, rows[name][-1], flush=True)
        _write(args, rows, model_kw, fit_kw, fanouts, load0)


def _write(args, rows, model_kw, fit_kw, fanouts, load0) -> None:
    summary = {}
    for name, rs in rows.items():
        if not rs:
            continue
        m, s = mean_std([x["test_acc"] for x in rs])
        vm, vs = mean_std([x["val_acc"] for x in rs])
        summary[name] = {
            "runs": len(rs),
            "test_acc_mean": round(m, 2),
            "test_acc_std": round(s, 2),
            "val_acc_mean": round(vm, 2),
            "val_acc_std": round(vs, 2),
        }
    out = {
        "dataset": args.dataset,
        "model": args.model,
        "model_kwargs": model_kw,
        "fit_kwargs": fit_kw,
        "batch_size": args.batch_size,
        "fanouts": list(fanouts),
        "runs_requested": args.runs,
        "summary": summary,
        "per_run": rows,
        "threads": torch.get_num_threads(),
        "loadavg_start": load0,
        "loadavg_end": os.getloadavg(),
        "load": "machine shared with other processes; see loadavg",
    }
    name = f"sampling_accuracy_{args.dataset}.json"
    path = Path(args.out) if args.out else OUT / name
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
