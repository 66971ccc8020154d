"""Synthetic graphs: a contextual SBM and power-law graphs of benchmark size.

The CSBM has a controllable homophily; the power-law generator reaches
ogbn-products scale (2.4M nodes / 62M edges) in seconds.

Every generator returns plain tensors; pass ``as_graph=True`` for a
:class:`graphlabels.graph.Graph`.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

__all__ = ["PRESETS", "csbm", "power_law_graph", "random_split_masks"]

#: Benchmark sizes ``name -> (num_nodes, num_edges)``.
PRESETS: dict[str, tuple[int, int]] = {
    "products": (2_449_029, 61_859_140),
    "arxiv": (169_343, 1_166_243),
    "cpu2m": (200_000, 2_000_000),
}


def random_split_masks(
    num_nodes: int, train: float = 0.6, val: float = 0.2, seed: int = 0
) -> tuple[Tensor, Tensor, Tensor]:
    """Random disjoint train/val/test bool masks (the rest is test)."""
    if not (0 <= train and 0 <= val and train + val <= 1):
        raise ValueError(
            f"need 0 <= train, val and train + val <= 1, got {train}, {val}"
        )
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(num_nodes, generator=g)
    n_tr, n_va = int(train * num_nodes), int(val * num_nodes)
    masks = []
    for s, e in ((0, n_tr), (n_tr, n_tr + n_va), (n_tr + n_va, num_nodes)):
        m = torch.zeros(num_nodes, dtype=torch.bool)
        m[perm[s:e]] = True
        masks.append(m)
    return masks[0], masks[1], masks[2]


def csbm(
    num_nodes: int = 1000,
    num_classes: int = 2,
    avg_degree: float = 10.0,
    homophily: float = 0.8,
    num_features: int = 16,
    feature_signal: float = 1.0,
    seed: int = 0,
    as_graph: bool = False,
) -> Any:
    r"""A contextual stochastic block model with a target *edge homophily*.

    Labels are uniform over ``num_classes``; each class ``c`` has a random unit
    mean :math:`\mu_c` and features are :math:`x_v = s\,\mu_{y_v} +
    \mathcal{N}(0, I/\sqrt{d})`. For each of the ``num_nodes * avg_degree / 2``
    undirected edges, a uniform source is drawn and, with probability
    ``homophily``, a target of the same class (else of another class), so the
    fraction of intra-class edges is ``homophily`` in expectation.

    Args:
        num_nodes: number of nodes.
        num_classes: number of classes (>= 2).
        avg_degree: expected degree (both directions are stored).
        homophily: expected edge homophily in ``[0, 1]``.
        num_features: feature size.
        feature_signal: scale ``s`` of the class means (0 = uninformative).
        seed: random seed.
        as_graph: return a :class:`~graphlabels.graph.Graph` with 60/20/20 masks.

    Returns:
        ``(edge_index, x, y)``, or a Graph. ``edge_index`` is undirected with no
        self loops (duplicates are possible).
    """
    if num_classes < 2:
        raise ValueError(f"csbm needs num_classes >= 2, got {num_classes}")
    if not 0.0 <= homophily <= 1.0:
        raise ValueError(f"homophily must be in [0, 1], got {homophily}")
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, num_classes, (num_nodes,), generator=g)
    order = torch.argsort(y, stable=True)
    counts = torch.bincount(y, minlength=num_classes)
    if bool((counts == 0).any()):
        raise ValueError(
            f"a class got no nodes ({num_nodes} nodes, {num_classes} classes): "
            "use more nodes"
        )
    start = torch.cumsum(counts, 0) - counts
    m = int(round(num_nodes * avg_degree / 2))
    src = torch.randint(0, num_nodes, (m,), generator=g)
    same = torch.rand(m, generator=g) < homophily
    shift = torch.randint(1, num_classes, (m,), generator=g)
    cls = torch.where(same, y[src], (y[src] + shift) % num_classes)
    pick = (torch.rand(m, generator=g) * counts[cls]).long().clamp(max=counts[cls] - 1)
    dst = order[start[cls] + pick]
    keep = src != dst
    src, dst = src[keep], dst[keep]
    edge_index = torch.cat([torch.stack([src, dst]), torch.stack([dst, src])], 1)
    means = torch.randn(num_classes, num_features, generator=g)
    means = means / means.norm(dim=1, keepdim=True).clamp(min=1e-12)
    noise = torch.randn(num_nodes, num_features, generator=g)
    x = feature_signal * means[y] + noise / num_features**0.5
    if not as_graph:
        return edge_index, x, y
    from graphlabels.graph import Graph

    tr, va, te = random_split_masks(num_nodes, seed=seed)
    return Graph(
        edge_index,
        num_nodes,
        x=x,
        y=y,
        train_mask=tr,
        val_mask=va,
        test_mask=te,
        name=f"csbm-h{homophily:g}",
    )


def power_law_graph(
    num_nodes: int | str = "arxiv",
    num_edges: int | None = None,
    exponent: float = 0.5,
    seed: int = 0,
    as_graph: bool = False,
) -> Any:
    r"""A directed graph with power-law in-degrees and uniform random sources.

    Node of rank :math:`r` (ids shuffled) gets in-degree proportional to
    :math:`(r + 1)^{-\text{exponent}}` (a Chung-Lu / Zipf profile; the default
    0.5 gives a degree tail :math:`P(d) \propto d^{-3}`), rounded so that the
    total is exactly ``num_edges``; sources are uniform, so the graph has almost
    no locality, like the anchors in the design notes. The work is O(E): the
    products size (2,449,029 nodes / 61,859,140 edges) takes a few seconds.

    Args:
        num_nodes: number of nodes, or a preset name from :data:`PRESETS`
            (``"products"``, ``"arxiv"``, ``"cpu2m"``).
        num_edges: number of edges (required unless a preset is named).
        exponent: Zipf exponent of the in-degree profile (``0`` = uniform).
        seed: random seed.
        as_graph: return a :class:`~graphlabels.graph.Graph`.

    Returns:
        ``edge_index`` (``[2, num_edges]``, grouped by target), or a Graph.
    """
    name = None
    if isinstance(num_nodes, str):
        if num_nodes not in PRESETS:
            raise ValueError(
                f"unknown preset {num_nodes!r}: choose one of {', '.join(PRESETS)}"
            )
        name = num_nodes
        num_nodes, preset_edges = PRESETS[num_nodes]
        num_edges = preset_edges if num_edges is None else num_edges
    if num_edges is None:
        raise ValueError("power_law_graph: pass num_edges (or a preset name)")
    if num_nodes <= 0 or num_edges < 0:
        raise ValueError(f"need num_nodes > 0 and num_edges >= 0, got {num_nodes}")
    g = torch.Generator().manual_seed(seed)
    w = torch.arange(1, num_nodes + 1, dtype=torch.float64).pow_(-exponent)
    share = w.mul_(num_edges / float(w.sum()))
    deg = share.floor().long()
    rest = num_edges - int(deg.sum())
    if rest > 0:  # hand the remainder to the largest fractional parts
        frac = share - deg
        deg[torch.topk(frac, rest).indices] += 1
    ids = torch.randperm(num_nodes, generator=g)
    dst = torch.repeat_interleave(ids, deg, output_size=num_edges)
    src = torch.randint(0, num_nodes, (num_edges,), generator=g)
    edge_index = torch.stack([src, dst])
    if not as_graph:
        return edge_index
    from graphlabels.graph import Graph

    return Graph(edge_index, num_nodes, name=name or f"powerlaw-{num_nodes}")
