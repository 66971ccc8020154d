"""``graphlabels label-free DATASET``: LLM-GNN without a single label.

Selects ``--budget`` nodes, annotates them with an LLM or an embedding model,
optionally post-filters (``--filter ps``), trains a GCN on the annotations over
``--seeds`` seeds, and reports the annotation accuracy, the test accuracy on every
node not annotated, the calls, the tokens and the cost
(:class:`graphlabels.labelfree.LabelFreePipeline` on
:func:`graphlabels.labelfree.load_text_graph`).

Where the command differs from the library's defaults: llama-cpp and openai
annotations are cached on disk (--cache; the annotators cache nothing unless given
a cache); the openai endpoint is a local server (--base-url; OpenAIAnnotator's
default is the OpenAI API), and a failed call leaves its node unannotated instead
of stopping the run (OpenAIAnnotator's on_error="skip"; its default is "raise").
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from graphlabels.cli._common import (
    add_defaulted,
    add_distributed,
    add_minibatch,
    add_output_options,
    add_split_options,
    data_parallel,
    default_of,
    distributed,
    fraction,
    minibatch,
    nonnegative_float,
    output_path,
    positive_float,
    positive_int,
    share,
    split_kwargs,
    write_json,
)
from graphlabels.distributed import world_size
from graphlabels.labelfree.datasets import FEATURES, load_text_graph
from graphlabels.labelfree.pipeline import LabelFreePipeline
from graphlabels.labelfree.selection import SELECTORS
from graphlabels.nn import MODELS

__all__ = ["add_parser", "build_annotator", "run"]

_PIPE = LabelFreePipeline.__init__


def _selection(text: str) -> str:
    if text.lower().replace("_", "-") not in SELECTORS:
        raise argparse.ArgumentTypeError(
            f"unknown selection {text!r}: choose one of {', '.join(SELECTORS)}"
        )
    return text


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
        "is used when there is one), or the path of a graph folder with "
        "texts.json and class_names.json (see graphlabels.data.local)",
    )
    p.add_argument(
        "--annotator", default="embed", choices=("embed", "llama-cpp", "openai")
    )
    p.add_argument(
        "--base-url",
        default="http://127.0.0.1:8080/v1",
        help="openai endpoint (default: %(default)s, a local server; "
        "OpenAIAnnotator's default is the OpenAI API)",
    )
    p.add_argument(
        "--model",
        default=None,
        help="model name (openai; default: gpt-3.5-turbo) or .gguf path "
        "(llama-cpp; default: the SmolLM2 file), as the annotators default",
    )
    p.add_argument("--prompt", default="vanilla", choices=("vanilla", "topk", "hybrid"))
    p.add_argument(
        "--mode",
        default="verbalizer",
        choices=("verbalizer", "generate"),
        help="llama-cpp: score label names or generate (default: verbalizer)",
    )
    add_defaulted(
        p,
        _PIPE,
        {
            "--budget": (positive_int, "nodes to annotate (default: 20 x classes)"),
            "--min-annotated": (
                share,
                "fail (exit 1) when a seed has a smaller share of its budget "
                "annotated, e.g. after the --max-cost cap (default: %(default)s)",
            ),
            "--selection": (
                _selection,
                f"selection strategy, one of {', '.join(SELECTORS)} (default: "
                "%(default)s)",
            ),
        },
    )
    p.add_argument(
        "--filter",
        default=default_of(_PIPE, "filter"),
        choices=("ps",),
        help="post-filter (default: none)",
    )
    p.add_argument(
        "--filter-fraction",
        type=fraction,
        default=default_of(_PIPE, "filter_fraction"),
        help="share of annotations the filter removes (default: %(default)s)",
    )
    p.add_argument(
        "--seeds",
        type=positive_int,
        default=len(default_of(_PIPE, "seeds")),
        help="seeds 0..seeds-1 (default: %(default)s)",
    )
    p.add_argument(
        "--gnn",
        default=default_of(_PIPE, "model"),
        choices=sorted(MODELS),
        help="graphlabels.nn model (default: %(default)s)",
    )
    p.add_argument("--weighted", action="store_true", help="confidence-weighted CE")
    add_defaulted(
        p,
        _PIPE,
        {
            "--lnu-eta3": (
                fraction,
                "add the non-uniformity wrapper's Algorithm 1 with this eta3",
            ),
            "--epochs": (positive_int, "GNN training epochs (default: %(default)s)"),
            "--lr": (positive_float, "GNN learning rate (default: %(default)s)"),
            "--weight-decay": (
                nonnegative_float,
                "GNN weight decay (default: %(default)s)",
            ),
        },
    )
    add_minibatch(p)
    add_distributed(p)
    p.add_argument(
        "--features",
        default=default_of(load_text_graph, "features"),
        choices=FEATURES,
        help="GNN features: the dataset's x, MiniLM of the texts, or auto (x "
        "when the dataset has it, else MiniLM)",
    )
    p.add_argument(
        "--max-cost", type=nonnegative_float, default=None, help="hard $ cap (openai)"
    )
    p.add_argument(
        "--price-prompt", type=nonnegative_float, default=0.0, help="$ / 1M tokens"
    )
    p.add_argument(
        "--price-completion", type=nonnegative_float, default=0.0, help="$ / 1M"
    )
    p.add_argument(
        "--concurrency",
        type=positive_int,
        default=4,
        help="simultaneous openai requests (default: %(default)s)",
    )
    p.add_argument(
        "--cache",
        type=output_path,
        default=None,
        help="annotation cache (default: $GRAPHLABELS_CACHE or "
        "~/.cache/graphlabels, file labelfree.sqlite; the annotators cache nothing "
        "unless given a cache)",
    )
    p.add_argument(
        "--root", default=None, help="data root (default: $GRAPHLABELS_DATA)"
    )
    add_split_options(p)
    add_output_options(p, "the pipeline's")
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
    from graphlabels.train.presets import minibatch_model_kwargs, trainer_kwargs

    start = time.perf_counter()
    sampled = minibatch(args)
    settings = {"epochs": args.epochs, "lr": args.lr, "weight_decay": args.weight_decay}
    # the pipeline's default trainer has no early stopping (no validation labels)
    train_kw = trainer_kwargs(settings, patience=None, **sampled)
    parallel = distributed(args)
    if parallel is not None:
        # every rank annotates through the same cache, whose leases make each
        # call once; the GNN then trains data-parallel
        train_kw["trainer"] = data_parallel(train_kw["trainer"], parallel)
    model_kw = None
    if args.batch_size is not None:
        model_kw = minibatch_model_kwargs(args.gnn, {}, args.fanout)
    graph = load_text_graph(
        args.dataset,
        args.root,
        args.features,
        verify=not getattr(args, "no_verify", False),
        **split_kwargs(args),
    )
    annotator = build_annotator(args)
    pipe = LabelFreePipeline(
        annotator,
        selection=args.selection,
        budget=args.budget,
        min_annotated=args.min_annotated,
        filter=args.filter,
        filter_fraction=args.filter_fraction,
        model=args.gnn,
        model_kwargs=model_kw,
        weighted_loss=args.weighted,
        lnu_eta3=args.lnu_eta3,
        seeds=range(args.seeds),
        progress=not args.quiet,
        **train_kw,
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
    rec["split"] = graph.split_info
    rec["batch_size"] = args.batch_size
    rec["fanouts"] = None if args.fanout is None else list(args.fanout)
    rec["processes"] = world_size()
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
    write_json(args.json, rec)
    return 0
