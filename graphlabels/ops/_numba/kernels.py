"""Numba kernels over CSR arrays (row-parallel with ``prange``).

Every parallel kernel loops over *tasks* from :func:`plan`: a task is either a
run of whole rows of about equal cost (``nnz + rows``), or a piece of one heavy
row (more entries than a task's share), whose partial result goes to a scratch
row and is combined afterwards. With one thread there is a single task.

Feature rows are processed in tiles of :data:`TILE` columns, so each gathered
source row is used for a whole tile while the tile's accumulator stays in L1.
The kernels are compiled on first use for the index dtype (int32 when the
matrix fits) and the float dtype, and cached on disk (``cache=True``).
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

#: Feature columns per tile of the SpMM kernels (wider rows are tiled).
TILE = 128
#: Entries ahead whose source rows are prefetched. The gathers are bound by
#: memory latency; prefetching 8 entries ahead took the single-thread sum-SpMM
#: on the 200k/2M power-law graph from 119 to 86 ms of CPU time at F=64.
PREFETCH = 8

_OPTS = {"cache": True, "nogil": True, "boundscheck": False, "error_model": "numpy"}
# dot products may reassociate (vectorised reductions); nothing else does
_DOT = {**_OPTS, "fastmath": {"reassoc", "contract"}}


@intrinsic
def _prefetch(typingctx, arr, i, j):
    """Prefetch the cache line of ``arr[i, j]`` (2-D) or ``arr[i, j, 0]`` (3-D)."""
    sig = types.void(arr, i, j)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        idx = [
            context.cast(builder, args[k], signature.args[k], types.intp)
            for k in (1, 2)
        ]
        idx += [context.get_constant(types.intp, 0)] * (aryty.ndim - 2)
        ptr = cgutils.get_item_pointer(
            context, builder, aryty, ary, idx, wraparound=False
        )
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        # read, high temporal locality, data cache
        consts = [ir.Constant(i32, v) for v in (0, 3, 1)]
        builder.call(fn, [builder.bitcast(ptr, i8p), *consts])
        return context.get_dummy_value()

    return sig, codegen


@njit(inline="always", **_OPTS)
def _prefetch_row(X, col, k, stop, step):  # pragma: no cover - compiled
    """Prefetch row ``X[col[k + PREFETCH]]`` (every ``step`` columns) if any.

    ``step = 0`` prefetches nothing (``X`` small enough to stay in cache).
    """
    kk = k + PREFETCH
    if step > 0 and kk < stop:
        j = col[kk]
        for f in range(0, X.shape[1], step):
            _prefetch(X, j, f)


@njit(**_OPTS)
def plan(rowptr, parts, split):  # pragma: no cover - compiled
    """Tasks ``[T, 5]``: ``(row0, row1, e0, e1, slot)`` and heavy-row pieces.

    ``slot < 0``: rows ``row0..row1`` whole. ``slot >= 0``: entries ``e0..e1`` of
    row ``row0``, written to ``scratch[slot]``. Also returns ``heavy`` (the split
    rows) and ``hptr`` (their slots are ``hptr[k]..hptr[k + 1]``). With
    ``split=False`` heavy rows become single tasks instead.
    """
    n = rowptr.shape[0] - 1
    nnz = rowptr[n]
    target = max((nnz + n + parts - 1) // parts, 64)
    cap = 4 * ((nnz + n) // target) + 8
    tasks = np.empty((cap, 5), dtype=np.int64)
    heavy = np.empty(cap, dtype=np.int64)
    hptr = np.zeros(cap + 1, dtype=np.int64)
    t = 0
    nh = 0
    slot = 0
    r = 0
    while r < n:
        deg = rowptr[r + 1] - rowptr[r]
        if deg + 1 > target:
            if split and parts > 1:
                npieces = (deg + target - 1) // target
                step = (deg + npieces - 1) // npieces
                e = rowptr[r]
                while e < rowptr[r + 1]:
                    tasks[t, 0] = r
                    tasks[t, 1] = r + 1
                    tasks[t, 2] = e
                    tasks[t, 3] = min(e + step, rowptr[r + 1])
                    tasks[t, 4] = slot
                    slot += 1
                    t += 1
                    e += step
                heavy[nh] = r
                nh += 1
                hptr[nh] = slot
            else:
                tasks[t, 0] = r
                tasks[t, 1] = r + 1
                tasks[t, 2] = -1
                tasks[t, 3] = -1
                tasks[t, 4] = -1
                t += 1
            r += 1
            continue
        start = r
        cost = 0
        while r < n:
            d = rowptr[r + 1] - rowptr[r] + 1
            if d > target or (cost + d > target and r > start):
                break
            cost += d
            r += 1
        tasks[t, 0] = start
        tasks[t, 1] = r
        tasks[t, 2] = -1
        tasks[t, 3] = -1
        tasks[t, 4] = -1
        t += 1
    return tasks[:t].copy(), heavy[:nh].copy(), hptr[: nh + 1].copy()


# ----------------------------------------------------------------------- spmm
@njit(inline="always", **_OPTS)
def _sum_row(col, w, X, o, s, e, nnz, step):  # pragma: no cover
    """``o = sum_{k in [s, e)} w_k X[col_k]`` over all of ``o``'s columns."""
    F = o.shape[0]
    for f in range(F):
        o[f] = 0.0
    for k in range(s, e):
        _prefetch_row(X, col, k, nnz, step)
        j = col[k]
        if w is None:
            for f in range(F):
                o[f] += X[j, f]
        else:
            wk = w[k]
            for f in range(F):
                o[f] += wk * X[j, f]


