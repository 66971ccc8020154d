r"""Which nodes to annotate: the selection strategies of LLM-GNN.

From *Label-free Node Classification on Graphs with Large Language Models* (Chen et
al., ICLR 2024). Every strategy takes plain tensors, ``(edge_index, x, budget)``,
is seeded and deterministic, and returns ``budget`` distinct node ids (``LongTensor``).
Nodes outside ``candidates`` (e.g. nodes without text) are never selected. No strategy
reads labels.

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

import math
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor

from graphlabels.graph import gcn_norm, to_undirected

__all__ = [
    "SELECTORS",
    "aax",
    "c_density",
    "density",
    "kmeans",
    "kmedoids",
    "pagerank",
    "percentile_rank",
    "select",
]


# ----------------------------------------------------------------------------------
# building blocks
# ----------------------------------------------------------------------------------
def _num_nodes(edge_index: Tensor, x: Tensor | None, num_nodes: int | None) -> int:
    if num_nodes is not None:
        return int(num_nodes)
    if x is not None:
        return int(x.size(0))
    return int(edge_index.max()) + 1 if edge_index.numel() else 0


def _adjacency(edge_index: Tensor, n: int) -> sp.csr_matrix:
    ei, _ = to_undirected(edge_index.cpu().long(), None, n)
    keep = ei[0] != ei[1]
    ei = ei[:, keep].numpy()
    data = np.ones(ei.shape[1], dtype=np.float64)
    return sp.csr_matrix((data, (ei[1], ei[0])), shape=(n, n))


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


def pagerank(
    edge_index: Tensor,
    num_nodes: int | None = None,
    alpha: float = 0.85,
    tol: float = 1e-10,
    max_iter: int = 200,
) -> Tensor:
    r"""PageRank on the undirected graph by power iteration.

    .. math::
        \pi \leftarrow \alpha A D^{-1} \pi + \alpha\,\frac{\sum_{d(v)=0}\pi_v}{N}
        + \frac{1-\alpha}{N}

    Args:
        edge_index: ``[2, E]`` edges (symmetrised here).
        num_nodes: number of nodes (default: ``max(edge_index) + 1``).
        alpha: damping factor (default: ``0.85``).
        tol: L1 tolerance, scaled by N as networkx (default: ``1e-10``).
        max_iter: iteration cap (default: ``200``).

    Returns:
        ``[N]`` float64 scores summing to one.
    """
    n = _num_nodes(edge_index, None, num_nodes)
    adj = _adjacency(edge_index, n)
    deg = np.asarray(adj.sum(axis=1)).ravel()
    inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
    dangling = deg == 0
    p = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = alpha * (adj @ (p * inv)) + (alpha * p[dangling].sum() + 1 - alpha) / n
        done = np.abs(new - p).sum() < n * tol
        p = new
        if done:
            break
    return torch.from_numpy(p)


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
    ei, w = gcn_norm(ei, None, n)
    a = sp.csr_matrix(
        (w.double().numpy(), (ei[1].numpy(), ei[0].numpy())), shape=(n, n)
    ).astype(np.float32)
    h = x.detach().cpu().float().numpy()
    for _ in range(hops):
        h = a @ h
    return torch.from_numpy(np.ascontiguousarray(h, dtype=np.float32))


def _sq_dist(x: Tensor, c: Tensor, x_sq: Tensor | None = None) -> Tensor:
    x_sq = (x * x).sum(1, keepdim=True) if x_sq is None else x_sq
    d = x_sq - 2.0 * (x @ c.T) + (c * c).sum(1)[None]
    return d.clamp_min_(0.0)


def _assign(x: Tensor, c: Tensor, chunk: int = 32768) -> tuple[Tensor, Tensor]:
    labels, dists = [], []
    for s in range(0, x.size(0), chunk):
        d = _sq_dist(x[s : s + chunk], c)
        m = d.min(1)
        labels.append(m.indices)
        dists.append(m.values)
    return torch.cat(labels), torch.cat(dists)


def _kmeans_pp(x: Tensor, k: int, gen: torch.Generator) -> Tensor:
    n = x.size(0)
    first = int(torch.randint(n, (1,), generator=gen))
    centers = [first]
    best = _sq_dist(x, x[first : first + 1]).squeeze(1)
    for _ in range(1, k):
        total = float(best.sum())
        if total <= 0:
            nxt = int(torch.randint(n, (1,), generator=gen))
        else:
            nxt = int(torch.multinomial(best.double() / total, 1, generator=gen))
        centers.append(nxt)
        best = torch.minimum(best, _sq_dist(x, x[nxt : nxt + 1]).squeeze(1))
    return x[torch.tensor(centers)].clone()


def kmeans(
    x: Tensor,
    k: int,
    seed: int = 0,
    max_iter: int = 15,
    tol: float = 1e-4,
    init_sample: int = 10000,
    fit_sample: int = 20000,
) -> tuple[Tensor, Tensor, Tensor]:
    """Lloyd's k-means with k-means++ seeding, vectorised and chunked.

    On large inputs the k-means++ seeding runs on a seeded subsample of at most
    ``max(init_sample, 4k)`` points and the Lloyd iterations on one of at most
    ``max(fit_sample, 10k)`` points; the final assignment covers every point.

    Args:
        x: ``[N, F]`` points.
        k: number of clusters (``1 <= k <= N``).
        seed: random seed (default: ``0``).
        max_iter: Lloyd iterations (default: ``15``).
        tol: stop when centres move less than ``tol`` times the mean variance
            (default: ``1e-4``).
        init_sample: subsample size for the seeding (default: ``10000``).
        fit_sample: subsample size for the iterations (default: ``20000``).

    Returns:
        ``(centers [k, F], labels [N], squared distance to own centre [N])``.
    """
    x = x.detach().cpu().float().contiguous()
    n = x.size(0)
    if not 1 <= k <= n:
        raise ValueError(f"k must be in [1, {n}], got {k}: lower the budget")
    gen = torch.Generator().manual_seed(int(seed))
    perm = torch.randperm(n, generator=gen)
    sample = x[perm[: max(init_sample, 4 * k)]]
    c = _kmeans_pp(sample, k, gen)
    fit = x[perm[: max(fit_sample, 10 * k)]]
    scale = float(fit.var(0).mean()) + 1e-12
    for _ in range(max_iter):
        labels, _ = _assign(fit, c)
        counts = torch.bincount(labels, minlength=k).float()
        sums = torch.zeros_like(c).index_add_(0, labels, fit)
        new = c.clone()
        nz = counts > 0
        new[nz] = sums[nz] / counts[nz, None]
        shift = float(((new - c) ** 2).sum(1).mean())
        c = new
        if shift < tol * scale:
            break
    labels, d = _assign(x, c)
    return c, labels, d


def density(x: Tensor, k: int, seed: int = 0) -> Tensor:
    r"""Density around k-means centres (Ma et al.; LLM-GNN Eq. "C-Density").

    .. math::
        \mathrm{density}(v) = \frac{1}{1 + \lVert x_v - c_{k(v)} \rVert_2}

    Args:
        x: ``[N, F]`` features.
        k: number of k-means clusters.
        seed: random seed (default: ``0``).

    Returns:
        ``[N]`` float64 densities in ``(0, 1]``.
    """
    _, _, d = kmeans(x, k, seed=seed)
    return 1.0 / (1.0 + d.double().sqrt())


def c_density(x: Tensor, num_classes: int, seed: int = 0) -> Tensor:
    """C-Density of LLM-GNN: :func:`density` with ``k = num_classes``."""
    return density(x, num_classes, seed=seed)


def kmedoids(
    x: Tensor, k: int, seed: int = 0, max_iter: int = 10
) -> tuple[Tensor, Tensor, Tensor]:
    """k-medoids by alternating (Voronoi) iteration, initialised from k-means.

    Each cluster's medoid is the member with the smallest sum of Euclidean
    distances to the other members; points are then reassigned to the nearest
    medoid, until the medoids stop changing. Empty clusters keep their medoid.

    Args:
        x: ``[N, F]`` points.
        k: number of medoids.
        seed: random seed (default: ``0``).
        max_iter: alternating iterations (default: ``10``).

    Returns:
        ``(medoid ids [k], labels [N], distance to own medoid [N])``.
    """
    x = x.detach().cpu().float().contiguous()
    c, labels, _ = kmeans(x, k, seed=seed)
    # start from the point nearest each centre (distinct)
    nearest, _ = _assign(c, x)
    medoids = _dedupe(nearest, labels, x, c)
    for _ in range(max_iter):
        labels, _ = _assign(x, x[medoids])
        new = medoids.clone()
        order = torch.argsort(labels, stable=True)
        counts = torch.bincount(labels, minlength=k)
        bounds = torch.cat([torch.zeros(1, dtype=torch.long), counts.cumsum(0)])
        for j in range(k):
            members = order[bounds[j] : bounds[j + 1]]
            if members.numel() == 0:
                continue
            xm = x[members]
            cost = torch.zeros(members.numel())
            for s in range(0, members.numel(), 4096):
                cost += torch.cdist(xm[s : s + 4096], xm).sum(0)
            new[j] = members[int(torch.argmin(cost))]
        if torch.equal(new, medoids):
            break
        medoids = new
    labels, d = _assign(x, x[medoids])
    return medoids, labels, d.sqrt()


def _dedupe(nearest: Tensor, labels: Tensor, x: Tensor, c: Tensor) -> Tensor:
    taken: set[int] = set()
    out = nearest.clone()
    for j in range(out.numel()):
        v = int(out[j])
        if v in taken:
            d = ((x - c[j]) ** 2).sum(1)
            d[torch.tensor(sorted(taken))] = math.inf
            v = int(torch.argmin(d))
        taken.add(v)
        out[j] = v
    return out


# ----------------------------------------------------------------------------------
# strategies
# ----------------------------------------------------------------------------------
def _top(score: Tensor, budget: int, candidates: Tensor | None) -> Tensor:
    score = score.double().clone()
    if candidates is not None:
        score[~candidates] = -math.inf
    # stable: ties broken by smaller node id
    order = np.argsort(-score.numpy(), kind="stable")[:budget]
    return torch.from_numpy(order.astype(np.int64))


def _require_x(x: Tensor | None, name: str) -> Tensor:
    if x is None:
        raise ValueError(f"selection {name!r} needs node features: pass x")
    return x


def _require_classes(num_classes: int | None, name: str) -> int:
    if num_classes is None:
        raise ValueError(
            f"selection {name!r} needs num_classes (the C of C-Density): pass it"
        )
    return int(num_classes)


def _restrict(x: Tensor, candidates: Tensor | None) -> tuple[Tensor, Tensor]:
    if candidates is None:
        return x, torch.arange(x.size(0))
    idx = candidates.nonzero().view(-1)
    return x[idx], idx


def _full(values: Tensor, idx: Tensor, n: int, fill: float = 0.0) -> Tensor:
    out = torch.full((n,), fill, dtype=torch.float64)
    out[idx] = values.double()
    return out


def _scores(
    name: str,
    edge_index: Tensor,
    x: Tensor | None,
    budget: int,
    n: int,
    num_classes: int | None,
    seed: int,
    candidates: Tensor | None,
    alpha: float,
) -> Tensor:
    if name == "degree":
        ei, _ = to_undirected(edge_index.cpu().long(), None, n)
        ei = ei[:, ei[0] != ei[1]]
        return torch.bincount(ei[1], minlength=n).double()
    if name == "pagerank":
        return pagerank(edge_index, n)
    if name in ("density", "c-density"):
        xs, idx = _restrict(_require_x(x, name), candidates)
        k = budget if name == "density" else _require_classes(num_classes, name)
        return _full(density(xs, k, seed), idx, n)
    if name == "age":
        xp = aax(_require_x(x, name), edge_index)
        xs, idx = _restrict(xp, candidates)
        dens = _full(density(xs, budget, seed), idx, n)
        return alpha * percentile_rank(dens) + (1 - alpha) * percentile_rank(
            pagerank(edge_index, n)
        )
    raise KeyError(name)


SCORE_STRATEGIES = ("degree", "pagerank", "density", "c-density", "age")


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
    n = _num_nodes(edge_index, x, num_nodes)
    if candidates is not None:
        candidates = candidates.cpu().bool()
        if candidates.numel() != n:
            raise ValueError(
                f"candidates has {candidates.numel()} entries for {n} nodes: "
                "pass a bool mask of shape [num_nodes]"
            )
    pool = n if candidates is None else int(candidates.sum())
    if not 0 < budget <= pool:
        raise ValueError(
            f"budget must be in [1, {pool}] (selectable nodes), got {budget}"
        )
    return SELECTORS[key](
        edge_index, x, budget, n, num_classes, int(seed), candidates, alpha
    )


def _random(edge_index, x, budget, n, num_classes, seed, candidates, alpha):
    gen = torch.Generator().manual_seed(seed)
    perm = torch.randperm(n, generator=gen)
    if candidates is not None:
        perm = perm[candidates[perm]]
    return perm[:budget].clone()


def _score_selector(name: str) -> Callable[..., Tensor]:
    def run(edge_index, x, budget, n, num_classes, seed, candidates, alpha):
        s = _scores(
            name, edge_index, x, budget, n, num_classes, seed, candidates, alpha
        )
        return _top(s, budget, candidates)

    return run


def _da_selector(name: str) -> Callable[..., Tensor]:
    def run(edge_index, x, budget, n, num_classes, seed, candidates, alpha):
        s = _scores(
            name, edge_index, x, budget, n, num_classes, seed, candidates, alpha
        )
        cd = _scores(
            "c-density", edge_index, x, budget, n, num_classes, seed, candidates, alpha
        )
        mix = 0.5 * percentile_rank(s) + 0.5 * percentile_rank(cd)
        return _top(mix, budget, candidates)

    return run


def _featprop(edge_index, x, budget, n, num_classes, seed, candidates, alpha):
    xs, idx = _restrict(aax(_require_x(x, "featprop"), edge_index), candidates)
    medoids, _, _ = kmedoids(xs, budget, seed=seed)
    return idx[medoids]


def _da_featprop(edge_index, x, budget, n, num_classes, seed, candidates, alpha):
    xs, idx = _restrict(aax(_require_x(x, "da-featprop"), edge_index), candidates)
    _, labels, d = kmedoids(xs, budget, seed=seed)
    cd = _scores(
        "c-density", edge_index, x, budget, n, num_classes, seed, candidates, alpha
    )[idx]
    mix = 0.5 * percentile_rank(-d) + 0.5 * percentile_rank(cd)
    # per cluster, the member with the largest mix (ties: smaller id)
    order = torch.from_numpy(np.lexsort((-mix.numpy(), labels.numpy())))
    first = torch.ones(order.numel(), dtype=torch.bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    chosen = order[first]
    if chosen.numel() < budget:  # an empty cluster: fill with the best leftovers
        rest = torch.ones(xs.size(0), dtype=torch.bool)
        rest[chosen] = False
        extra = _top(mix, budget - chosen.numel(), rest)
        chosen = torch.cat([chosen, extra])
    return idx[chosen]


SELECTORS: dict[str, Callable[..., Tensor]] = {
    "random": _random,
    "degree": _score_selector("degree"),
    "pagerank": _score_selector("pagerank"),
    "density": _score_selector("density"),
    "c-density": _score_selector("c-density"),
    "featprop": _featprop,
    "age": _score_selector("age"),
    "da-degree": _da_selector("degree"),
    "da-pagerank": _da_selector("pagerank"),
    "da-density": _da_selector("density"),
    "da-age": _da_selector("age"),
    "da-featprop": _da_featprop,
}
"""Every strategy by name: ``fn(edge_index, x, budget, n, C, seed, candidates,
alpha)``; call them through :func:`select`."""
