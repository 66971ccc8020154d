"""ogbn-products: GraphSAGE with neighbour sampling (OGB leaderboard 78.70 ± 0.36).

The leaderboard's "GraphSAGE (NeighborSampling)" recipe: 3 layers, hidden 256,
mean aggregation, dropout 0.5, fanout [15, 10, 5] (seeds' hop first), batches of
1024 training nodes, Adam with lr 0.003, 20 epochs; the test score at the best
validation epoch, evaluated with exact layer-wise inference over all nodes. Runs use
seeds ``0..runs-1``; accuracy is the share of correct argmax predictions on OGB's
split (what ``ogb.nodeproppred.Evaluator`` computes), mean ± unbiased std, the
parameter count printed.

The graph is read memory-mapped from an on-disk folder; ``--root`` converts OGB's
own files there once (``graphlabels.data.ondisk.convert_ogb``, float16 features).
Any on-disk folder works with ``--ondisk`` (e.g. the synthetic one of
``benchmarks/sampling/make_synthetic.py``, for timing).

Usage::

    python benchmarks/ogb/ogbn-products/sage.py --root $GRAPHLABELS_DATA \
        --ondisk /tmp/ogbn-products-ondisk --runs 10
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from graphlabels.data.ondisk import convert_ogb, open_ondisk  # noqa: E402
from graphlabels.nn import SAGE, count_parameters  # noqa: E402
from graphlabels.train import MiniBatchTrainer, mean_std, seed_everything  # noqa: E402

DATASET = "ogbn-products"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=f"{DATASET}: neighbour-sampled SAGE")
    p.add_argument("--root", default=None, help="data root with ogb/ogbn_products")
    p.add_argument("--ondisk", required=True, type=Path, help="on-disk folder")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--fanout", default="15,10,5")
    p.add_argument("--batch-size", type=int, default=1024)
    p.add_argument("--lr", type=float, default=0.003)
    p.add_argument("--eval-every", type=int, default=1)
    p.add_argument("--chunk-size", type=int, default=65536)
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    if not (args.ondisk / "meta.json").is_file():
        if args.root is None:
            p.error(f"{args.ondisk} holds no on-disk graph: pass --root to convert")
        t = time.perf_counter()
        convert_ogb(DATASET, args.root, args.ondisk)
        print(f"converted to {args.ondisk} in {time.perf_counter() - t:.0f} s")
    graph = open_ondisk(args.ondisk)
    print(graph)
    fanouts = tuple(int(k) for k in args.fanout.split(","))
    trainer = MiniBatchTrainer(
        batch_size=args.batch_size,
        fanouts=fanouts,
        epochs=args.epochs,
        lr=args.lr,
        weight_decay=0.0,
        patience=None,
        eval_every=args.eval_every,
        eval_chunk_size=args.chunk_size,
        progress=True,
    )
    rows = []
    start = time.perf_counter()
    for run in range(args.runs):
        seed_everything(run)
        model = SAGE(
            graph.num_features,
            graph.num_classes,
            hidden_channels=args.hidden,
            num_layers=len(fanouts),
            dropout=0.5,
        )
        if run == 0:
            print(f"#Params: {count_parameters(model)}")
        t = time.perf_counter()
        res = trainer(model, graph, seed=run)
        rows.append(
            {
                "run": run,
                "val_acc": res.val_acc,
                "test_acc": res.test_acc,
                "best_epoch": res.best_epoch,
                "seconds": round(time.perf_counter() - t, 1),
            }
        )
        print(f"run {run}: val {res.val_acc:.2f} test {res.test_acc:.2f}", flush=True)
    val = mean_std([r["val_acc"] for r in rows])
    test = mean_std([r["test_acc"] for r in rows])
    print(f"Highest Valid: {val[0]:.2f} ± {val[1]:.2f}")
    print(f"   Final Test: {test[0]:.2f} ± {test[1]:.2f}")
    summary = {
        "dataset": DATASET,
        "graph": str(args.ondisk),
        "val_acc": val,
        "test_acc": test,
        "seconds": round(time.perf_counter() - start, 1),
        "threads": torch.get_num_threads(),
        "args": {k: str(v) for k, v in vars(args).items()},
    }
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "runs": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
