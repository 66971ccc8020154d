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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from _ogb_common import cs_main, spectral  # noqa: E402

DATASET = "ogbn-products"


def features(graph, embeddings: str, dim: int, cache: Path | None) -> torch.Tensor:
    """Raw features (+ the spectral embedding), not standardised (as the paper)."""
    if embeddings == "paper":
        return torch.cat([graph.x, spectral(graph, DATASET, dim, cache)], dim=-1)
    return graph.x


def main(argv: list[str] | None = None) -> int:
    return cs_main(DATASET, features, argv)


if __name__ == "__main__":
    raise SystemExit(main())
