"""``graphlabels label-free DATASET``: LLM-GNN without a single label.

Selects ``--budget`` nodes, annotates them with an LLM or an embedding model,
optionally post-filters (``--filter ps``), trains a GCN on the annotations over
``--seeds`` seeds, and reports the annotation accuracy, the test accuracy on every
node not annotated, the calls, the tokens and the cost.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "build_annotator", "prepare_graph", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``label-free``."""
    p = subparsers.add_parser(
        "label-free",
        help="label-free node classification with LLM annotations (LLM-GNN)",
        description=__doc__,
    )
    p.add_argument(
        "dataset",
        help="a text dataset, e.g. citeseer, cora, texas (the '-text' variant "
        "is used when there is one)",
    )
    p.add_argument(
        "--annotator", default="embed", choices=("embed", "llama-cpp", "openai")
    )
    p.add_argument(
        "--base-url", default="http://127.0.0.1:8080/v1", help="openai endpoint"
    )
    p.add_argument("--model", default=None, help="model name (openai) or .gguf path")
    p.add_argument("--prompt", default="vanilla", choices=("vanilla", "topk", "hybrid"))
    p.add_argument(
        "--mode",
        default="verbalizer",
        choices=("verbalizer", "generate"),
        help="llama-cpp: score label names or generate (default: verbalizer)",
    )
    p.add_argument("--budget", type=int, default=None, help="default: 20 x classes")
    p.add_argument(
        "--min-annotated",
        type=float,
        default=0.9,
        help="fail (exit 1) when a seed has a smaller share of its budget "
        "annotated, e.g. after the --max-cost cap (default: 0.9)",
    )
    p.add_argument("--selection", default="featprop", help="selection strategy")
    p.add_argument("--filter", default=None, choices=("ps",), help="post-filter")
    p.add_argument("--filter-fraction", type=float, default=0.1)
    p.add_argument("--seeds", type=int, default=3, help="seeds 0..seeds-1")
    p.add_argument("--gnn", default="gcn", help="graphlabels.nn model name")
    p.add_argument("--weighted", action="store_true", help="confidence-weighted CE")
    p.add_argument(
        "--lnu-eta3",
        type=float,
        default=None,
        help="add the non-uniformity wrapper's Algorithm 1 with this eta3",
    )
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument(
        "--features",
        default="auto",
        choices=("auto", "graph", "text"),
        help="GNN features: the dataset's x, MiniLM of the texts, or auto (x "
        "when the dataset has it, else MiniLM)",
    )
    p.add_argument("--max-cost", type=float, default=None, help="hard $ cap (openai)")
    p.add_argument("--price-prompt", type=float, default=0.0, help="$ / 1M tokens")
    p.add_argument("--price-completion", type=float, default=0.0, help="$ / 1M")
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="annotation cache (default: $GRAPHLABELS_CACHE or "
        "~/.cache/graphlabels, file labelfree.sqlite)",
    )
    p.add_argument(
        "--root", default=None, help="data root (default: $GRAPHLABELS_DATA)"
    )
    p.add_argument("--json", type=Path, default=None, help="write results here")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(run=run)


def _cache_path(args: argparse.Namespace) -> Path:
    if args.cache is not None:
        return args.cache
    root = os.environ.get("GRAPHLABELS_CACHE")
    base = Path(root) if root else Path.home() / ".cache" / "graphlabels"
    return base / "labelfree.sqlite"


def build_annotator(args: argparse.Namespace) -> Any:
    """The annotator the options ask for."""
    from graphlabels.labelfree.annotators import (
        EmbeddingAnnotator,
        LlamaCppAnnotator,
        OpenAIAnnotator,
    )
    from graphlabels.labelfree.cache import AnnotationCache

    if args.annotator == "embed":
        return EmbeddingAnnotator()
    cache = AnnotationCache(_cache_path(args))
    if args.annotator == "llama-cpp":
        return LlamaCppAnnotator(
            args.model, mode=args.mode, prompt=args.prompt, cache=cache
        )
    return OpenAIAnnotator(
        args.base_url,
        args.model or "gpt-3.5-turbo",
        prompt=args.prompt,
        concurrency=args.concurrency,
        price_prompt=args.price_prompt,
        price_completion=args.price_completion,
        max_cost_usd=args.max_cost,
        cache=cache,
        on_error="skip",
    )


