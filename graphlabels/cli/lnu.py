"""``graphlabels lnu DATASET``: label non-uniformity (WGNN) around a base model.

Runs the base model over seeds, scores the nodes, applies Algorithm 2 (edge
dropping) and Algorithm 1 (training-set enhancement), chooses every eta on
validation accuracy, and reports base / drop / augment / both.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path
from typing import Any

import torch

from graphlabels.nonuniformity.wrapper import (
    DEFAULT_ETA1,
    DEFAULT_ETA2,
    DEFAULT_ETA3,
    VARIANTS,
)

#: The official recipe (amblee0306/label-non-uniformity-gnn, DGL): GCN with one
#: hidden layer of 16 units, dropout 0.5 between layers only, Adam lr 0.01,
#: weight decay 5e-4, up to 500 epochs, early stopping with patience 100.
LNU_PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "gcn": {
        "model": {"hidden_channels": 16, "dropout": 0.5, "input_dropout": 0.0},
        "fit": {"lr": 0.01, "weight_decay": 5e-4, "epochs": 500, "patience": 100},
    },
}


#: ``--candidates``: Algorithm 1 leaves validation nodes out, or lets them in.
CANDIDATES = ("exclude-val", "include-val")


def _floats(text: str) -> tuple[float, ...]:
    try:
        vals = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated fractions like 0.1,0.3,0.5, got {text!r}"
        ) from None
    if not vals or any(not 0.0 <= v <= 1.0 for v in vals):
        raise argparse.ArgumentTypeError(
            f"expected fractions in [0, 1] like 0.1,0.3,0.5, got {text!r}"
        )
    return vals


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``lnu``."""
    from graphlabels.cli.train import add_common

    p = subparsers.add_parser(
        "lnu",
        help="label non-uniformity (Ji et al., ICML 2023) around a base model",
        description=(
            "Base runs -> non-uniformity scores -> Algorithm 2 (edge dropping) "
            "and/or Algorithm 1 (pseudo-labels) -> retrain. Every eta is chosen "
            "on validation accuracy."
        ),
    )
    add_common(p)
    fmt = ",".join
    p.add_argument(
        "--eta1",
        type=_floats,
        default=DEFAULT_ETA1,
        help=f"grid (default: {fmt(map(str, DEFAULT_ETA1))})",
    )
    p.add_argument(
        "--eta2",
        type=_floats,
        default=DEFAULT_ETA2,
        help=f"grid (default: {fmt(map(str, DEFAULT_ETA2))})",
    )
    p.add_argument(
        "--eta3",
        type=_floats,
        default=DEFAULT_ETA3,
        help=f"grid (default: {fmt(map(str, DEFAULT_ETA3))})",
    )
    p.add_argument(
        "--variants",
        default="drop,augment,both",
        help="comma-separated subset of drop,augment,both",
    )
    p.add_argument(
        "--score-from",
        choices=("run", "mean"),
        default="mean",
        help="score with the logits averaged over the base runs (default; on "
        "multi-split data only runs of the same split are averaged) or with each "
        "run's own logits (the official code)",
    )
    p.add_argument(
        "--candidates",
        choices=CANDIDATES,
        default="exclude-val",
        help="Algorithm 1's candidates: every non-training node except the "
        "validation nodes (default), or every non-training node (include-val), so "
        "that validation nodes are pseudo-labelled like test nodes and validation "
        "accuracy sees Algorithm 1's effect as test accuracy does",
    )
    p.add_argument("--forest", choices=("bfs", "random"), default="bfs")
    p.add_argument(
        "--plot",
        type=Path,
        default=None,
        help="PNG of accuracy per score decile (base model, run 0)",
    )
    p.set_defaults(run=run)