@njit(inline="always", **_OPTS)
def _sum_row_tiled(col, w, X, o, s, e, nnz, step):  # pragma: no cover
    """:func:`_sum_row` for rows wider than :data:`TILE`, one tile at a time."""
    F = o.shape[0]
    for f0 in range(0, F, TILE):
        fw = min(F, f0 + TILE) - f0
        ot = o[f0 : f0 + fw]
        for f in range(fw):
            ot[f] = 0.0
        for k in range(s, e):
            _prefetch_row(X, col, k, nnz, step)
            j = col[k]
            wk = 1.0 if w is None else w[k]
            for f in range(fw):
                ot[f] += wk * X[j, f0 + f]


@njit(parallel=True, **_OPTS)
def spmm_sum(
    rowptr, col, w, X, out, tasks, heavy, hptr, scratch, mean, step
):  # pragma: no cover
    """``out[i] = sum_e w_e X[col_e]`` (``w=None``: ones); ``mean`` divides by deg.

    ``step``: columns per cache line of ``X`` (prefetch stride).
    """
    F = X.shape[1]
    nnz = col.shape[0]
    for t in prange(tasks.shape[0]):
        r0 = tasks[t, 0]
        r1 = tasks[t, 1]
        slot = tasks[t, 4]
        for i in range(r0, r1):
            s = rowptr[i]
            e = rowptr[i + 1]
            if slot >= 0:
                s = tasks[t, 2]
                e = tasks[t, 3]
                o = scratch[slot]
            else:
                o = out[i]
            if F <= TILE:
                _sum_row(col, w, X, o, s, e, nnz, step)
            else:
                _sum_row_tiled(col, w, X, o, s, e, nnz, step)
            if mean and slot < 0 and e > s:
                inv = 1.0 / (e - s)
                for f in range(F):
                    o[f] *= inv
    for h in prange(heavy.shape[0]):
        i = heavy[h]
        o = out[i]
        for f in range(F):
            o[f] = 0.0
        for p in range(hptr[h], hptr[h + 1]):
            sp = scratch[p]
            for f in range(F):
                o[f] += sp[f]
        if mean:
            inv = 1.0 / (rowptr[i + 1] - rowptr[i])
            for f in range(F):
                o[f] *= inv


