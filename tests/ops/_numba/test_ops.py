"""The compiled backend against the reference on corner cases and random graphs."""

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphlabels.ops import (
    CSR,
    gat_aggregate,
    sddmm,
    segment_softmax,
    spmm,
    use_backend,
)
from graphlabels.ops._numba import ops


def _edges(pairs):
    return torch.tensor(pairs, dtype=torch.long).t().contiguous()


def graphs():
    """Corner cases: empty rows, an isolated node, self loops, duplicate edges, no
    edges, one heavy row (10,000 entries), and a bipartite matrix."""
    g = torch.Generator().manual_seed(1)
    small = _edges([(0, 1), (1, 0), (2, 1), (2, 1), (3, 3), (3, 0), (1, 2)])
    hub_src = torch.randint(0, 3000, (10_000,), generator=g)
    hub = torch.cat(
        [
            torch.stack([hub_src, torch.zeros_like(hub_src)]),
            torch.randint(0, 50, (2, 500), generator=g),
        ],
        1,
    )
    return {
        "small": CSR.from_edge_index(small, 6),
        "empty": CSR.from_edge_index(torch.empty(2, 0, dtype=torch.long), 4),
        "random": CSR.from_edge_index(torch.randint(0, 40, (2, 200), generator=g), 45),
        "hub": CSR.from_edge_index(hub, 3000),
        "bipartite": CSR.from_edge_index(
            _edges([(0, 1), (4, 0), (2, 1), (2, 1)]), (3, 5)
        ),
        "self_loops": CSR.from_edge_index(torch.arange(6).repeat(2, 1), 7),
    }


GRAPHS = graphs()


@pytest.fixture(params=[1, 16], ids=["one_task", "split16"])
def split(request, monkeypatch):
    """One task per call, or 16 tasks (heavy rows split) even on one thread."""
    monkeypatch.setattr(ops, "parts", lambda: request.param)
    return request.param


def both(fn):
    """``fn()`` under the compiled backend and under the reference."""
    with use_backend("cpu-compiled"):
        got = fn()
    with use_backend("reference"):
        want = fn()
    return got, want


def _close(a, b, dtype):
    tol = 1e-10 if dtype == torch.float64 else 2e-5
    scale = max(1.0, float(b.detach().abs().max())) if b.numel() else 1.0
    torch.testing.assert_close(a, b, atol=tol * scale, rtol=tol)


def _grads(out, inputs, seed=0):
    g = torch.randn(
        out.shape, dtype=out.dtype, generator=torch.Generator().manual_seed(seed)
    )
    gs = torch.autograd.grad(out, inputs, g, allow_unused=True)
    return [
        torch.zeros_like(x) if d is None else d for x, d in zip(inputs, gs, strict=True)
    ]


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("F", [1, 7, 64, 130])
def test_spmm_forward_backward(split, name, reduce, weighted, dtype, F):
    A = GRAPHS[name]
    g = torch.Generator().manual_seed(F)
    X = torch.randn(A.num_cols, F, dtype=dtype, generator=g).requires_grad_()
    w = (
        torch.rand(A.nnz, dtype=dtype, generator=g).requires_grad_()
        if weighted
        else None
    )
    inputs = [X] if w is None else [X, w]

    def run():
        out = spmm(A, X, reduce, w)
        return out, _grads(out, inputs)

    (got, ggot), (want, gwant) = both(run)
    _close(got, want, dtype)
    for a, b in zip(ggot, gwant, strict=True):
        _close(a, b, dtype)
    with torch.no_grad(), use_backend("cpu-compiled"):
        _close(spmm(A, X, reduce, w), want, dtype)  # the inference path


@pytest.mark.parametrize("name", ["small", "hub", "empty"])
@pytest.mark.parametrize("reduce", ["sum", "mean"])
def test_spmm_out_buffer(split, name, reduce):
    A = GRAPHS[name]
    X = torch.randn(A.num_cols, 20)
    out = torch.full((A.num_rows, 20), float("nan"))
    with torch.no_grad(), use_backend("cpu-compiled"):
        got = spmm(A, X, reduce, out=out)
    assert got is out
    with use_backend("reference"):
        _close(out, spmm(A, X, reduce), torch.float32)


@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
def test_int64_indices_kernel_path(monkeypatch, reduce):
    n = 45
    A = CSR.from_edge_index(torch.randint(0, n, (2, 200)), n)
    A._struct["idx32"] = (A.rowptr, A.col)  # as for a matrix too big for int32
    X = torch.randn(n, 5, dtype=torch.float64, requires_grad=True)
    (got, gg), (want, gw) = both(
        lambda: (lambda o: (o, _grads(o, [X])))(spmm(A, X, reduce))
    )
    _close(got, want, torch.float64)
    _close(gg[0], gw[0], torch.float64)


