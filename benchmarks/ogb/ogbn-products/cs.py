"""ogbn-products: Linear + C&S and MLP + C&S (Huang et al., ICLR 2021), OGB rules.

The base model (``--model linear|mlp``) is trained full-batch on the training nodes
with the C&S paper's settings; in each run the output at the best validation epoch
is post-processed by Correct & Smooth with the paper's hyperparameters
(:data:`graphlabels.propagation.recipes.CS_PRESETS`). Runs use seeds ``0..runs-1``
and ``reset_parameters()``; accuracies come from ``ogb.nodeproppred.Evaluator`` and
are reported as mean ± unbiased std.

The dataset is read with OGB's own loader from ``<root>/ogb/ogbn_products`` (see
``graphlabels.data.ogb``); nothing is downloaded. Features as in the paper:
``--embeddings paper`` appends a 128-d spectral embedding (cached under
``--cache``; on the full graph it takes a while); ``--embeddings none`` is the
paper's "Plain" variant. Features are not standardised, as in the paper.
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
from graphlabels.nn.models import MLP, count_parameters
from graphlabels.propagation import CorrectAndSmooth
from graphlabels.propagation.recipes import (
    BASE_PRESETS,
    CS_PRESETS,
    spectral_embedding,
)
from graphlabels.train import fit, mean_std, seed_everything

DATASET = "ogbn-products"


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


def features(graph, embeddings: str, dim: int, cache: Path | None) -> torch.Tensor:
    x = graph.x
    if embeddings == "paper":
        path = None if cache is None else cache / f"{DATASET}_spectral{dim}.pt"
        if path is not None and path.exists():
            spec = torch.load(path)
        else:
            spec = spectral_embedding(graph.edge_index, graph.num_nodes, dim)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                torch.save(spec, path)
        x = torch.cat([x, spec], dim=-1)
    return x


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="ogbn-products: Linear/MLP + C&S")
    p.add_argument("--root", default=None, help="data root holding ogb/ogbn_products")
    p.add_argument("--model", choices=["linear", "mlp"], default="mlp")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--embeddings", choices=["paper", "none"], default="paper")
    p.add_argument("--spectral-dim", type=int, default=128)
    p.add_argument("--cache", type=Path, default=Path("embeddings"))
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)
    print(args)

    start = time.perf_counter()
    graph = load(DATASET, root=args.root)
    evaluator = ogb_evaluator(DATASET)
    x = features(graph, args.embeddings, args.spectral_dim, args.cache)
    data = graph.replace(x=x)
    # OGB adds the reverse edges of products; to_undirected only merges duplicates.
    ei, _ = to_undirected(graph.edge_index, None, graph.num_nodes)
    adj = data.replace(edge_index=ei).csr()
    y = graph.y
    idx = {k: m.nonzero().view(-1) for k, m in
           (("train", graph.train_mask), ("valid", graph.val_mask),
            ("test", graph.test_mask))}  # fmt: skip

    base = dict(BASE_PRESETS[(DATASET, args.model)])
    epochs = args.epochs or base.pop("epochs")
    lr = args.lr or base.pop("lr")
    base.pop("epochs", None)
    base.pop("lr", None)
    model = MLP(x.size(1), graph.num_classes, **base)
    print(f"model: {args.model} ({count_parameters(model)} parameters)")
    cs = CorrectAndSmooth(**CS_PRESETS[(DATASET, args.model)])
    print(cs)

    def acc(pred: torch.Tensor, split: str) -> float:
        i = idx[split]
        y_pred = pred[i].argmax(-1, keepdim=True)
        return (
            evaluator.eval({"y_true": y[i].view(-1, 1), "y_pred": y_pred})["acc"] * 100
        )

    rows = []
    for run in range(args.runs):
        seed_everything(run)
        model.reset_parameters()
        res = fit(model, data, epochs=epochs, lr=lr, weight_decay=0.0, patience=None)
        y_soft = res.logits.softmax(-1)
        out = cs(y_soft, y, idx["train"], adj)
        row = {
            "run": run,
            "base_valid": acc(y_soft, "valid"),
            "base_test": acc(y_soft, "test"),
            "cs_valid": acc(out, "valid"),
            "cs_test": acc(out, "test"),
            "best_epoch": res.best_epoch,
        }
        rows.append(row)
        print(f"Run {run:02d}: base valid {row['base_valid']:.2f} test "
              f"{row['base_test']:.2f} -> C&S valid {row['cs_valid']:.2f} test "
              f"{row['cs_test']:.2f} (best epoch {res.best_epoch})")  # fmt: skip

    summary = {"dataset": DATASET, "model": args.model, "runs": args.runs,
               "parameters": count_parameters(model),
               "embeddings": args.embeddings}  # fmt: skip
    for key in ("base_valid", "base_test", "cs_valid", "cs_test"):
        m, s = mean_std([r[key] for r in rows])
        summary[f"{key}_mean"], summary[f"{key}_std"] = m, s
    summary["seconds"] = round(time.perf_counter() - start, 1)
    print(f"{args.model}: base test {summary['base_test_mean']:.2f} ± "
          f"{summary['base_test_std']:.2f}; {args.model} + C&S valid "
          f"{summary['cs_valid_mean']:.2f} ± {summary['cs_valid_std']:.2f}, test "
          f"{summary['cs_test_mean']:.2f} ± {summary['cs_test_std']:.2f} "
          f"({args.runs} runs)")  # fmt: skip
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**summary, "per_run": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
