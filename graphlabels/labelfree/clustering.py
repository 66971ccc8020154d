r"""k-means, k-medoids and the k-means density of the label-free selection.

Vectorised torch implementations, seeded and deterministic. scikit-learn's
``KMeans`` is not used: its seeding and Lloyd iterations draw other random numbers
and run a different convergence test, so the clusters (and every strategy built on
them) would change, and scikit-learn is not a dependency.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

__all__ = ["c_density", "density", "kmeans", "kmedoids"]


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
    medoids = _dedupe(nearest, x, c)
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


def _dedupe(nearest: Tensor, x: Tensor, c: Tensor) -> Tensor:
    """Make the initial medoids distinct: a taken point yields to the next nearest."""
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
