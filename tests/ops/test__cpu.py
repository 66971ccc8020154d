import torch

from graphlabels.ops import CSR, _cpu


def test_spmm_max_returns_first_argmax_and_nnz_for_empty_rows():
    A = CSR.from_edge_index(torch.tensor([[1, 2, 1], [0, 0, 2]]), 4)
    X = torch.tensor([[0.0, 5.0], [3.0, 1.0], [3.0, 2.0], [9.0, 9.0]])
    out, arg = _cpu.spmm_max(A, X)
    assert out.tolist() == [[3.0, 2.0], [0.0, 0.0], [3.0, 1.0], [0.0, 0.0]]
    assert arg.tolist() == [[0, 1], [3, 3], [2, 2], [3, 3]]


def test_low_precision_accumulates_in_fp32():
    n = 4096
    A = CSR.from_edge_index(torch.stack([torch.arange(n), torch.zeros(n).long()]), n)
    X = torch.full((n, 1), 1.0, dtype=torch.bfloat16)
    # a bf16 accumulator would stall at 256; fp32 accumulation gives 4096 exactly
    assert _cpu.spmm_sum(A, X).float()[0].item() == 4096.0


def test_sddmm_chunks_give_the_same_result(monkeypatch):
    ei = torch.randint(0, 50, (2, 3000))
    A = CSR.from_edge_index(ei, 50)
    Q, K = torch.randn(50, 2, 8), torch.randn(50, 2, 8)
    full = _cpu.sddmm(A, Q, K)
    monkeypatch.setattr(_cpu, "CHUNK_BYTES", 1)  # chunks of 1024 edges
    torch.testing.assert_close(_cpu.sddmm(A, Q, K), full)
    torch.testing.assert_close(full, (Q[A.row()] * K[A.col]).sum(-1))


def test_segment_softmax_backward_formula():
    A = CSR.from_edge_index(torch.tensor([[0, 1, 2], [1, 1, 0]]), 3)
    s = torch.randn(3, dtype=torch.float64, requires_grad=True)
    p = _cpu.segment_softmax_forward(A, s.detach())
    g = torch.randn(3, dtype=torch.float64)
    ref = torch.autograd.grad(
        torch.cat([torch.softmax(s[:1], 0), torch.softmax(s[1:], 0)]), s, g
    )[0]
    torch.testing.assert_close(_cpu.segment_softmax_backward(A, p, g), ref)


def test_torch_csr_is_cached_for_structure_and_own_values():
    A = CSR.from_edge_index(torch.tensor([[0, 1], [1, 0]]), 2)
    assert _cpu._torch_csr(A, None, torch.float32) is _cpu._torch_csr(
        A, None, torch.float32
    )
    B = A.with_value(torch.tensor([2.0, 3.0]))
    assert _cpu._torch_csr(B, B.value, torch.float32) is _cpu._torch_csr(
        B, B.value, torch.float32
    )
    other = torch.tensor([5.0, 6.0])
    assert _cpu._torch_csr(B, other, torch.float32).values().tolist() == [5.0, 6.0]


def test_max_without_argmax_and_both_sum_paths():
    A = CSR.from_edge_index(torch.randint(0, 30, (2, 200)), 30)
    X = torch.randn(30, 32)
    out, arg = _cpu.spmm_max(A, X, None, need_arg=False)
    assert arg.numel() == 0
    torch.testing.assert_close(out, _cpu.spmm_max(A, X)[0])
    dense = A.to_dense()
    for F in (16, 17):  # torch's reduce kernel and its MKL path
        torch.testing.assert_close(_cpu.spmm_sum(A, X[:, :F]), dense @ X[:, :F])
