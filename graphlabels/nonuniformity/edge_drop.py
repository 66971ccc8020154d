r"""Algorithm 2 of Ji et al. (ICML 2023): drop edges among low-score nodes.

Let :math:`V'` be the fraction :math:`\eta_1` of nodes with the lowest label
non-uniformity :math:`w`, :math:`G_{V'}` the subgraph they induce, and
:math:`T_{V'}` a spanning forest of :math:`G_{V'}` (one BFS tree per connected
component, as in the official code). A fraction :math:`\eta_2` of the remaining
edges :math:`E_c = E(G_{V'}) \setminus E(T_{V'})` is removed at random:

.. math::
    E' = \bigl(E \setminus E(G_{V'})\bigr) \cup E(T_{V'}) \cup
    \bigl(E_c \setminus D\bigr), \qquad
    D \subseteq E_c,\; |D| = \lfloor \eta_2 |E_c| \rfloor .

Keeping the forest means every connected component of :math:`G_{V'}` stays
connected, while edges between hard nodes (often heterophilous) are thinned.

Everything is vectorised: components and the forest come from
:mod:`scipy.sparse.csgraph`, the rest is array arithmetic.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor

__all__ = ["LowScoreEdgeDrop", "drop_low_score_edges", "low_score_nodes"]

_FORESTS = ("bfs", "random")


def _check_fraction(name: str, value: float) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number in [0, 1], got {value!r}") from None
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise ValueError(
            f"{name} must be a fraction in [0, 1], got {value}: e.g. pass 0.3 for "
            "30% (the official code's integer percentages divided by 100)"
        )
    return value


def _floor_fraction(fraction: float, count: int) -> int:
    # floor(fraction * count), robust to binary rounding (0.29 * 100 -> 29, not 28)
    return min(count, int(math.floor(fraction * count + 1e-9)))


def low_score_nodes(score: Tensor, eta1: float) -> Tensor:
    r"""Indices of the :math:`\lfloor \eta_1 N \rfloor` nodes with the lowest score.

    Ties are broken by node id (stable sort), so the result is deterministic.

    Args:
        score: ``[N]`` label non-uniformity scores.
        eta1: fraction of nodes to take, in [0, 1].

    Returns:
        ``[k]`` long tensor of node ids, lowest score first.
    """
    eta1 = _check_fraction("eta1", eta1)
    if not isinstance(score, Tensor) or score.dim() != 1:
        shape = list(score.shape) if isinstance(score, Tensor) else type(score)
        raise ValueError(
            f"score must be a 1-D tensor with one value per node, got {shape}: "
            "compute it with non_uniformity(logits)"
        )
    if score.is_floating_point() and not bool(torch.isfinite(score).all()):
        raise ValueError("score contains NaN or inf: recompute it from finite logits")
    k = _floor_fraction(eta1, score.numel())
    order = torch.sort(score.detach().cpu(), stable=True).indices
    return order[:k]


def _spanning_forest(
    a: np.ndarray, b: np.ndarray, n: int, forest: str, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, int]:
    """Forest edges (local ids) of the undirected simple graph with pairs (a, b)."""
    import scipy.sparse as sp
    from scipy.sparse import csgraph

    m = a.size
    if forest == "random":
        # a uniformly random-weighted minimum spanning forest
        w = rng.random(m) + 1.0  # strictly positive: csgraph treats 0 as no edge
        adj = sp.coo_array((w, (a, b)), shape=(n, n)).tocsr()
        ncomp, _ = csgraph.connected_components(adj, directed=False)
        tree = csgraph.minimum_spanning_tree(adj).tocoo()
        return tree.row.astype(np.int64), tree.col.astype(np.int64), ncomp
    ones = np.ones(m, dtype=np.int8)
    adj = sp.coo_array((ones, (a, b)), shape=(n, n)).tocsr()
    ncomp, labels = csgraph.connected_components(adj, directed=False)
    # one BFS from a virtual root linked to the smallest node id of every
    # component gives a BFS tree per component in a single vectorised call
    _, roots = np.unique(labels, return_index=True)
    root = n
    ra = np.concatenate([a, np.full(roots.size, root, dtype=np.int64)])
    rb = np.concatenate([b, roots.astype(np.int64)])
    big = sp.coo_array(
        (np.ones(ra.size, dtype=np.int8), (ra, rb)), shape=(n + 1, n + 1)
    ).tocsr()
    _, pred = csgraph.breadth_first_order(
        big, root, directed=False, return_predecessors=True
    )
    pred = pred[:n]
    child = np.nonzero((pred >= 0) & (pred != root))[0]
    return pred[child].astype(np.int64), child.astype(np.int64), ncomp


def drop_low_score_edges(
    edge_index: Tensor,
    score: Tensor,
    eta1: float,
    eta2: float,
    *,
    num_nodes: int | None = None,
    seed: int | None = None,
    generator: torch.Generator | None = None,
    forest: str = "bfs",
) -> tuple[Tensor, Tensor]:
    r"""Algorithm 2 of Ji et al. (ICML 2023): thin the edges among low-score nodes.

    .. math::
        E' = \bigl(E \setminus E(G_{V'})\bigr) \cup E(T_{V'}) \cup
        \bigl(E_c \setminus D\bigr), \quad
        |D| = \lfloor \eta_2 |E_c| \rfloor

    where :math:`V'` holds the :math:`\lfloor \eta_1 N \rfloor` nodes of lowest
    ``score``, :math:`T_{V'}` is a spanning forest of the subgraph they induce and
    :math:`E_c` are its other edges.

    Edges are handled as undirected pairs: an edge and its reverse (and any
    duplicates) form one pair and are kept or dropped together, so an undirected
    graph stays undirected. Self-loops are never dropped and do not count in
    :math:`E_c`. The result mirrors PyG's :func:`dropout_edge`.

    Args:
        edge_index: ``[2, E]`` edges (PyG layout).
        score: ``[N]`` label non-uniformity, e.g. from
            :func:`~graphlabels.nonuniformity.non_uniformity`.
        eta1: fraction :math:`\eta_1` of nodes, lowest score first, that form
            :math:`V'`.
        eta2: fraction :math:`\eta_2` of the non-forest edges inside :math:`V'`
            to drop.
        num_nodes: number of nodes (default: :obj:`None`, meaning
            ``score.numel()``).
        seed: seed for the choice of dropped edges (default: :obj:`None`:
            uses ``generator`` or torch's global generator).
        generator: a ``torch.Generator`` used when ``seed`` is :obj:`None`
            (default: :obj:`None`).
        forest: ``"bfs"`` for a BFS tree per component rooted at its smallest node
            id (the official code's choice) or ``"random"`` for a minimum spanning
            forest under random weights (default: ``"bfs"``).

    Returns:
        ``(edge_index, edge_mask)``: the kept edges and a bool ``[E]`` mask with
        ``True`` for every kept column of the input.
    """
    eta1 = _check_fraction("eta1", eta1)
    eta2 = _check_fraction("eta2", eta2)
    if forest not in _FORESTS:
        raise ValueError(f"forest must be one of {_FORESTS}, got {forest!r}")
    if not isinstance(edge_index, Tensor) or edge_index.dim() != 2:
        raise ValueError(
            "edge_index must be a [2, E] tensor: transpose an [E, 2] list with .t()"
        )
    if edge_index.size(0) != 2:
        raise ValueError(
            f"edge_index must have shape [2, E], got {list(edge_index.shape)}: "
            "transpose an [E, 2] edge list with edge_index.t()"
        )
    if edge_index.is_floating_point():
        raise TypeError("edge_index must hold integers: use edge_index.long()")
    if not isinstance(score, Tensor) or score.dim() != 1:
        raise ValueError(
            "score must be a 1-D tensor with one value per node: compute it with "
            "non_uniformity(logits)"
        )
    n = score.numel() if num_nodes is None else int(num_nodes)
    if score.numel() != n:
        raise ValueError(
            f"score has {score.numel()} entries but num_nodes is {n}: pass one "
            "score per node"
        )
    num_edges = edge_index.size(1)
    if num_nodes is None and num_edges and int(edge_index.max()) >= n:
        raise ValueError(
            f"score has {score.numel()} entries but edge_index refers to node "
            f"{int(edge_index.max())}, outside [0, {n}): pass one score per node "
            f"(the graph has at least {int(edge_index.max()) + 1} nodes)"
        )
    if num_edges and (int(edge_index.max()) >= n or int(edge_index.min()) < 0):
        raise ValueError(
            f"edge_index has values outside [0, {n}) (max {int(edge_index.max())}):"
            " pass num_nodes or remove the edges"
        )
    device = edge_index.device
    keep = torch.ones(num_edges, dtype=torch.bool)
    sub = low_score_nodes(score, eta1)
    if num_edges == 0 or sub.numel() < 2 or eta2 == 0.0:
        return edge_index, keep.to(device)

    # -- undirected pairs inside V' (numpy views, no copies of the input) -------
    ei = edge_index.detach().cpu().numpy()
    src, dst = ei[0], ei[1]
    in_sub = np.zeros(n, dtype=bool)
    in_sub[sub.numpy()] = True
    inside = in_sub[src] & in_sub[dst] & (src != dst)
    cols = np.nonzero(inside)[0]
    if cols.size == 0:
        return edge_index, keep.to(device)
    s, t = src[cols].astype(np.int64), dst[cols].astype(np.int64)
    lo, hi = np.minimum(s, t), np.maximum(s, t)
    del s, t
    key = lo * n + hi
    pairs, inverse = np.unique(key, return_inverse=True)
    del key, lo, hi

    # -- local ids, components and the spanning forest --------------------------
    local = np.full(n, -1, dtype=np.int64)
    nodes = np.sort(sub.numpy())
    local[nodes] = np.arange(nodes.size)
    pa, pb = local[pairs // n], local[pairs % n]
    if seed is None:
        seed = int(torch.randint(0, 2**62, (1,), generator=generator))
    rng = np.random.default_rng(seed)
    ta, tb, _ = _spanning_forest(pa, pb, nodes.size, forest, rng)
    glo = np.minimum(nodes[ta], nodes[tb])
    ghi = np.maximum(nodes[ta], nodes[tb])
    tree_pos = np.searchsorted(pairs, glo * n + ghi)
    is_tree = np.zeros(pairs.size, dtype=bool)
    is_tree[tree_pos] = True

    # -- drop floor(eta2 * |E_c|) non-forest pairs ---------------------------------
    rest = np.nonzero(~is_tree)[0]
    k = _floor_fraction(eta2, rest.size)
    if k == 0:
        return edge_index, keep.to(device)
    gen = torch.Generator().manual_seed(int(rng.integers(0, 2**62)))
    chosen = torch.randperm(rest.size, generator=gen)[:k].numpy()
    dropped = np.zeros(pairs.size, dtype=bool)
    dropped[rest[chosen]] = True
    keep_np = keep.numpy()
    keep_np[cols[dropped[inverse]]] = False
    mask = keep.to(device)
    return edge_index[:, mask], mask


class LowScoreEdgeDrop(torch.nn.Module):
    r"""Module form of :func:`drop_low_score_edges` (Algorithm 2 of Ji et al.).

    .. math::
        E' = \bigl(E \setminus E(G_{V'})\bigr) \cup E(T_{V'}) \cup
        \bigl(E_c \setminus D\bigr), \quad
        |D| = \lfloor \eta_2 |E_c| \rfloor

    Args:
        eta1: fraction of lowest-score nodes forming :math:`V'` (default: ``0.3``).
        eta2: fraction of non-forest edges inside :math:`V'` to drop
            (default: ``0.4``).
        forest: ``"bfs"`` or ``"random"`` (default: ``"bfs"``).
    """

    def __init__(self, eta1: float = 0.3, eta2: float = 0.4, forest: str = "bfs"):
        super().__init__()
        self.eta1 = _check_fraction("eta1", eta1)
        self.eta2 = _check_fraction("eta2", eta2)
        if forest not in _FORESTS:
            raise ValueError(f"forest must be one of {_FORESTS}, got {forest!r}")
        self.forest = forest

    def forward(
        self,
        edge_index: Tensor,
        score: Tensor,
        num_nodes: int | None = None,
        seed: int | None = None,
    ) -> tuple[Tensor, Tensor]:
        """Return ``(edge_index, edge_mask)``; see :func:`drop_low_score_edges`."""
        return drop_low_score_edges(
            edge_index,
            score,
            self.eta1,
            self.eta2,
            num_nodes=num_nodes,
            seed=seed,
            forest=self.forest,
        )

    def extra_repr(self) -> str:
        """Hyperparameters shown in ``repr``."""
        return f"eta1={self.eta1}, eta2={self.eta2}, forest={self.forest!r}"