def settings(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """Model and fit settings: the LNU preset, else the project preset."""
    from graphlabels.cli.train import settings as train_settings

    model_kw, fit_kw = train_settings(args)
    if args.model in LNU_PRESETS:
        model_kw = dict(LNU_PRESETS[args.model]["model"])
        fit_kw = dict(LNU_PRESETS[args.model]["fit"])
        for key, dest in (("hidden", "hidden_channels"), ("dropout", "dropout")):
            if getattr(args, key) is not None:
                model_kw[dest] = getattr(args, key)
        for key in ("epochs", "patience", "lr", "weight_decay"):
            if getattr(args, key) is not None:
                fit_kw[key] = getattr(args, key)
    return model_kw, fit_kw


def make_factory(name: str, graph, model_kw: dict[str, Any]):
    """``f(seed) -> model`` for a graphlabels model by name."""
    from graphlabels.nn import build_model

    kw = dict(model_kw)
    input_dropout = kw.pop("input_dropout", None)

    def make(seed: int) -> torch.nn.Module:
        model = build_model(name, graph.num_features, graph.num_classes, **kw)
        if input_dropout is not None and hasattr(model, "input_dropout"):
            model.input_dropout = input_dropout
        return model

    return make


def undirected(graph):
    """The graph with every edge's reverse added, as the official code does."""
    from graphlabels.graph import to_undirected

    if graph.is_undirected():
        return graph
    ei, _ = to_undirected(graph.edge_index, num_nodes=graph.num_nodes)
    print(
        f"{graph.name}: directed edges made undirected ({graph.num_edges} -> "
        f"{ei.size(1)}), as in the official code"
    )
    return graph.replace(edge_index=ei, edge_weight=None)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def run(args: argparse.Namespace) -> int:
    """Run the wrapper on ``args.dataset`` and report the four variants."""
    from graphlabels.cli.train import write_json
    from graphlabels.data import load
    from graphlabels.nonuniformity import plot_score_accuracy, summarize_diagnostics
    from graphlabels.nonuniformity.wrapper import LabelNonUniformity

    start = time.perf_counter()
    variants = tuple(v.strip() for v in args.variants.split(",") if v.strip())
    bad = set(variants) - set(VARIANTS[1:])
    if bad:
        print(f"error: unknown variant(s) {sorted(bad)}; choose from drop,augment,both")
        return 2
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    graph = undirected(load(args.dataset, root=args.root)).to(args.device)
    model_kw, fit_kw = settings(args)
    print(f"{graph}\nmodel {args.model} {model_kw}, {fit_kw}")
    lnu = LabelNonUniformity(
        make_factory(args.model, graph, model_kw),
        runs=args.runs,
        eta1=args.eta1,
        eta2=args.eta2,
        eta3=args.eta3,
        variants=variants,
        score_from=args.score_from,
        exclude_val=args.candidates == "exclude-val",
        forest=args.forest,
        progress=not args.quiet,
        **fit_kw,
    )
    lnu.fit(graph)
    res = lnu.result_
    assert res is not None
    print(res.table())
    base, best = res.variants["base"], res.best
    print(
        f"{args.dataset} {args.model}: base {base.summary()}, validation-chosen "
        f"{res.best_variant} {best.summary()} {best.params or ''}"
    )

    # diagnostics of the base model on test nodes, per run
    diags = lnu.base_diagnostics(graph)
    summary = summarize_diagnostics(diags)
    low = summary["homophily_low_mean"]
    print(
        "base test accuracy per score decile (low -> high): "
        f"{' '.join(f'{a:.0f}' for a in summary['test_accuracy_by_decile_mean'])}; "
        f"AUROC {summary['auroc_mean']:.3f} ± {summary['auroc_std']:.3f}; homophily "
        f"low-score set {'n/a' if low is None else f'{low:.3f}'} vs graph "
        f"{summary['homophily_graph']:.3f}"
    )
    if args.plot is not None:
        g0 = graph.split(0) if graph.num_splits > 1 else graph
        z0 = lnu.base_logits_[0]
        plot_score_accuracy(
            z0,
            z0.argmax(1) == g0.y,
            args.plot,
            g0.test_mask,
            title=f"{args.dataset} {args.model}: test accuracy by score decile",
        )
        print(f"wrote {args.plot}")
    seconds = time.perf_counter() - start
    print(f"{seconds:.1f} s")
    out = res.as_dict()
    record = {
        "dataset": args.dataset,
        "model": args.model,
        "runs": args.runs,
        "hyperparameters": {**model_kw, **fit_kw},
        "grid_values": {
            "eta1": list(args.eta1),
            "eta2": list(args.eta2),
            "eta3": list(args.eta3),
        },
        "score_from": args.score_from,
        "candidates": args.candidates,
        "variants": out["variants"],
        "chosen": out["chosen"],
        "best_variant": out["best_variant"],
        "grid": out["grid"],
        "diagnostics": {**summary, "run0": diags[0].to_dict()},
        "seconds": round(seconds, 3),
        "device": str(args.device),
    }
    write_json(args.json, _clean(record))
    return 0