@njit(inline="always", **_OPTS)
def _max_row(col, w, X, o, a, s, e, f0, fw, nnz, step, track):  # pragma: no cover
    """Max over ``[s, e)`` of ``w_k X[col_k, f0:f0+fw]`` into ``o``, argmax in ``a``.

    ``o``/``a`` are the tile's views; ties keep the first position.
    """
    js = col[s]
    ws = 1.0 if w is None else w[s]
    for f in range(fw):
        o[f] = ws * X[js, f0 + f]
        a[f] = s
    for k in range(s + 1, e):
        _prefetch_row(X, col, k, nnz, step)
        j = col[k]
        wk = 1.0 if w is None else w[k]
        if track:
            for f in range(fw):
                v = wk * X[j, f0 + f]
                if v > o[f]:
                    o[f] = v
                    a[f] = k
        else:
            for f in range(fw):
                v = wk * X[j, f0 + f]
                o[f] = v if v > o[f] else o[f]


@njit(parallel=True, **_OPTS)
def spmm_max(
    rowptr, col, w, X, out, arg, tasks, heavy, hptr, sval, sarg, step
):  # pragma: no cover
    """Row max of ``w_e X[col_e]`` with the first maximal position (``arg``).

    Empty rows give 0 and position ``nnz``; ``arg=None`` skips the positions.
    """
    F = X.shape[1]
    nnz = col.shape[0]
    for t in prange(tasks.shape[0]):
        r0 = tasks[t, 0]
        r1 = tasks[t, 1]
        slot = tasks[t, 4]
        track = arg is not None or slot >= 0
        for i in range(r0, r1):
            s = rowptr[i]
            e = rowptr[i + 1]
            if slot >= 0:
                s = tasks[t, 2]
                e = tasks[t, 3]
                o = sval[slot]
                a = sarg[slot]
            else:
                o = out[i]
                if arg is None:
                    a = sarg[0]
                else:
                    a = arg[i]
            if e == s:
                for f in range(F):
                    o[f] = 0.0
                    a[f] = nnz
                continue
            if F <= TILE:
                _max_row(col, w, X, o, a, s, e, 0, F, nnz, step, track)
            else:
                for f0 in range(0, F, TILE):
                    fw = min(F, f0 + TILE) - f0
                    ot = o[f0 : f0 + fw]
                    at = a[f0 : f0 + fw]
                    _max_row(col, w, X, ot, at, s, e, f0, fw, nnz, step, track)
    for h in prange(heavy.shape[0]):
        i = heavy[h]
        o = out[i]
        p0 = hptr[h]
        for f in range(F):
            o[f] = sval[p0, f]
        if arg is not None:
            for f in range(F):
                arg[i, f] = sarg[p0, f]
        for p in range(p0 + 1, hptr[h + 1]):
            for f in range(F):
                if sval[p, f] > o[f]:
                    o[f] = sval[p, f]
                    if arg is not None:
                        arg[i, f] = sarg[p, f]


@njit(parallel=True, **_OPTS)
def spmm_sum_heads(rowptr, col, w, X, out, tasks):  # pragma: no cover
    """``out[i, h] = sum_e w[e, h] X[col_e, h]`` for ``X`` ``[M, H, F]``."""
    H = X.shape[1]
    F = X.shape[2]
    nnz = col.shape[0]
    for t in prange(tasks.shape[0]):
        for i in range(tasks[t, 0], tasks[t, 1]):
            o = out[i]
            for h in range(H):
                for f in range(F):
                    o[h, f] = 0.0
            for k in range(rowptr[i], rowptr[i + 1]):
                if k + PREFETCH < nnz:
                    for h in range(H):
                        _prefetch(X, col[k + PREFETCH], h)
                j = col[k]
                for h in range(H):
                    wk = w[k, h]
                    for f in range(F):
                        o[h, f] += wk * X[j, h, f]


# ---------------------------------------------------------------------- sddmm
@njit(parallel=True, **_DOT)
def sddmm(rowptr, col, Q, K, out, tasks):  # pragma: no cover
    """``out[e, h] = <Q[row_e, h], K[col_e, h]>`` for ``[N, H, D]`` inputs."""
    H = Q.shape[1]
    D = Q.shape[2]
    for t in prange(tasks.shape[0]):
        r0 = tasks[t, 0]
        r1 = tasks[t, 1]
        for i in range(r0, r1):
            s = rowptr[i]
            e = rowptr[i + 1]
            if tasks[t, 4] >= 0:
                s = tasks[t, 2]
                e = tasks[t, 3]
            q = Q[i]
            for k in range(s, e):
                if k + PREFETCH < e:
                    for h in range(H):
                        _prefetch(K, col[k + PREFETCH], h)
                kj = K[col[k]]
                for h in range(H):
                    acc = 0.0
                    for d in range(D):
                        acc += q[h, d] * kj[h, d]
                    out[k, h] = acc


