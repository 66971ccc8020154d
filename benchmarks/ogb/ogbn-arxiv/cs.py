"""ogbn-arxiv: Linear + C&S and MLP + C&S (Huang et al., ICLR 2021), OGB rules.

The base model (``--model linear|mlp``) is trained full-batch on the training nodes
with the C&S paper's settings; in each run the output at the best validation epoch
is post-processed by Correct & Smooth with the paper's hyperparameters
(:data:`graphlabels.propagation.recipes.CS_PRESETS`). Runs use seeds ``0..runs-1``
and ``reset_parameters()``; accuracies come from ``ogb.nodeproppred.Evaluator`` and
are reported as mean ± unbiased std.

The dataset is read with OGB's own loader from ``<root>/ogb/ogbn_arxiv`` (see
``graphlabels.data.ogb``); nothing is downloaded. Features as in the paper:
``--embeddings paper`` appends a 128-d spectral embedding and diffusion features
(cached under ``--cache``), then standardises; ``--embeddings none`` is the
paper's "Plain" variant.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from _ogb_common import cs_main, spectral  # noqa: E402

from graphlabels.propagation.recipes import diffusion_features  # noqa: E402

DATASET = "ogbn-arxiv"


def features(graph, embeddings: str, dim: int, cache: Path | None) -> torch.Tensor:
    """Raw features (+ spectral and diffusion features), standardised."""
    x = graph.x
    if embeddings == "paper":
        spec = spectral(graph, DATASET, dim, cache)
        diff = diffusion_features(graph.x, graph.edge_index)
        x = torch.cat([x, spec, diff], dim=-1)
    return (x - x.mean(0)) / x.std(0).clamp_min(1e-12)


def main(argv: list[str] | None = None) -> int:
    return cs_main(DATASET, features, argv)


if __name__ == "__main__":
    raise SystemExit(main())
