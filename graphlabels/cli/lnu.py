"""``graphlabels lnu DATASET``: label non-uniformity (WGNN) around a base model.

Runs :class:`graphlabels.nonuniformity.LabelNonUniformity`: the base model over
seeds, the non-uniformity scores, Algorithm 2 (edge dropping) and Algorithm 1
(training-set enhancement), every eta chosen on validation accuracy; reports base /
drop / augment / both.

Where the command differs from the library's defaults:

- a directed graph is made undirected first (Graph.to_undirected), as the
  official code does; LabelNonUniformity takes the graph as given;
- the GCN uses the official code's recipe (LNU_PRESETS in
  graphlabels.train.presets: 16 hidden units, no input dropout, up to 500 epochs),
  not the project preset of `graphlabels train`; other models use the project
  preset (graphlabels.train.presets.hyperparameters, recipe="lnu");
- --score-from defaults to mean (see its help).
"""

from __future__ import annotations

import argparse
import math
import time
from typing import Any

import torch

from graphlabels.cli._common import (
    add_distributed,
    data_parallel,
    default_of,
    distributed,
    load_graph,
    minibatch,
    output_path,
    write_json,
)
from graphlabels.distributed import world_size
from graphlabels.nonuniformity.wrapper import (
    VARIANTS,
    LabelNonUniformity,
)

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


def _variants(text: str) -> tuple[str, ...]:
    variants = tuple(v.strip() for v in text.split(",") if v.strip())
    bad = sorted(set(variants) - set(VARIANTS[1:]))
    if bad or not variants:
        raise argparse.ArgumentTypeError(
            f"unknown variant(s) {bad or [text]}: choose from drop,augment,both"
        )
    return variants


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``lnu``."""
    from graphlabels.cli.train import add_training_parser

    p = add_training_parser(
        subparsers,
        "lnu",
        "label non-uniformity (Ji et al., ICML 2023) around a base model",
        __doc__,
    )
    init = LabelNonUniformity.__init__
    for name in ("eta1", "eta2", "eta3"):
        default = default_of(init, name)
        p.add_argument(
            f"--{name}",
            type=_floats,
            default=default,
            help=f"grid (default: {','.join(map(str, default))})",
        )
    p.add_argument(
        "--variants",
        type=_variants,
        default=tuple(default_of(init, "variants")),
        help="comma-separated subset of drop,augment,both (default: all three)",
    )
    p.add_argument(
        "--score-from",
        choices=("run", "mean"),
        default="mean",
        help="score with the logits averaged over the base runs (default; on "
        "multi-split data only runs of the same split are averaged) or with each "
        "run's own logits (run: the official code, and LabelNonUniformity's "
        "default). The command line averages because its pseudo-labels then come "
        "from an ensemble: on Cora it gave 83.99 ± 0.34 against 83.27 ± 0.90 with "
        "run, and the benchmark tables were made with it",
    )
    p.add_argument(
        "--candidates",
        choices=CANDIDATES,
        default="exclude-val" if default_of(init, "exclude_val") else "include-val",
        help="Algorithm 1's candidates: every non-training node except the "
        "validation nodes (exclude-val, the default, LabelNonUniformity's "
        "exclude_val=True), or every non-training node (include-val), so "
        "that validation nodes are pseudo-labelled like test nodes and validation "
        "accuracy sees Algorithm 1's effect as test accuracy does",
    )
    p.add_argument(
        "--forest",
        choices=("bfs", "random"),
        default=default_of(init, "forest"),
        help="spanning forest of Algorithm 2 (default: %(default)s)",
    )
    p.add_argument(
        "--plot",
        type=output_path,
        default=None,
        help="PNG of accuracy per score decile (base model, run 0)",
    )
    add_distributed(p)
    p.set_defaults(run=run)


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
    from graphlabels.cli.train import overrides
    from graphlabels.nonuniformity import plot_score_accuracy, summarize_diagnostics
    from graphlabels.nonuniformity.wrapper import LabelNonUniformity
    from graphlabels.train.presets import (
        hyperparameters,
        make_trainer,
        minibatch_model_kwargs,
        model_factory,
    )

    start = time.perf_counter()
    sampled = minibatch(args)
    parallel = distributed(args)
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    graph = load_graph(args)
    undirected = graph.to_undirected()
    if undirected is not graph:
        print(
            f"{graph.name}: directed edges made undirected ({graph.num_edges} -> "
            f"{undirected.num_edges}), as in the official code"
        )
    graph = undirected.to(args.device)
    model_kw, fit_kw = hyperparameters(
        args.model, args.dataset, recipe="lnu", **overrides(args)
    )
    if sampled["batch_size"] is None:
        train_kw: dict[str, Any] = fit_kw
    else:
        model_kw = minibatch_model_kwargs(args.model, model_kw, sampled["fanouts"])
        train_kw = {"trainer": data_parallel(make_trainer(fit_kw, **sampled), parallel)}
    print(f"{graph}\nmodel {args.model} {model_kw}, {fit_kw}")
    lnu = LabelNonUniformity(
        model_factory(args.model, graph, **model_kw),
        runs=args.runs,
        eta1=args.eta1,
        eta2=args.eta2,
        eta3=args.eta3,
        variants=args.variants,
        score_from=args.score_from,
        exclude_val=args.candidates == "exclude-val",
        forest=args.forest,
        progress=not args.quiet,
        **train_kw,
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
    seconds = time.perf_counter() - start
    out = res.as_dict()
    record = {
        "dataset": args.dataset,
        "model": args.model,
        "runs": args.runs,
        "hyperparameters": {**model_kw, **fit_kw},
        "split": graph.split_info,
        "batch_size": args.batch_size,
        "fanouts": None if args.fanout is None else list(args.fanout),
        "processes": world_size(),
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
        "seconds": round(seconds, 3),
        "device": str(args.device),
    }
    # the results first: the diagnostics below take minutes on a large graph
    write_json(args.json, _clean(record))
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
    print(f"{time.perf_counter() - start:.1f} s")
    record["diagnostics"] = {**summary, "run0": diags[0].to_dict()}
    write_json(args.json, _clean(record))
    return 0