# -------------------------------------------------------------------- softmax
@njit(parallel=True, **_OPTS)
def softmax_fwd(rowptr, scores, out, tasks):  # pragma: no cover
    """Softmax of ``scores[e, h]`` over each row's entries."""
    H = scores.shape[1]
    for t in prange(tasks.shape[0]):
        for i in range(tasks[t, 0], tasks[t, 1]):
            s = rowptr[i]
            e = rowptr[i + 1]
            for h in range(H):
                m = -np.inf
                for k in range(s, e):
                    m = max(m, scores[k, h])
                if m == -np.inf:
                    m = 0.0
                den = 0.0
                for k in range(s, e):
                    v = math.exp(scores[k, h] - m)
                    out[k, h] = v
                    den += v
                if den > 0:
                    inv = 1.0 / den
                    for k in range(s, e):
                        out[k, h] *= inv


@njit(parallel=True, **_OPTS)
def softmax_bwd(rowptr, p, g, out, tasks):  # pragma: no cover
    """``out = p * (g - sum_row(p * g))``."""
    H = p.shape[1]
    for t in prange(tasks.shape[0]):
        for i in range(tasks[t, 0], tasks[t, 1]):
            s = rowptr[i]
            e = rowptr[i + 1]
            for h in range(H):
                acc = 0.0
                for k in range(s, e):
                    acc += p[k, h] * g[k, h]
                for k in range(s, e):
                    out[k, h] = p[k, h] * (g[k, h] - acc)


# ------------------------------------------------------------------------ GAT
@njit(parallel=True, **_DOT)
def gat_fwd(rowptr, col, x, a_src, a_dst, slope, out, lse, tasks):  # pragma: no cover
    """Fused GAT forward: scores, softmax and weighted sum, all heads per row.

    Two passes over each row's entries: the first finds the score maximum (it
    reads only ``a_src``), the second gathers each source feature row once.
    """
    H = x.shape[1]
    C = x.shape[2]
    for t in prange(tasks.shape[0]):
        m = np.empty(H, dtype=lse.dtype)
        den = np.empty(H, dtype=lse.dtype)
        for i in range(tasks[t, 0], tasks[t, 1]):
            s = rowptr[i]
            e = rowptr[i + 1]
            o = out[i]
            for h in range(H):
                m[h] = -np.inf
                den[h] = 0.0
                for c in range(C):
                    o[h, c] = 0.0
            for k in range(s, e):
                j = col[k]
                for h in range(H):
                    z = a_src[j, h] + a_dst[i, h]
                    z = z if z > 0 else z * slope
                    m[h] = max(m[h], z)
            for k in range(s, e):
                if k + PREFETCH < e:
                    for h in range(H):
                        _prefetch(x, col[k + PREFETCH], h)
                j = col[k]
                for h in range(H):
                    z = a_src[j, h] + a_dst[i, h]
                    z = z if z > 0 else z * slope
                    pv = math.exp(z - m[h])
                    den[h] += pv
                    for c in range(C):
                        o[h, c] += pv * x[j, h, c]
            for h in range(H):
                if den[h] > 0:
                    inv = 1.0 / den[h]
                    for c in range(C):
                        o[h, c] *= inv
                    lse[i, h] = m[h] + math.log(den[h])
                else:
                    lse[i, h] = 0.0


