import pytest
import torch
import torch.nn.functional as F

from graphlabels import ops
from graphlabels.propagation import LabelPropagation, label_propagation

pyg = pytest.importorskip("torch_geometric")


def _agree(a, b):
    return float((a.argmax(1) == b.argmax(1)).float().mean())


# --------------------------------------------------------------------- reference
@pytest.mark.parametrize("norm", ["sym", "row", "col"])
@pytest.mark.parametrize("reset", [True, False])
@pytest.mark.parametrize("clamp", [True, False])
def test_matches_dense_reference(random_graph, dense, norm, reset, clamp):
    ei, y, mask = random_graph
    n = y.numel()
    w = torch.rand(ei.size(1), generator=torch.Generator().manual_seed(3)) + 0.1
    out = label_propagation(
        y,
        ei,
        mask,
        w,
        num_layers=7,
        alpha=0.8,
        norm=norm,
        clamp=clamp,
        reset_labels=reset,
    )
    A = dense.adjacency(ei, n, w, norm)
    y0 = torch.zeros(n, 4, dtype=torch.float64)
    y0[mask] = F.one_hot(y[mask], 4).double()
    idx = mask.nonzero().view(-1)
    ref = dense.propagate(
        A,
        y0,
        7,
        0.8,
        clamp=(0.0, 1.0) if clamp else None,
        reset_idx=idx if reset else None,
        reset=y0[idx],
    )
    torch.testing.assert_close(out.double(), ref, atol=1e-5, rtol=1e-5)


def test_zero_layers_returns_masked_labels(random_graph):
    ei, y, mask = random_graph
    out = label_propagation(y, ei, mask, num_layers=0)
    assert torch.equal(out[mask], F.one_hot(y[mask], 4).float())
    assert torch.equal(out[~mask], torch.zeros(int((~mask).sum()), 4))


# ------------------------------------------------------------ equivalence w/ PyG
def test_equals_pyg_without_reset(random_graph):
    from torch_geometric.nn import LabelPropagation as PygLP

    ei, y, mask = random_graph
    ours = LabelPropagation(20, 0.9, reset_labels=False)(y, ei, mask)
    theirs = PygLP(20, 0.9)(y, ei, mask)
    torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=1e-5)
    assert _agree(ours, theirs) == 1.0


def test_agrees_with_pyg_on_cora(cora):
    from torch_geometric.nn import LabelPropagation as PygLP

    ours = LabelPropagation(50, 0.9, reset_labels=False)(
        cora.y, cora.edge_index, cora.train_mask
    )
    theirs = PygLP(50, 0.9)(cora.y, cora.edge_index, cora.train_mask)
    assert _agree(ours, theirs) >= 0.999


def test_reset_keeps_training_labels_pyg_does_not(star_graph):
    """PyG issue #10627: the labelled leaves must keep their labels."""
    from torch_geometric.nn import LabelPropagation as PygLP

    ei, y, mask = star_graph
    target = F.one_hot(y[mask], 2).float()
    ours = LabelPropagation(10, 0.9)(y, ei, mask)
    assert torch.equal(ours[mask], target)
    theirs = PygLP(10, 0.9)(y, ei, mask)
    assert not torch.allclose(theirs[mask], target)
    # Without the reset ours follows PyG.
    no_reset = LabelPropagation(10, 0.9, reset_labels=False)(y, ei, mask)
    torch.testing.assert_close(no_reset, theirs)


def test_reset_is_an_intended_difference_on_cora(cora):
    from torch_geometric.nn import LabelPropagation as PygLP

    m = cora.train_mask
    ours = LabelPropagation(50, 0.9)(cora.y, cora.edge_index, m)
    theirs = PygLP(50, 0.9)(cora.y, cora.edge_index, m)
    assert torch.equal(ours[m].argmax(1), cora.y[m])
    assert torch.equal(ours[m], F.one_hot(cora.y[m], 7).float())
    assert not torch.equal(theirs[m], F.one_hot(cora.y[m], 7).float())


def test_clamp_off_matches_pyg_identity_post_step(star_graph):
    from torch_geometric.nn import LabelPropagation as PygLP

    ei, y, mask = star_graph
    ours = LabelPropagation(5, 0.9, clamp=False, reset_labels=False)(y, ei, mask)
    theirs = PygLP(5, 0.9)(y, ei, mask, post_step=lambda x: x)
    torch.testing.assert_close(ours, theirs)
    # The hub collects more than 1 unclamped, and clamping changes it.
    assert float(ours.max()) > 1.0
    clamped = LabelPropagation(5, 0.9, reset_labels=False)(y, ei, mask)
    assert float(clamped.max()) <= 1.0
    assert not torch.allclose(clamped, ours)


# ------------------------------------------------------------------ edge weights
def test_edge_weights_are_normalised_unlike_pyg(random_graph):
    from torch_geometric.nn import LabelPropagation as PygLP
    from torch_geometric.nn.conv.gcn_conv import gcn_norm

    ei, y, mask = random_graph
    lp = LabelPropagation(10, 0.9, reset_labels=False)
    ones = torch.ones(ei.size(1))
    torch.testing.assert_close(lp(y, ei, mask, ones), lp(y, ei, mask))
    # PyG uses the given weights unnormalised: all-ones weights blow up to the clamp.
    raw = PygLP(10, 0.9)(y, ei, mask, edge_weight=ones)
    assert not torch.allclose(raw, lp(y, ei, mask))
    # Ours equals PyG fed with the normalised weights.
    w = torch.rand(ei.size(1)) + 0.1
    ei_n, w_n = gcn_norm(ei, w, y.numel(), add_self_loops=False)
    torch.testing.assert_close(
        lp(y, ei, mask, w),
        PygLP(10, 0.9)(y, ei_n, mask, edge_weight=w_n),
        atol=1e-5,
        rtol=1e-5,
    )
    assert not torch.allclose(lp(y, ei, mask, w), lp(y, ei, mask))


