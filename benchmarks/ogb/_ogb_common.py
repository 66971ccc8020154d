"""What the OGB leaderboard scripts share.

The evaluator, spectral features, and the two drivers (Linear/MLP + C&S, GCN +
label non-uniformity).

Each ``ogbn-*/`` folder holds thin scripts that name their dataset and, for C&S,
their features; they put this folder on ``sys.path`` and call :func:`cs_main` or
:func:`gcn_lnu_main`. Both follow OGB's rules: seeds ``0..runs-1``, a reset model
each run, the test score at the best validation epoch, accuracies from
``ogb.nodeproppred.Evaluator``, mean ± unbiased std, the parameter count printed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from graphlabels.data import load
from graphlabels.graph import Graph, to_undirected
from graphlabels.nn.models import GCN, MLP, count_parameters
from graphlabels.nonuniformity import LabelNonUniformity
from graphlabels.propagation import CorrectAndSmooth
from graphlabels.propagation.recipes import (
    BASE_PRESETS,
    CS_PRESETS,
    spectral_embedding,
)
from graphlabels.train import fit, mean_std, seed_everything

Features = Callable[[Graph, str, int, "Path | None"], torch.Tensor]


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


def ogb_accuracy(evaluator, y: torch.Tensor, pred: torch.Tensor, index) -> float:
    """Evaluator accuracy in percent of ``pred``'s argmax on ``index`` (or a mask)."""
    y_pred = pred[index].argmax(-1, keepdim=True)
    return (
        evaluator.eval({"y_true": y[index].view(-1, 1), "y_pred": y_pred})["acc"] * 100
    )


def spectral(graph: Graph, dataset: str, dim: int, cache: Path | None) -> torch.Tensor:
    """The C&S paper's ``dim``-d spectral embedding, cached under ``cache``."""
    path = None if cache is None else cache / f"{dataset}_spectral{dim}.pt"
    if path is not None and path.exists():
        return torch.load(path)
    spec = spectral_embedding(graph.edge_index, graph.num_nodes, dim)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(spec, path)
    return spec


def floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


def _summarise(summary: dict[str, Any], rows: list[dict], keys, start: float) -> None:
    for key in keys:
        m, s = mean_std([row[key] for row in rows])
        summary[f"{key}_mean"], summary[f"{key}_std"] = m, s
    summary["seconds"] = round(time.perf_counter() - start, 1)


def _save(path: Path | None, summary: dict[str, Any], rows: list[dict]) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**summary, "per_run": rows}, indent=2))


def cs_main(dataset: str, features: Features, argv: list[str] | None = None) -> int:
    """Linear/MLP + Correct & Smooth on ``dataset`` with the paper's settings.

    ``features(graph, embeddings, spectral_dim, cache)`` builds the input features
    (``embeddings`` is ``"paper"`` or ``"none"``).
    """
    folder = dataset.replace("-", "_")
    p = argparse.ArgumentParser(description=f"{dataset}: Linear/MLP + C&S")
    p.add_argument("--root", default=None, help=f"data root holding ogb/{folder}")
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
    graph = load(dataset, root=args.root)
    evaluator = ogb_evaluator(dataset)
    x = features(graph, args.embeddings, args.spectral_dim, args.cache)
    data = graph.replace(x=x)
    # C&S propagates over the undirected graph, as in the paper's code (products
    # already has both directions: to_undirected only merges duplicates there).
    ei, _ = to_undirected(graph.edge_index, None, graph.num_nodes)
    adj = data.replace(edge_index=ei).csr()
    y = graph.y
    idx = {k: m.nonzero().view(-1) for k, m in
           (("train", graph.train_mask), ("valid", graph.val_mask),
            ("test", graph.test_mask))}  # fmt: skip

    base = dict(BASE_PRESETS[(dataset, args.model)])
    epochs = args.epochs or base.pop("epochs")
    lr = args.lr or base.pop("lr")
    base.pop("epochs", None)
    base.pop("lr", None)
    model = MLP(x.size(1), graph.num_classes, **base)
    print(f"model: {args.model} ({count_parameters(model)} parameters)")
    cs = CorrectAndSmooth(**CS_PRESETS[(dataset, args.model)])
    print(cs)

    def acc(pred: torch.Tensor, split: str) -> float:
        return ogb_accuracy(evaluator, y, pred, idx[split])

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

    summary = {"dataset": dataset, "model": args.model, "runs": args.runs,
               "parameters": count_parameters(model),
               "embeddings": args.embeddings}  # fmt: skip
    _summarise(summary, rows, ("base_valid", "base_test", "cs_valid", "cs_test"), start)
    print(f"{args.model}: base test {summary['base_test_mean']:.2f} ± "
          f"{summary['base_test_std']:.2f}; {args.model} + C&S valid "
          f"{summary['cs_valid_mean']:.2f} ± {summary['cs_valid_std']:.2f}, test "
          f"{summary['cs_test_mean']:.2f} ± {summary['cs_test_std']:.2f} "
          f"({args.runs} runs)")  # fmt: skip
    _save(args.json, summary, rows)
    return 0


def gcn_lnu_main(dataset: str, argv: list[str] | None = None) -> int:
    """A full-batch GCN wrapped by label non-uniformity, chosen on validation."""
    p = argparse.ArgumentParser(description=f"{dataset}: GCN + label non-uniformity")
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
    graph = load(dataset, root=args.root)
    ei, _ = to_undirected(graph.edge_index, None, graph.num_nodes)
    graph = graph.replace(edge_index=ei)
    evaluator = ogb_evaluator(dataset)

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
        return ogb_accuracy(evaluator, graph.y, logits, masks[split])

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
    summary = {"dataset": dataset, "model": "gcn", "runs": args.runs,
               "parameters": params, "best_variant": res.best_variant,
               "chosen": res.chosen}  # fmt: skip
    _summarise(summary, rows, ("base_valid", "base_test", "valid", "test"), start)
    print(f"GCN: test {summary['base_test_mean']:.2f} ± {summary['base_test_std']:.2f}"
          f"; GCN + LNU ({res.best_variant}): valid {summary['valid_mean']:.2f} ± "
          f"{summary['valid_std']:.2f}, test {summary['test_mean']:.2f} ± "
          f"{summary['test_std']:.2f} ({args.runs} runs)")  # fmt: skip
    _save(args.json, summary, rows)
    return 0
