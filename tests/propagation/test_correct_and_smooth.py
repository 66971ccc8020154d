import pytest
import torch
import torch.nn.functional as F

from graphlabels import ops
from graphlabels.propagation import CorrectAndSmooth, correct_and_smooth

pyg = pytest.importorskip("torch_geometric")


def _agree(a, b):
    return float((a.argmax(1) == b.argmax(1)).float().mean())


def _soft(n, c, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (2 * torch.randn(n, c, generator=g)).softmax(-1)


@pytest.fixture
def cs_inputs(random_graph):
    ei, y, mask = random_graph
    return ei, y, mask, _soft(y.numel(), 4)


# --------------------------------------------------------------------- reference
def _dense_cs(
    dense,
    ei,
    y,
    mask,
    y_soft,
    *,
    autoscale,
    scale,
    reset,
    w=None,
    norms=("sym", "sym"),
    a1=0.9,
    a2=0.7,
    k1=6,
    k2=5,
):
    """The paper code's double_correlation_{autoscale,fixed}, dense, float64."""
    n, c = y_soft.shape
    idx = mask.nonzero().view(-1)
    z = y_soft.double()
    lab = F.one_hot(y[idx], c).double()
    err = torch.zeros(n, c, dtype=torch.float64)
    err[idx] = lab - z[idx]
    A1 = dense.adjacency(ei, n, w, norms[0])
    if autoscale:
        e = dense.propagate(A1, err, k1, a1, clamp=(-1.0, 1.0))
        sigma = err[idx].abs().sum() / idx.numel()
        s = sigma / e.abs().sum(1, keepdim=True)
        s[s.isinf() | s.isnan() | (s > 1000)] = 1.0
        zc = z + s * e
    else:
        e = dense.propagate(A1, err, k1, a1, reset_idx=idx, reset=err[idx])
        zc = z + scale * e
    g0 = zc.clone()
    g0[idx] = lab
    A2 = dense.adjacency(ei, n, w, norms[1])
    out = dense.propagate(
        A2,
        g0,
        k2,
        a2,
        clamp=(0.0, 1.0),
        reset_idx=idx if reset else None,
        reset=lab,
    )
    return zc, out


@pytest.mark.parametrize("autoscale", [True, False])
@pytest.mark.parametrize("reset", [True, False])
@pytest.mark.parametrize("norms", [("sym", "sym"), ("row", "col")])
def test_matches_dense_reference(cs_inputs, dense, autoscale, reset, norms):
    ei, y, mask, y_soft = cs_inputs
    w = torch.rand(ei.size(1), generator=torch.Generator().manual_seed(5)) + 0.1
    cs = CorrectAndSmooth(
        6,
        0.9,
        5,
        0.7,
        autoscale=autoscale,
        scale=3.0,
        correction_norm=norms[0],
        smoothing_norm=norms[1],
        reset_labels=reset,
    )
    zc, out = _dense_cs(
        dense,
        ei,
        y,
        mask,
        y_soft,
        autoscale=autoscale,
        scale=3.0,
        reset=reset,
        w=w,
        norms=norms,
    )
    torch.testing.assert_close(
        cs.correct(y_soft, y, mask, ei, w).double(), zc, atol=1e-5, rtol=1e-5
    )
    torch.testing.assert_close(
        cs(y_soft, y, mask, ei, w).double(), out, atol=1e-5, rtol=1e-5
    )


# ------------------------------------------------------------ equivalence w/ PyG
@pytest.mark.parametrize("autoscale", [True, False])
def test_equals_pyg_without_reset(cs_inputs, autoscale):
    from torch_geometric.nn import CorrectAndSmooth as PygCS

    ei, y, mask, y_soft = cs_inputs
    theirs = PygCS(8, 0.9, 8, 0.8, autoscale=autoscale, scale=2.0)
    ours = CorrectAndSmooth(
        8, 0.9, 8, 0.8, autoscale=autoscale, scale=2.0, reset_labels=False
    )
    z1 = theirs.correct(y_soft, y[mask], mask, ei)
    z2 = ours.correct(y_soft, y[mask], mask, ei)
    torch.testing.assert_close(z2, z1, atol=1e-5, rtol=1e-5)
    o1 = theirs.smooth(z1, y[mask], mask, ei)
    o2 = ours.smooth(z2, y[mask], mask, ei)
    torch.testing.assert_close(o2, o1, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(ours(y_soft, y, mask, ei), o1, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("autoscale", [True, False])
def test_agrees_with_pyg_on_cora(cora, autoscale):
    from torch_geometric.nn import CorrectAndSmooth as PygCS

    m = cora.train_mask
    y_soft = _soft(cora.num_nodes, 7, seed=1)
    theirs = PygCS(20, 0.95, 20, 0.8, autoscale=autoscale, scale=5.0)
    o1 = theirs.smooth(
        theirs.correct(y_soft, cora.y[m], m, cora.edge_index),
        cora.y[m],
        m,
        cora.edge_index,
    )
    ours = CorrectAndSmooth(
        20, 0.95, 20, 0.8, autoscale=autoscale, scale=5.0, reset_labels=False
    )
    o2 = ours(y_soft, cora.y, m, cora.edge_index)
    assert _agree(o1, o2) >= 0.999


# ------------------------------------------------------------------ differences
def test_smooth_reset_keeps_training_labels(cs_inputs):
    from torch_geometric.nn import CorrectAndSmooth as PygCS

    ei, y, mask, y_soft = cs_inputs
    target = F.one_hot(y[mask], 4).float()
    ours = CorrectAndSmooth(5, 0.9, 10, 0.8).smooth(y_soft, y, mask, ei)
    assert torch.equal(ours[mask], target)
    theirs = PygCS(5, 0.9, 10, 0.8).smooth(y_soft, y[mask], mask, ei)
    assert not torch.allclose(theirs[mask], target)


@pytest.mark.parametrize("step", ["correct", "smooth"])
def test_edge_weights_honoured_in_each_step(cs_inputs, step):
    from torch_geometric.nn import CorrectAndSmooth as PygCS
    from torch_geometric.nn.conv.gcn_conv import gcn_norm

    ei, y, mask, y_soft = cs_inputs
    n = y.numel()
    w = torch.rand(ei.size(1), generator=torch.Generator().manual_seed(7)) + 0.05
    ours = CorrectAndSmooth(10, 0.9, 10, 0.8, reset_labels=False)
    fn = getattr(ours, step)
    weighted, plain = fn(y_soft, y, mask, ei, w), fn(y_soft, y, mask, ei)
    assert not torch.allclose(weighted, plain)
    torch.testing.assert_close(fn(y_soft, y, mask, ei, torch.ones_like(w)), plain)
    # PyG equals ours only when fed the normalised weights itself.
    ei_n, w_n = gcn_norm(ei, w, n, add_self_loops=False)
    theirs = getattr(PygCS(10, 0.9, 10, 0.8), step)
    torch.testing.assert_close(
        theirs(y_soft, y[mask], mask, ei_n, w_n), weighted, atol=1e-5, rtol=1e-5
    )
    raw = theirs(y_soft, y[mask], mask, ei, w)
    assert not torch.allclose(raw, weighted)


def test_fixed_scale_keeps_training_residuals(cs_inputs):
    ei, y, mask, y_soft = cs_inputs
    out = CorrectAndSmooth(10, 1.0, 0, 0.5, autoscale=False, scale=1.0).correct(
        y_soft, y, mask, ei
    )
    # With scale 1 the training rows become exactly their labels.
    torch.testing.assert_close(out[mask], F.one_hot(y[mask], 4).float())


def test_scale_multiplies_fixed_correction(cs_inputs):
    ei, y, mask, y_soft = cs_inputs
    c1 = CorrectAndSmooth(5, 0.9, 0, 0.5, autoscale=False, scale=1.0)
    c3 = CorrectAndSmooth(5, 0.9, 0, 0.5, autoscale=False, scale=3.0)
    d1 = c1.correct(y_soft, y, mask, ei) - y_soft
    d3 = c3.correct(y_soft, y, mask, ei) - y_soft
    torch.testing.assert_close(d3, 3 * d1)


# -------------------------------------------------------------- input variants
def test_label_and_mask_formats_agree(cs_inputs):
    ei, y, mask, y_soft = cs_inputs
    cs = CorrectAndSmooth(5, 0.9, 5, 0.8)
    ref = cs(y_soft, y, mask, ei)
    idx = mask.nonzero().view(-1)
    torch.testing.assert_close(cs(y_soft, y[mask], mask, ei), ref)
    torch.testing.assert_close(cs(y_soft, y[idx], idx, ei), ref)
    torch.testing.assert_close(cs(y_soft, F.one_hot(y, 4).float(), mask, ei), ref)
    torch.testing.assert_close(cs(y_soft, F.one_hot(y[mask], 4), mask, ei), ref)
    perm = idx[torch.randperm(idx.numel())]
    torch.testing.assert_close(cs(y_soft, y[perm], perm, ei), ref)
    A = ops.CSR.from_edge_index(ei, y.numel())
    torch.testing.assert_close(cs(y_soft, y, mask, A), ref)
    fn = correct_and_smooth(
        y_soft,
        y,
        mask,
        ei,
        num_correction_layers=5,
        correction_alpha=0.9,
        num_smoothing_layers=5,
        smoothing_alpha=0.8,
    )
    torch.testing.assert_close(fn, ref)


def test_autoscale_with_isolated_and_error_free_nodes():
    ei = torch.tensor([[0, 1], [1, 0]])
    y = torch.tensor([0, 1, 1])
    y_soft = torch.tensor([[1.0, 0.0], [0.5, 0.5], [0.2, 0.8]])
    out = CorrectAndSmooth(5, 0.9, 5, 0.8)(y_soft, y, torch.tensor([0]), ei)
    assert torch.isfinite(out).all()


def test_repr():
    r = repr(CorrectAndSmooth(3, 0.9, 4, 0.8, smoothing_norm="col"))
    assert "num_layers=3" in r and "num_layers=4" in r and "'col'" in r


def test_errors(cs_inputs):
    ei, y, mask, y_soft = cs_inputs
    cs = CorrectAndSmooth(3, 0.9, 3, 0.8)
    with pytest.raises(ValueError, match="y_soft must be float"):
        cs(y_soft.argmax(1), y, mask, ei)
    with pytest.raises(ValueError, match="needs a mask"):
        cs.correct(y_soft, y, None, ei)
    with pytest.raises(ValueError, match="y_true has 7 rows"):
        cs(y_soft, y[:7], mask, ei)
    with pytest.raises(ValueError, match="bool mask of shape"):
        cs(y_soft, y, mask[:10], ei)
    with pytest.raises(ValueError, match="no labelled node"):
        cs(y_soft, y, torch.zeros_like(mask), ei)
    bad = y.clone()
    bad[mask] = 4
    with pytest.raises(ValueError, match="label 4"):
        cs(y_soft, bad, mask, ei)
    with pytest.raises(ValueError, match="correction alpha"):
        CorrectAndSmooth(3, 1.1, 3, 0.8)
    with pytest.raises(ValueError, match="smoothing num_layers"):
        CorrectAndSmooth(3, 0.9, -3, 0.8)


# ------------------------------------------------------------------ accuracy
def test_cs_improves_a_linear_model_on_cora(cora):
    torch.manual_seed(0)
    x, y, m = cora.x, cora.y, cora.train_mask
    lin = torch.nn.Linear(x.size(1), 7)
    opt = torch.optim.Adam(lin.parameters(), lr=0.05, weight_decay=5e-4)
    for _ in range(100):
        opt.zero_grad()
        F.cross_entropy(lin(x[m]), y[m]).backward()
        opt.step()
    with torch.no_grad():
        y_soft = lin(x).softmax(-1)

    def acc(p):
        return float((p.argmax(1) == y)[cora.test_mask].float().mean()) * 100

    out = CorrectAndSmooth(50, 0.9, 50, 0.8)(y_soft, y, m, cora.edge_index)
    assert acc(out) > acc(y_soft) + 10.0
