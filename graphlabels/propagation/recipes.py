"""The C&S paper's OGB recipes: hyperparameters and feature embeddings.

The presets are those of the paper's code (github.com/CUAI/CorrectAndSmooth,
``run_experiments.py``), tuned there on ogbn-arxiv validation (products: by hand);
its adjacency names map to ours as ``DAD`` = ``"sym"``, ``DA`` = ``"row"``
(:math:`D^{-1}A`) and ``AD`` = ``"col"`` (:math:`AD^{-1}`). Smoothing there does not
reset the training labels, so the presets set ``reset_labels=False``.

The base models there use extra node features: a 128-dimensional spectral embedding
(both datasets) and, for arxiv, diffusion features (:func:`diffusion_features`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor

from graphlabels import ops
from graphlabels.graph import to_undirected
from graphlabels.propagation._common import normalized

__all__ = [
    "BASE_PRESETS",
    "CS_PRESETS",
    "diffusion_features",
    "spectral_embedding",
]

#: ``(dataset, base)`` -> keyword arguments of :class:`CorrectAndSmooth`.
CS_PRESETS: dict[tuple[str, str], dict[str, Any]] = {
    ("ogbn-arxiv", "linear"): {
        "num_correction_layers": 50,
        "correction_alpha": 0.98,
        "num_smoothing_layers": 50,
        "smoothing_alpha": 0.65,
        "autoscale": True,
        "correction_norm": "col",
        "smoothing_norm": "sym",
        "reset_labels": False,
    },
    ("ogbn-arxiv", "mlp"): {
        "num_correction_layers": 50,
        "correction_alpha": 0.9791632871592579,
        "num_smoothing_layers": 50,
        "smoothing_alpha": 0.7564990804200602,
        "autoscale": True,
        "correction_norm": "row",
        "smoothing_norm": "col",
        "reset_labels": False,
    },
    ("ogbn-products", "linear"): {
        "num_correction_layers": 50,
        "correction_alpha": 1.0,
        "num_smoothing_layers": 50,
        "smoothing_alpha": 0.9,
        "autoscale": False,
        "scale": 20.0,
        "correction_norm": "sym",
        "smoothing_norm": "sym",
        "reset_labels": False,
    },
    ("ogbn-products", "mlp"): {
        "num_correction_layers": 50,
        "correction_alpha": 1.0,
        "num_smoothing_layers": 50,
        "smoothing_alpha": 0.8,
        "autoscale": False,
        "scale": 10.0,
        "correction_norm": "sym",
        "smoothing_norm": "row",
        "reset_labels": False,
    },
}

#: ``(dataset, base)`` -> base model and training settings of the paper's
#: ``gen_models.py`` (Adam, no weight decay, full batch, best-validation output).
BASE_PRESETS: dict[tuple[str, str], dict[str, Any]] = {
    ("ogbn-arxiv", "linear"): {"num_layers": 1, "epochs": 1000, "lr": 0.01},
    ("ogbn-arxiv", "mlp"): {
        "num_layers": 3,
        "hidden_channels": 256,
        "dropout": 0.5,
        "batch_norm": True,
        "epochs": 300,
        "lr": 0.01,
    },
    ("ogbn-products", "linear"): {"num_layers": 1, "epochs": 1000, "lr": 0.1},
    ("ogbn-products", "mlp"): {
        "num_layers": 3,
        "hidden_channels": 200,
        "dropout": 0.5,
        "batch_norm": True,
        "epochs": 300,
        "lr": 0.01,
    },
}


@torch.no_grad()
def diffusion_features(
    x: Tensor, edge_index: Tensor, num_layers: int = 10, alpha: float = 0.5
) -> Tensor:
    r"""Diffused features of the C&S paper's code.

    .. math::
        \mathbf{X}^{(k+1)} = \mathbf{X}^{(k)} - \alpha (\mathbf{I} - \hat{\mathbf{A}})
        \mathbf{X}^{(k)}, \qquad \hat{\mathbf{A}} = \hat{\mathbf{D}}^{-1/2}
        (\mathbf{A} + \mathbf{I}) \hat{\mathbf{D}}^{-1/2}

    on the undirected graph.

    Args:
        x: node features ``[N, F]``.
        edge_index: ``[2, E]`` edges (made undirected).
        num_layers: number of steps (default: ``10``).
        alpha: step size (default: ``0.5``).

    Returns:
        ``[N, F]`` features.
    """
    n = x.size(0)
    ei, _ = to_undirected(edge_index, None, n)
    A = ops.add_self_loops(ops.CSR.from_edge_index(ei, n))
    w = normalized(A, "sym", x.dtype)
    out = x.clone()
    for _ in range(num_layers):
        out = (1 - alpha) * out + alpha * ops.spmm(A, out, edge_weight=w)
    return out


def spectral_embedding(
    edge_index: Tensor, num_nodes: int, dim: int = 128, seed: int = 0
) -> Tensor:
    r"""The eigenvectors of the ``dim`` largest eigenvalues of
    :math:`\mathbf{D}^{-1/2} \mathbf{A} \mathbf{D}^{-1/2}` (undirected graph).

    These are the smallest eigenvectors of the normalised Laplacian, as in the C&S
    paper's spectral embedding. Small graphs use a dense solver; when the graph has
    fewer than ``dim`` nodes the missing columns are zero, so the width is always
    ``dim``.

    Args:
        edge_index: ``[2, E]`` edges (made undirected).
        num_nodes: number of nodes.
        dim: embedding size (default: ``128``).
        seed: seed of the iterative solver's start vector (default: ``0``).

    Returns:
        ``[N, dim]`` float32 embedding.
    """  # noqa: D205
    import scipy.sparse as sp
    import scipy.sparse.linalg as sla

    n = num_nodes
    ei, _ = to_undirected(edge_index, None, n)
    A = ops.CSR.from_edge_index(ei, n)
    w = normalized(A, "sym", torch.float64).numpy()
    M = sp.csr_matrix((w, A.col.numpy(), A.rowptr.numpy()), shape=(n, n))
    k = min(dim, n)
    if n <= 2000:
        vals, vecs = np.linalg.eigh(M.toarray())
        vecs = vecs[:, np.argsort(vals)[::-1][:k]]
    else:
        v0 = np.random.default_rng(seed).standard_normal(n)
        vals, vecs = sla.eigsh(M, k=k, which="LA", v0=v0)
        vecs = vecs[:, np.argsort(vals)[::-1]]
    out = np.zeros((n, dim), dtype=np.float32)
    out[:, :k] = vecs
    return torch.from_numpy(out)
