r"""Which nodes to annotate: the selection strategies of LLM-GNN.

From *Label-free Node Classification on Graphs with Large Language Models* (Chen et
al., ICLR 2024). :func:`select` runs a strategy of the registry :data:`SELECTORS` on
plain tensors, ``(edge_index, x, budget)``; every strategy is seeded and
deterministic and returns ``budget`` distinct node ids (``LongTensor``). Nodes
outside ``candidates`` (e.g. nodes without text) are never selected. No strategy
reads labels.

A strategy is a function of one :class:`SelectionContext`, which holds the inputs
and computes the quantities strategies share (the undirected degree, PageRank,
:math:`\hat{A}^2 X`, C-Density) once, on first use.

Scores are combined through *percentile ranks*:

.. math::
    r_s(v) = \frac{|\{u : s(u) < s(v)\}|}{N} \in [0, 1),

ties broken by node id, so that a larger score gives a larger rank.

Strategies (``SELECTORS``):

- ``random``: a seeded permutation.
- ``degree``: the largest degrees.
- ``pagerank``: the largest PageRank (damping 0.85, uniform teleport, as networkx).
- ``density``: k-means with :math:`k = B` on the features;
  :math:`\mathrm{density}(v) = 1 / (1 + \lVert x_v - c_{k(v)} \rVert)`; the largest.
- ``c-density``: the same with :math:`k = C` (number of classes); the largest.
- ``featprop``: k-medoids with :math:`k = B` on :math:`\hat{A}^2 X`; the medoids.
- ``age``:
  :math:`\alpha\,r_{\mathrm{density}(\hat{A}^2X)} + (1-\alpha)\,r_{\mathrm{PR}}`
  (AGE, Cai et al. 2017, without its entropy term, which needs labels).
- ``da-<s>`` (difficulty-aware): :math:`\tfrac12 r_s + \tfrac12 r_{\mathrm{C\text{-}
  Density}}` for score strategies; for ``da-featprop`` each k-medoids cluster
  contributes the member maximising :math:`\tfrac12 r_{-d} + \tfrac12
  r_{\mathrm{C\text{-}Density}}` with :math:`d` the distance to its medoid.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from functools import cached_property

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor

from graphlabels import ops
from graphlabels.graph import as_node_mask, pagerank, remove_self_loops, to_undirected
from graphlabels.labelfree.clustering import c_density, density, kmeans, kmedoids

__all__ = [
    "SCORES",
    "SELECTORS",
    "SelectionContext",
    "Selector",
    "aax",
    "c_density",
    "density",
    "kmeans",
    "kmedoids",
    "pagerank",
    "percentile_rank",
    "register_selector",
    "select",
]


# ----------------------------------------------------------------------------------
# building blocks
# ----------------------------------------------------------------------------------
def percentile_rank(score: Tensor) -> Tensor:
    """Percentile rank of each entry, ``rank / N`` in ``[0, 1)``; ties by index.

    Args:
        score: ``[N]`` scores; larger scores get larger ranks.

    Returns:
        ``[N]`` float64 ranks.
    """
    n = score.numel()
    order = torch.from_numpy(np.argsort(score.detach().cpu().numpy(), kind="stable"))
    out = torch.empty(n, dtype=torch.float64)
    out[order] = torch.arange(n, dtype=torch.float64) / max(n, 1)
    return out


def aax(x: Tensor, edge_index: Tensor, hops: int = 2) -> Tensor:
    r"""Feature propagation :math:`\hat{A}^{k} X` with the GCN normalisation.

    Args:
        x: ``[N, F]`` features.
        edge_index: ``[2, E]`` edges (symmetrised here, self-loops added).
        hops: number of propagation steps :math:`k` (default: ``2``).

    Returns:
        ``[N, F]`` float32 propagated features.
    """
    n = x.size(0)
    ei, _ = to_undirected(edge_index.cpu().long(), None, n)
    a_hat = ops.gcn_norm(ops.CSR.from_edge_index(ei, n))
    a = sp.csr_matrix(
        (a_hat.value.numpy(), a_hat.col.numpy(), a_hat.rowptr.numpy()), shape=(n, n)
    )
    h = x.detach().cpu().float().numpy()
    for _ in range(hops):
        h = a @ h
    return torch.from_numpy(np.ascontiguousarray(h, dtype=np.float32))


def _top(score: Tensor, k: int, mask: Tensor | None) -> Tensor:
    """The ``k`` largest entries of ``score`` inside ``mask``; ties: smaller id."""
    score = score.double().clone()
    if mask is not None:
        score[~mask] = -math.inf
    order = np.argsort(-score.numpy(), kind="stable")[:k]
    return torch.from_numpy(order.astype(np.int64))


# ----------------------------------------------------------------------------------
# the context strategies read
# ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class SelectionContext:
    r"""The inputs of one selection and the quantities strategies share.

    Build it through :func:`select`, which checks the inputs. The properties are
    computed on first use and kept, so the ``da-*`` mixes compute C-Density, and
    ``age`` and ``featprop`` :math:`\hat{A}^2 X`, once.

    Args:
        edge_index: ``[2, E]`` edges (treated as undirected).
        num_nodes: number of nodes ``N``.
        x: ``[N, F]`` node features, or ``None``.
        budget: number of nodes to select.
        seed: random seed (default: ``0``).
        candidates: bool ``[N]`` mask of selectable nodes, or ``None`` for all
            (default: ``None``).
        num_classes: number of classes, the C of C-Density (default: ``None``).
        alpha: AGE weight of the density rank (default: ``0.5``).
    """

    edge_index: Tensor
    num_nodes: int
    x: Tensor | None
    budget: int
    seed: int = 0
    candidates: Tensor | None = None
    num_classes: int | None = None
    alpha: float = 0.5

    @cached_property
    def index(self) -> Tensor:
        """Ids of the selectable nodes, ascending."""
        if self.candidates is None:
            return torch.arange(self.num_nodes)
        return self.candidates.nonzero().view(-1)

    def restrict(self, values: Tensor) -> Tensor:
        """The rows of ``values`` (one per node) of the selectable nodes."""
        return values if self.candidates is None else values[self.index]

    def full(self, values: Tensor) -> Tensor:
        """Per-candidate ``values`` as an ``[N]`` float64 vector, ``0`` elsewhere."""
        out = torch.zeros(self.num_nodes, dtype=torch.float64)
        out[self.index] = values.double()
        return out

    def top(self, score: Tensor) -> Tensor:
        """The ``budget`` selectable nodes with the largest ``[N]`` score."""
        return _top(score, self.budget, self.candidates)

    @cached_property
    def degree(self) -> Tensor:
        """``[N]`` float64 degree in the undirected graph without self loops."""
        ei, _ = to_undirected(self.edge_index.cpu().long(), None, self.num_nodes)
        ei, _ = remove_self_loops(ei)
        return torch.bincount(ei[1], minlength=self.num_nodes).double()

    @cached_property
    def pagerank(self) -> Tensor:
        """``[N]`` PageRank (:func:`graphlabels.graph.pagerank`)."""
        return pagerank(self.edge_index, self.num_nodes)

    @cached_property
    def aax(self) -> Tensor:
        r"""``[N, F]`` propagated features :math:`\hat{A}^2 X` (:func:`aax`)."""
        return aax(self.x, self.edge_index)

    @cached_property
    def c_density(self) -> Tensor:
        """``[N]`` C-Density of the candidates' features (``0`` elsewhere)."""
        return self.full(c_density(self.restrict(self.x), self.num_classes, self.seed))