def test_negative_edge_weight_is_rejected(random_graph):
    ei, y, mask = random_graph
    w = torch.ones(ei.size(1))
    w[3] = -1.0
    with pytest.raises(ValueError, match="non-negative"):
        label_propagation(y, ei, mask, w)


# -------------------------------------------------------------- input variants
def test_index_mask_one_hot_and_csr_inputs_agree(random_graph):
    ei, y, mask = random_graph
    lp = LabelPropagation(10, 0.8)
    ref = lp(y, ei, mask)
    idx = mask.nonzero().view(-1)
    torch.testing.assert_close(lp(y, ei, idx), ref)
    torch.testing.assert_close(lp(y, ei, idx[torch.randperm(idx.numel())]), ref)
    torch.testing.assert_close(lp(F.one_hot(y, 4).float(), ei, mask), ref)
    A = ops.CSR.from_edge_index(ei, y.numel())
    torch.testing.assert_close(lp(y, A, mask), ref)
    torch.testing.assert_close(lp(y, A, mask), ref)  # cached normalisation


def test_csr_with_weights(random_graph):
    ei, y, mask = random_graph
    w = torch.rand(ei.size(1)) + 0.1
    A = ops.CSR.from_edge_index(ei, y.numel(), w)
    lp = LabelPropagation(10, 0.8)
    torch.testing.assert_close(lp(y, A, mask), lp(y, ei, mask, w))
    with pytest.raises(ValueError, match="with a CSR"):
        lp(y, A, mask, w)


def test_mask_none_uses_labelled_nodes(random_graph):
    ei, y, mask = random_graph
    y_partial = torch.where(mask, y, torch.full_like(y, -1))
    out = LabelPropagation(10, 0.8)(y_partial, ei, num_classes=4)
    torch.testing.assert_close(out, LabelPropagation(10, 0.8)(y, ei, mask))


def test_soft_labels_keep_dtype(random_graph):
    ei, y, mask = random_graph
    y64 = F.one_hot(y, 4).double()
    out = label_propagation(y64, ei, mask, num_layers=3)
    assert out.dtype == torch.float64
    assert out.shape == (y.numel(), 4)


def test_isolated_nodes_get_zero_rows():
    ei = torch.tensor([[0, 1], [1, 0]])
    y = torch.tensor([1, -1, -1])
    out = label_propagation(y, ei, torch.tensor([0]), num_layers=5, num_classes=2)
    assert torch.isfinite(out).all()
    assert torch.equal(out[2], torch.zeros(2))
    assert int(out[1].argmax()) == 1


def test_repr():
    r = repr(LabelPropagation(3, 0.5, norm="row"))
    assert "num_layers=3" in r and "alpha=0.5" in r and "'row'" in r


# -------------------------------------------------------------------- errors
def test_errors(random_graph):
    ei, y, mask = random_graph
    lp = LabelPropagation(3, 0.5)
    with pytest.raises(ValueError, match="bool mask of shape"):
        lp(y, ei, mask[:-1])
    with pytest.raises(ValueError, match="outside"):
        lp(y, ei, torch.tensor([0, 300]))
    with pytest.raises(ValueError, match="no labelled node"):
        lp(y, ei, torch.zeros(300, dtype=torch.bool))
    with pytest.raises(ValueError, match="no labelled node"):
        lp(y, ei, torch.tensor([], dtype=torch.long))
    with pytest.raises(ValueError, match="label 3 .* outside \\[0, 3\\)"):
        lp(y, ei, mask, num_classes=3)
    bad = y.clone()
    bad[mask.nonzero()[0]] = -1
    with pytest.raises(ValueError, match="label -1"):
        lp(bad, ei, mask)
    with pytest.raises(TypeError, match="bool mask or a 1-D"):
        lp(y, ei, mask.float())
    with pytest.raises(TypeError, match="integer class ids"):
        lp(y.float(), ei, mask)
    with pytest.raises(ValueError, match="shape \\[2, E\\]"):
        lp(y, ei.t(), mask)
    with pytest.raises(ValueError, match=">= num_nodes"):
        lp(y[:100], ei, torch.arange(10))
    with pytest.raises(ValueError, match="one weight per column"):
        lp(y, ei, mask, torch.ones(3))
    with pytest.raises(ValueError, match="norm must be"):
        LabelPropagation(3, 0.5, norm="rw")
    with pytest.raises(ValueError, match="alpha must be"):
        LabelPropagation(3, 1.5)
    with pytest.raises(ValueError, match="num_layers"):
        LabelPropagation(-1, 0.5)


# ------------------------------------------------------------------ accuracy
def test_cora_public_split_accuracy(cora):
    """DGL's configuration (self-loops, alpha 0.5, 10 steps) reaches the GCN paper's
    LP figure (68.0) on the public split."""
    A = ops.add_self_loops(cora.csr())
    out = LabelPropagation(10, 0.5, reset_labels=False)(cora.y, A, cora.train_mask)
    acc = float((out.argmax(1) == cora.y)[cora.test_mask].float().mean()) * 100
    assert acc >= 68.0
