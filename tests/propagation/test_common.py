import pytest
import torch

from graphlabels import ops
from graphlabels.propagation._common import (
    mask_to_index,
    normalized,
    one_hot_labels,
    propagate,
    restrict_rows,
)


def test_restrict_rows_zeroes_dropped_rows(random_graph):
    ei, y, _ = random_graph
    n = y.numel()
    A = ops.CSR.from_edge_index(ei, n)
    vals = normalized(A, "sym", torch.float32)
    drop = torch.rand(n) < 0.4
    B, bvals = restrict_rows(A, vals, drop)
    assert B.nnz == int((~drop[A.row()]).sum())
    X = torch.randn(n, 5)
    full = ops.spmm(A, X, edge_weight=vals)
    part = ops.spmm(B, X, edge_weight=bvals)
    torch.testing.assert_close(part[~drop], full[~drop])
    assert torch.equal(part[drop], torch.zeros(int(drop.sum()), 5))


@pytest.mark.parametrize("norm", ["sym", "row", "col"])
def test_normalized_matches_dense(random_graph, dense, norm):
    ei, y, _ = random_graph
    n = y.numel()
    w = torch.rand(ei.size(1)) + 0.5
    A = ops.CSR.from_edge_index(ei, n, w)
    vals = normalized(A, norm, torch.float64)
    got = A.with_value(vals).to_dense(torch.float64)
    torch.testing.assert_close(got, dense.adjacency(ei, n, w, norm))
    assert normalized(A, norm, torch.float64) is vals  # cached on the CSR


def test_normalized_rejects_non_square_and_multi_column_weights():
    ei = torch.tensor([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="square CSR"):
        normalized(ops.CSR.from_edge_index(ei, (3, 2)), "sym", torch.float32)
    A = ops.CSR.from_edge_index(ei, 2, torch.ones(2, 3))
    with pytest.raises(ValueError, match="one weight per edge"):
        normalized(A, "sym", torch.float32)


def test_mask_to_index_variants():
    m = torch.tensor([False, True, True, False])
    assert mask_to_index(m, 4).tolist() == [1, 2]
    assert mask_to_index(torch.tensor([3, 0]), 4).tolist() == [3, 0]
    assert mask_to_index(None, 3).tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="outside"):
        mask_to_index(torch.tensor([-1]), 4)


def test_one_hot_labels_column_vector_and_width():
    y = torch.tensor([[2], [0], [1]])
    out = one_hot_labels(y, torch.tensor([0, 2]), None, torch.float32)
    assert out.tolist() == [[0, 0, 1], [0, 1, 0]]
    with pytest.raises(ValueError, match="num_classes is 5"):
        one_hot_labels(torch.eye(3), torch.tensor([0]), 5, torch.float32)


@pytest.mark.parametrize(
    "post_step",
    [
        lambda x: x.mul_(0.5),  # in place: returns one of the two step buffers
        lambda x: x * 0.5,  # a new tensor
        lambda x: (x.t() * 0.5).t(),  # a non-contiguous result
    ],
    ids=["in-place", "new", "transposed"],
)
def test_propagate_any_post_step_result_and_input_kept(random_graph, dense, post_step):
    ei, y, mask = random_graph
    n = y.numel()
    A = ops.CSR.from_edge_index(ei, n)
    vals = normalized(A, "sym", torch.float32)
    y0 = torch.rand(n, 3)
    before = y0.clone()
    with torch.no_grad():
        out = propagate(
            A,
            vals,
            y0,
            mask.nonzero().view(-1),
            num_layers=6,
            alpha=0.7,
            clamp=None,
            reset=None,
            res_zero_outside=False,
            post_step=post_step,
        )
    ref = y0.double()
    Ad = dense.adjacency(ei, n, None, "sym")
    for _ in range(6):
        ref = (0.7 * Ad @ ref + 0.3 * y0.double()) * 0.5
    torch.testing.assert_close(out.double(), ref, atol=1e-5, rtol=1e-5)
    assert torch.equal(y0, before)  # the input is never a step buffer


@pytest.mark.gpu
@pytest.mark.parametrize("backend", ["cpu", "triton"])
def test_lp_and_cs_on_cuda_match_cpu(random_graph, backend):
    from graphlabels.propagation import correct_and_smooth, label_propagation

    ei, y, mask = random_graph
    w = torch.rand(ei.size(1))
    soft = torch.softmax(torch.randn(y.numel(), 4), 1)
    lp = label_propagation(y, ei, mask, w, num_layers=20)
    cs = correct_and_smooth(soft, y, mask, ei, w, num_smoothing_layers=20)
    with ops.use_backend(backend):
        lp_gpu = label_propagation(
            y.cuda(), ei.cuda(), mask.cuda(), w.cuda(), num_layers=20
        )
        cs_gpu = correct_and_smooth(
            soft.cuda(),
            y.cuda(),
            mask.cuda(),
            ei.cuda(),
            w.cuda(),
            num_smoothing_layers=20,
        )
    assert lp_gpu.device.type == "cuda" and cs_gpu.device.type == "cuda"
    torch.testing.assert_close(lp_gpu.cpu(), lp, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(cs_gpu.cpu(), cs, atol=1e-5, rtol=1e-5)