@njit(parallel=True, **_DOT)
def gat_alpha(rowptr, col, a_src, a_dst, slope, alpha, lse, tasks):  # pragma: no cover
    """Attention weights ``alpha[k, h]`` (softmax of each row's scores) and ``lse``.

    With ``alpha`` stored, the weighted sum is :func:`spmm_sum_heads`: the split
    runs 1.6-1.9x faster than :func:`gat_fwd`'s one pass on the arxiv-size graph
    (8 heads x 16, one thread), at the cost of an ``[E, H]`` buffer. ``slope`` is a
    one-element array of the float dtype (a Python float would widen the scores).
    """
    H = a_src.shape[1]
    sl = slope[0]
    for t in prange(tasks.shape[0]):
        m = np.empty(H, dtype=alpha.dtype)
        den = np.empty(H, dtype=alpha.dtype)
        for i in range(tasks[t, 0], tasks[t, 1]):
            s = rowptr[i]
            e = rowptr[i + 1]
            for h in range(H):
                m[h] = -np.inf
                den[h] = 0.0
            for k in range(s, e):
                j = col[k]
                for h in range(H):
                    v = a_src[j, h] + a_dst[i, h]
                    v = max(v, v * sl)
                    alpha[k, h] = v
                    m[h] = max(m[h], v)
            for k in range(s, e):
                for h in range(H):
                    v = math.exp(alpha[k, h] - m[h])
                    alpha[k, h] = v
                    den[h] += v
            for h in range(H):
                if den[h] > 0:
                    lse[i, h] = m[h] + math.log(den[h])
                    den[h] = 1.0 / den[h]
                else:
                    lse[i, h] = 0.0
            for k in range(s, e):
                for h in range(H):
                    alpha[k, h] *= den[h]


@njit(parallel=True, **_DOT)
def gat_bwd_src(
    trowptr, tcol, x, a_src, a_dst, slope, lse, dout, dot, dx, dasrc, dz, tasks
):  # pragma: no cover
    """Over the transpose (row ``j`` = edges leaving ``j``), without atomics.

    ``dx[j] = sum_e alpha_e dout[i_e]``, ``dasrc[j] = sum_e dz_e``; every edge's
    score gradient ``dz`` is stored at its transpose position for the target
    logits' row sums (:func:`row_sum_gather`).
    """
    H = x.shape[1]
    C = x.shape[2]
    for t in prange(tasks.shape[0]):
        for j in range(tasks[t, 0], tasks[t, 1]):
            g = dx[j]
            xj = x[j]
            for h in range(H):
                dasrc[j, h] = 0.0
                for c in range(C):
                    g[h, c] = 0.0
            for p in range(trowptr[j], trowptr[j + 1]):
                if p + PREFETCH < trowptr[j + 1]:
                    for h in range(H):
                        _prefetch(dout, tcol[p + PREFETCH], h)
                i = tcol[p]
                for h in range(H):
                    z = a_src[j, h] + a_dst[i, h]
                    sc = z if z > 0 else z * slope
                    alpha = math.exp(sc - lse[i, h])
                    da = 0.0
                    for c in range(C):
                        da += dout[i, h, c] * xj[h, c]
                    ds = alpha * (da - dot[i, h])
                    d = ds if z > 0 else ds * slope
                    dz[p, h] = d
                    dasrc[j, h] += d
                    for c in range(C):
                        g[h, c] += alpha * dout[i, h, c]


@njit(parallel=True, **_OPTS)
def row_sum_gather(rowptr, pos, src, out, tasks):  # pragma: no cover
    """``out[i, :] = sum_e src[pos[e], :]`` over the entries ``e`` of row ``i``."""
    H = src.shape[1]
    for t in prange(tasks.shape[0]):
        for i in range(tasks[t, 0], tasks[t, 1]):
            for h in range(H):
                out[i, h] = 0.0
            for k in range(rowptr[i], rowptr[i + 1]):
                q = pos[k]
                for h in range(H):
                    out[i, h] += src[q, h]


# --------------------------------------------------------------------- gather
@njit(parallel=True, **_OPTS)
def gather_rows(col, X, out, step):  # pragma: no cover
    """``out[k % R] += X[col[k]]`` with ``R = out.shape[0]``: the gather bound.

    It reads one source row per entry, in the same order as an SpMM over the
    same CSR (with the same prefetching), and does no per-row bookkeeping: the
    time of the memory traffic alone.
    """
    F = X.shape[1]
    R = out.shape[0]
    n = col.shape[0]
    per = (n + R - 1) // R
    for r in prange(R):
        o = out[r]
        for k in range(r * per, min(n, (r + 1) * per)):
            _prefetch_row(X, col, k, n, step)
            j = col[k]
            for f in range(F):
                o[f] += X[j, f]