def test_max_tie_and_argmax():
    A = CSR.from_edge_index(torch.tensor([[1, 1, 0], [0, 0, 0]]), 3)
    X = torch.tensor([[0.0, 5.0], [1.0, 2.0], [3.0, 3.0]])
    out, arg = ops.spmm_max(A, X)
    assert out.tolist() == [[1.0, 5.0], [0.0, 0.0], [0.0, 0.0]]
    # row 0 holds columns 0, 1, 1 (positions 0, 1, 2): ties go to the first
    assert arg.tolist() == [[1, 0], [3, 3], [3, 3]]


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("shape", [(5,), (3, 4)])
def test_sddmm(split, name, shape):
    A = GRAPHS[name]
    Q = torch.randn(A.num_rows, *shape, dtype=torch.float64, requires_grad=True)
    Kt = torch.randn(A.num_cols, *shape, dtype=torch.float64, requires_grad=True)

    def run():
        out = sddmm(A, Q, Kt)
        return out, _grads(out, [Q, Kt]) if A.nnz else []

    (got, ggot), (want, gwant) = both(run)
    _close(got, want, torch.float64)
    for a, b in zip(ggot, gwant, strict=True):
        _close(a, b, torch.float64)


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("heads", [None, 3])
def test_segment_softmax(split, name, heads):
    A = GRAPHS[name]
    shape = (A.nnz,) if heads is None else (A.nnz, heads)
    s = (torch.randn(shape, dtype=torch.float64) * 4).requires_grad_()

    def run():
        out = segment_softmax(A, s)
        return out, _grads(out, [s]) if A.nnz else []

    (got, ggot), (want, gwant) = both(run)
    _close(got, want, torch.float64)
    for a, b in zip(ggot, gwant, strict=True):
        _close(a, b, torch.float64)


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("H, C", [(1, 4), (8, 16), (3, 5)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("alpha_buffer", [True, False])
def test_fused_gat(split, name, H, C, dtype, alpha_buffer, monkeypatch):
    # with the [E, H] buffer (gat_alpha + spmm_sum_heads) and without (gat_fwd)
    if not alpha_buffer:
        monkeypatch.setattr(ops, "ALPHA_BUFFER", 0)
    A = GRAPHS[name]
    g = torch.Generator().manual_seed(H * C)
    x = torch.randn(A.num_cols, H, C, dtype=dtype, generator=g).requires_grad_()
    a_s = torch.randn(A.num_cols, H, dtype=dtype, generator=g).requires_grad_()
    a_d = torch.randn(A.num_rows, H, dtype=dtype, generator=g).requires_grad_()

    def run():
        out = gat_aggregate(A, x, a_s, a_d, 0.2)
        return out, _grads(out, [x, a_s, a_d])

    (got, ggot), (want, gwant) = both(run)
    _close(got, want, dtype)
    for a, b in zip(ggot, gwant, strict=True):
        _close(a, b, dtype)


def test_gat_with_dropout_uses_the_unfused_kernels():
    A = GRAPHS["random"]
    x = torch.randn(A.num_cols, 2, 3, dtype=torch.float64, requires_grad=True)
    a = torch.randn(A.num_cols, 2, dtype=torch.float64, requires_grad=True)
    with use_backend("cpu-compiled"):
        torch.manual_seed(0)
        got = gat_aggregate(A, x, a, a, 0.2, dropout=0.5, training=True)
        gg = _grads(got, [x, a])
    with use_backend("reference"):
        torch.manual_seed(0)
        want = gat_aggregate(A, x, a, a, 0.2, dropout=0.5, training=True)
        gw = _grads(want, [x, a])
    _close(got, want, torch.float64)
    for p, q in zip(gg, gw, strict=True):
        _close(p, q, torch.float64)


def test_gradcheck_float64(split):
    A = GRAPHS["small"]
    X = torch.randn(A.num_cols, 3, dtype=torch.float64, requires_grad=True)
    w = torch.rand(A.nnz, dtype=torch.float64, requires_grad=True)
    wh = torch.rand(A.nnz, 2, dtype=torch.float64, requires_grad=True)
    X3 = torch.randn(A.num_cols, 2, 3, dtype=torch.float64, requires_grad=True)
    a_s = torch.randn(A.num_cols, 2, dtype=torch.float64, requires_grad=True)
    a_d = torch.randn(A.num_rows, 2, dtype=torch.float64, requires_grad=True)
    s = torch.randn(A.nnz, 2, dtype=torch.float64, requires_grad=True)
    gc = torch.autograd.gradcheck
    with use_backend("cpu-compiled"):
        for reduce in ("sum", "mean", "max"):
            assert gc(lambda x, w, r=reduce: spmm(A, x, r, w), (X, w))
        assert gc(lambda x, w: spmm(A, x, "sum", w), (X3, wh))
        assert gc(lambda q, k: sddmm(A, q, k), (X, X.detach().clone().requires_grad_()))
        assert gc(lambda s: segment_softmax(A, s), (s,))
        assert gc(lambda x, a, b: gat_aggregate(A, x, a, b, 0.2), (X3, a_s, a_d))


def test_low_precision_falls_back_to_torch():
    A = GRAPHS["random"]
    X = torch.randn(A.num_cols, 16).bfloat16()
    with use_backend("cpu-compiled"):
        got = spmm(A, X, "mean")
    with use_backend("cpu"):
        want = spmm(A, X, "mean")
    torch.testing.assert_close(got, want)


def test_threads_follow_torch():
    import numba

    prev = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert ops.threads() == 1 and numba.get_num_threads() == 1
        assert ops.parts() == 1
    finally:
        torch.set_num_threads(prev)


def test_starting_numbas_pool_keeps_torchs_thread_count():
    """numba's OpenMP pool must not turn torch.set_num_threads(1) into 2 threads."""
    import os
    import subprocess
    import sys

    code = (
        "import torch; torch.set_num_threads(1); import numba; "
        "from graphlabels.ops import CSR, spmm, use_backend; "
        "A = CSR.from_edge_index(torch.tensor([[0, 1], [1, 0]]), 2); "
        "ctx = use_backend('cpu-compiled'); ctx.__enter__(); "
        "spmm(A, torch.ones(2, 3)); "
        "print(torch.get_num_threads(), numba.get_num_threads())"
    )
    env = {**os.environ, "NUMBA_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "1"]


@st.composite
def random_graph(draw):
    n = draw(st.integers(1, 30))
    m = draw(st.integers(0, 120))
    src = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    dst = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    return CSR.from_edge_index(torch.tensor([src, dst], dtype=torch.long).view(2, m), n)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    A=random_graph(),
    F=st.integers(1, 40),
    parts=st.sampled_from([1, 3, 16]),
    reduce=st.sampled_from(["sum", "mean", "max"]),
)
def test_random_graphs(monkeypatch, A, F, parts, reduce):
    monkeypatch.setattr(ops, "parts", lambda: parts)
    X = torch.randn(A.num_cols, F, dtype=torch.float64, requires_grad=True)
    w = torch.rand(A.nnz, dtype=torch.float64, requires_grad=True)
    a = torch.randn(A.num_cols, 2, dtype=torch.float64, requires_grad=True)
    x3 = torch.randn(A.num_cols, 2, 3, dtype=torch.float64, requires_grad=True)

    def run():
        out = spmm(A, X, reduce, w)
        att = gat_aggregate(A, x3, a, a, 0.2)
        return [out, att, *_grads(out, [X, w]), *_grads(att, [x3, a])]

    got, want = both(run)
    for p, q in zip(got, want, strict=True):
        _close(p, q, torch.float64)


def test_huge_page_outputs(monkeypatch):
    import sys

    monkeypatch.setattr(ops, "HUGE_OUTPUT_BYTES", 1)  # every output
    t = ops.new_output((3000, 33), torch.float32)
    assert t.shape == (3000, 33) and t.is_contiguous()
    if sys.platform.startswith("linux"):
        assert t.data_ptr() % (2 * 2**20) == 0
        assert t.untyped_storage().nbytes() >= 3000 * 33 * 4
    A = GRAPHS["hub"]
    X = torch.randn(A.num_cols, 33, dtype=torch.float64, requires_grad=True)
    a = torch.randn(A.num_cols, 2, dtype=torch.float64, requires_grad=True)
    x3 = torch.randn(A.num_cols, 2, 3, dtype=torch.float64, requires_grad=True)

    def run():
        outs = [spmm(A, X, r) for r in ("sum", "mean", "max")]
        att = gat_aggregate(A, x3, a, a, 0.2)
        return [*outs, att, *_grads(sum(o.sum() for o in outs) + att.sum(), [X, x3, a])]

    got, want = both(run)
    for p, q in zip(got, want, strict=True):
        _close(p, q, torch.float64)
    monkeypatch.setattr(ops, "HUGE_OUTPUT_BYTES", 0)  # disabled: a plain tensor
    assert ops.new_output((5, 2), torch.float64).untyped_storage().nbytes() == 80