# ----------------------------------------------------------------------------------
# scores and strategies
# ----------------------------------------------------------------------------------
def _density(ctx: SelectionContext) -> Tensor:
    return ctx.full(density(ctx.restrict(ctx.x), ctx.budget, ctx.seed))


def _age(ctx: SelectionContext) -> Tensor:
    dens = ctx.full(density(ctx.restrict(ctx.aax), ctx.budget, ctx.seed))
    return ctx.alpha * percentile_rank(dens) + (1 - ctx.alpha) * percentile_rank(
        ctx.pagerank
    )


#: Node scores ``[N]`` by name: ``fn(ctx)``; the strategy of the same name takes
#: the largest, ``da-<name>`` mixes its rank with C-Density's.
SCORES: dict[str, Callable[[SelectionContext], Tensor]] = {
    "degree": lambda ctx: ctx.degree,
    "pagerank": lambda ctx: ctx.pagerank,
    "density": _density,
    "c-density": lambda ctx: ctx.c_density,
    "age": _age,
}


def _random(ctx: SelectionContext) -> Tensor:
    gen = torch.Generator().manual_seed(ctx.seed)
    perm = torch.randperm(ctx.num_nodes, generator=gen)
    if ctx.candidates is not None:
        perm = perm[ctx.candidates[perm]]
    return perm[: ctx.budget].clone()


def _largest(score: str) -> Callable[[SelectionContext], Tensor]:
    def run(ctx: SelectionContext) -> Tensor:
        return ctx.top(SCORES[score](ctx))

    return run


def _difficulty_aware(score: str) -> Callable[[SelectionContext], Tensor]:
    def run(ctx: SelectionContext) -> Tensor:
        s = SCORES[score](ctx)
        return ctx.top(0.5 * percentile_rank(s) + 0.5 * percentile_rank(ctx.c_density))

    return run


def _featprop(ctx: SelectionContext) -> Tensor:
    medoids, _, _ = kmedoids(ctx.restrict(ctx.aax), ctx.budget, seed=ctx.seed)
    return ctx.index[medoids]


