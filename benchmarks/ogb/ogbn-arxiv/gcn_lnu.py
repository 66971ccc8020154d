"""ogbn-arxiv: GCN + label non-uniformity (Ji et al., ICML 2023), OGB rules.

A full-batch GCN (OGB's arxiv example settings: 3 layers, 256 hidden, dropout 0.5,
Adam lr 0.01, 500 epochs, on the symmetrised graph) is wrapped by
:class:`graphlabels.nonuniformity.LabelNonUniformity`: base runs, then Algorithm 2
(edge dropping) and/or Algorithm 1 (training-set enhancement), with the etas and the
variant chosen on *validation* accuracy. Runs use seeds ``0..runs-1`` with a fresh,
reset model; the test score of each run is that of its best-validation epoch,
scored by ``ogb.nodeproppred.Evaluator``, and reported as mean ± unbiased std.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

import torch

from graphlabels.data import load
from graphlabels.graph import to_undirected
from graphlabels.nn.models import GCN, count_parameters
from graphlabels.nonuniformity import LabelNonUniformity
from graphlabels.train import mean_std

DATASET = "ogbn-arxiv"


def ogb_evaluator(name: str):
    """``ogb.nodeproppred.Evaluator(name)``, without importing OGB's PyG/DGL glue."""
    if "ogb.nodeproppred" not in sys.modules:
        spec = importlib.util.find_spec("ogb")
        if spec is not None and spec.submodule_search_locations:
            path = Path(spec.submodule_search_locations[0]) / "nodeproppred"
            s = importlib.util.spec_from_file_location(
                "_ogb_evaluate", path / "evaluate.py"
            )
            mod = importlib.util.module_from_spec(s)
            s.loader.exec_module(mod)
            return mod.Evaluator(name=name)
    from ogb.nodeproppred import Evaluator

    return Evaluator(name=name)


def floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=f"{DATASET}: GCN + label non-uniformity")
    p.add_argument("--root", default=None, help="data root holding ogb/<dataset>")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--epochs", type=int, default=500)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--num-layers", type=int, default=3)
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--eta1", type=floats, default=[0.1, 0.3, 0.5])
    p.add_argument("--eta2", type=floats, default=[0.3, 0.6, 0.9])
    p.add_argument("--eta3", type=floats, default=[0.1, 0.3, 0.5, 0.7])
    p.add_argument("--variants", default="drop,augment,both")
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    print(args)

    start = time.perf_counter()
    graph = load(DATASET, root=args.root)
    ei, _ = to_undirected(graph.edge_index, None, graph.num_nodes)
    graph = graph.replace(edge_index=ei)
    evaluator = ogb_evaluator(DATASET)

    def make(seed: int) -> GCN:
        return GCN(graph.num_features, graph.num_classes, args.hidden,
                   args.num_layers, args.dropout)  # fmt: skip

    params = count_parameters(make(0))
    print(f"model: GCN ({params} parameters)")
    lnu = LabelNonUniformity(
        make,
        runs=args.runs,
        eta1=args.eta1,
        eta2=args.eta2,
        eta3=args.eta3,
        variants=args.variants.split(","),
        epochs=args.epochs,
        lr=args.lr,
        weight_decay=0.0,
        patience=None,
    ).fit(graph)
    res = lnu.result_
    print(res.table())

    masks = {"valid": graph.val_mask, "test": graph.test_mask}

    def acc(logits: torch.Tensor, split: str) -> float:
        m = masks[split]
        y_pred = logits[m].argmax(-1, keepdim=True)
        return (
            evaluator.eval({"y_true": graph.y[m].view(-1, 1), "y_pred": y_pred})["acc"]
            * 100
        )

    rows = []
    for r, model in enumerate(lnu.models_):
        mask = lnu.edge_masks_[r]
        g = (
            graph
            if mask is None
            else graph.replace(edge_index=graph.edge_index[:, mask])
        )
        with torch.no_grad():
            model.eval()
            logits = model(g)
        base = lnu.base_logits_[r]
        rows.append({"run": r, "base_valid": acc(base, "valid"),
                     "base_test": acc(base, "test"), "valid": acc(logits, "valid"),
                     "test": acc(logits, "test")})  # fmt: skip
        print(f"Run {r:02d}: base test {rows[-1]['base_test']:.2f} -> "
              f"{res.best_variant} valid {rows[-1]['valid']:.2f} test "
              f"{rows[-1]['test']:.2f}")  # fmt: skip
    summary = {"dataset": DATASET, "model": "gcn", "runs": args.runs,
               "parameters": params, "best_variant": res.best_variant,
               "chosen": res.chosen}  # fmt: skip
    for key in ("base_valid", "base_test", "valid", "test"):
        m, s = mean_std([row[key] for row in rows])
        summary[f"{key}_mean"], summary[f"{key}_std"] = m, s
    summary["seconds"] = round(time.perf_counter() - start, 1)
    print(f"GCN: test {summary['base_test_mean']:.2f} ± {summary['base_test_std']:.2f}"
          f"; GCN + LNU ({res.best_variant}): valid {summary['valid_mean']:.2f} ± "
          f"{summary['valid_std']:.2f}, test {summary['test_mean']:.2f} ± "
          f"{summary['test_std']:.2f} ({args.runs} runs)")  # fmt: skip
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**summary, "per_run": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