def prepare_graph(name: str, root: str | None, features: str = "auto") -> Any:
    """Load ``name`` with its texts and set the GNN features.

    Nodes without text (Cora: 1,385 of 2,708; CiteSeer: 151) are never selected
    for annotation; they keep the dataset's features (or a zero MiniLM vector
    when the dataset has none) and are scored like every other unannotated node.
    """
    from graphlabels.data import load
    from graphlabels.labelfree.features import sentence_features

    key = name.lower()
    aliases = {
        "texas": "webkb-texas-text",
        "cornell": "webkb-cornell-text",
        "wisconsin": "webkb-wisconsin-text",
        "washington": "webkb-washington-text",
        "citeseer": "citeseer-text",
        "cora": "cora-text",
    }
    graph = load(aliases.get(key, key), root=root)
    if graph.num_splits > 1:
        graph = graph.split(0)
    if graph.texts is None:
        raise ValueError(
            f"dataset {name!r} has no texts: use a text dataset such as citeseer, "
            "cora, texas, cornell, wisconsin or washington"
        )
    if features == "text" or (features == "auto" and graph.x is None):
        graph = graph.replace(x=sentence_features(list(graph.texts)))
    elif graph.x is None:
        raise ValueError(f"{name} has no node features: use --features text")
    return graph


def _counts(rec: dict[str, Any]) -> str:
    line = (
        f"annotated {rec['annotated']}, failed {rec['failed']}, not attempted "
        f"{rec['unannotated']} ({100 * rec['annotated_fraction']:.1f}% of the "
        "budget annotated)"
    )
    return line + (f"; stopped: {rec['stopped']}" if rec.get("stopped") else "")


def run(args: argparse.Namespace) -> int:
    """Run the label-free pipeline and print (and optionally write) the results."""
    from graphlabels.labelfree.pipeline import (
        InsufficientAnnotations,
        LabelFreePipeline,
    )

    start = time.perf_counter()
    graph = prepare_graph(args.dataset, args.root, args.features)
    annotator = build_annotator(args)
    if not 0.0 <= args.min_annotated <= 1.0:
        raise ValueError(
            f"--min-annotated must be a share in [0, 1], got {args.min_annotated}"
        )
    pipe = LabelFreePipeline(
        annotator,
        selection=args.selection,
        budget=args.budget,
        min_annotated=args.min_annotated,
        filter=args.filter,
        filter_fraction=args.filter_fraction,
        model=args.gnn,
        weighted_loss=args.weighted,
        lnu_eta3=args.lnu_eta3,
        epochs=args.epochs,
        seeds=range(args.seeds),
        progress=not args.quiet,
    )
    try:
        pipe.fit(graph)
    except InsufficientAnnotations as e:
        if hasattr(pipe, "annotated_"):
            print(_counts(pipe.summary_counts()))
        print(f"graphlabels label-free: {e}", file=sys.stderr)
        return 1
    rec = pipe.summary()
    rec["seconds"] = time.perf_counter() - start
    rec["dataset"] = args.dataset
    rec["features"] = args.features
    print(f"{graph}")
    print(
        f"{args.dataset} {rec['selection']}{'+' + args.filter if args.filter else ''} "
        f"with {rec['annotator']}: annotation acc {rec['annotation_acc']:.2f}%, "
        f"{args.gnn} test acc {rec['test_acc_mean']:.2f} ± {rec['test_acc_std']:.2f} "
        f"over {args.seeds} seeds"
    )
    print(
        f"calls {rec['calls']}, tokens {rec['tokens']}, cost ${rec['cost_usd']:.4f}, "
        f"{rec['seconds']:.1f} s"
    )
    print(_counts(rec))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rec, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0