def _da_featprop(ctx: SelectionContext) -> Tensor:
    xs = ctx.restrict(ctx.aax)
    _, labels, d = kmedoids(xs, ctx.budget, seed=ctx.seed)
    cd = ctx.restrict(ctx.c_density)
    mix = 0.5 * percentile_rank(-d) + 0.5 * percentile_rank(cd)
    # per cluster, the member with the largest mix (ties: smaller id)
    order = torch.from_numpy(np.lexsort((-mix.numpy(), labels.numpy())))
    first = torch.ones(order.numel(), dtype=torch.bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    chosen = order[first]
    if chosen.numel() < ctx.budget:  # an empty cluster: fill with the best leftovers
        rest = torch.ones(xs.size(0), dtype=torch.bool)
        rest[chosen] = False
        chosen = torch.cat([chosen, _top(mix, ctx.budget - chosen.numel(), rest)])
    return ctx.index[chosen]


# ----------------------------------------------------------------------------------
# the registry
# ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Selector:
    """A registered strategy: ``fn(ctx) -> [budget]`` node ids, and what it needs.

    Args:
        fn: the strategy, a function of a :class:`SelectionContext`.
        needs_x: it reads node features (default: ``False``).
        needs_classes: it reads ``num_classes`` (default: ``False``).
    """

    fn: Callable[[SelectionContext], Tensor]
    needs_x: bool = False
    needs_classes: bool = False

    def __call__(self, ctx: SelectionContext) -> Tensor:
        """Run the strategy."""
        return self.fn(ctx)


#: Every strategy by name; run them through :func:`select`.
SELECTORS: dict[str, Selector] = {}


def register_selector(
    name: str,
    fn: Callable[[SelectionContext], Tensor],
    *,
    needs_x: bool = False,
    needs_classes: bool = False,
) -> Selector:
    """Add a strategy to :data:`SELECTORS` (lower-case, ``-`` separated names).

    Args:
        name: the strategy's name.
        fn: ``fn(ctx) -> [ctx.budget]`` distinct node ids among the candidates.
        needs_x: :func:`select` rejects ``x=None`` for it (default: ``False``).
        needs_classes: :func:`select` rejects ``num_classes=None`` for it
            (default: ``False``).

    Returns:
        The registered :class:`Selector`.
    """
    if name != name.lower().replace("_", "-"):
        raise ValueError(f"selection names are lower-case with '-', got {name!r}")
    SELECTORS[name] = Selector(fn, needs_x, needs_classes)
    return SELECTORS[name]


register_selector("random", _random)
register_selector("degree", _largest("degree"))
register_selector("pagerank", _largest("pagerank"))
register_selector("density", _largest("density"), needs_x=True)
register_selector("c-density", _largest("c-density"), needs_x=True, needs_classes=True)
register_selector("featprop", _featprop, needs_x=True)
register_selector("age", _largest("age"), needs_x=True)
for _score in ("degree", "pagerank", "density", "age"):
    register_selector(
        f"da-{_score}", _difficulty_aware(_score), needs_x=True, needs_classes=True
    )
register_selector("da-featprop", _da_featprop, needs_x=True, needs_classes=True)


def select(
    name: str,
    edge_index: Tensor,
    x: Tensor | None,
    budget: int,
    *,
    num_nodes: int | None = None,
    num_classes: int | None = None,
    seed: int = 0,
    candidates: Tensor | None = None,
    alpha: float = 0.5,
) -> Tensor:
    """Select ``budget`` nodes to annotate with the strategy ``name``.

    Args:
        name: one of :data:`SELECTORS` (case-insensitive; ``_`` and ``-`` alike).
        edge_index: ``[2, E]`` edges (treated as undirected).
        x: ``[N, F]`` node features (needed by the feature-based strategies).
        budget: number of nodes to return.
        num_nodes: number of nodes (default: ``x.size(0)``).
        num_classes: number of classes, for C-Density and the DA-* mixes.
        seed: random seed (default: ``0``).
        candidates: optional bool ``[N]`` mask of selectable nodes (default: all).
        alpha: AGE weight of the density rank (default: ``0.5``).

    Returns:
        ``[budget]`` distinct node ids.
    """
    key = name.lower().replace("_", "-")
    if key not in SELECTORS:
        raise ValueError(
            f"unknown selection {name!r}: choose one of {', '.join(SELECTORS)}"
        )
    selector = SELECTORS[key]
    if selector.needs_x and x is None:
        raise ValueError(f"selection {key!r} needs node features: pass x")
    if selector.needs_classes and num_classes is None:
        raise ValueError(
            f"selection {key!r} needs num_classes (the C of C-Density): pass it"
        )
    if num_nodes is not None:
        n = int(num_nodes)
    elif x is not None:
        n = int(x.size(0))
    else:
        n = int(edge_index.max()) + 1 if edge_index.numel() else 0
    if x is not None and x.size(0) != n:
        raise ValueError(
            f"x has {x.size(0)} rows for {n} nodes: pass one feature row per node"
        )
    if candidates is not None:
        candidates = as_node_mask(torch.as_tensor(candidates).cpu(), n, "candidates")
    pool = n if candidates is None else int(candidates.sum())
    if not 0 < budget <= pool:
        raise ValueError(
            f"budget must be in [1, {pool}] (selectable nodes), got {budget}"
        )
    ctx = SelectionContext(
        edge_index,
        n,
        x,
        int(budget),
        seed=int(seed),
        candidates=candidates,
        num_classes=None if num_classes is None else int(num_classes),
        alpha=alpha,
    )
    return selector(ctx)
