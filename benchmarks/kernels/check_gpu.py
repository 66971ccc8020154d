"""Correctness check of the Triton kernels on CUDA without pytest.

``run_gpu.sh`` falls back to this when pytest is not installed. It compares every
Triton kernel (values and gradients) with the pure-torch reference on a small
power-law graph and exits non-zero on a mismatch.
"""

from __future__ import annotations

import sys

import torch
from _common import ROOT  # noqa: F401  (puts the repository on sys.path)

from graphlabels.data.synthetic import power_law_graph
from graphlabels.ops import (
    CSR,
    _reference,
    add_self_loops,
    gat_aggregate,
    sddmm,
    spmm,
    use_backend,
)


def close(name: str, a: torch.Tensor, b: torch.Tensor, tol: float) -> bool:
    err = (a.float() - b.float()).abs().max().item() if a.numel() else 0.0
    scale = max(1.0, b.float().abs().max().item() if b.numel() else 1.0)
    ok = err <= tol * scale
    print(f"{'ok  ' if ok else 'FAIL'} {name}: max abs err {err:.2e}")
    return ok


def main(argv: list[str]) -> int:
    # ``check_gpu.py cpu`` runs the same checks on a tiny graph in the Triton
    # interpreter (set TRITON_INTERPRET=1); the default is CUDA
    dev = torch.device(argv[0] if argv else "cuda")
    if dev.type == "cuda" and not torch.cuda.is_available():
        print("no CUDA device")
        return 1
    torch.manual_seed(0)
    n, m = (5000, 60_000) if dev.type == "cuda" else (40, 300)
    A = CSR.from_edge_index(power_law_graph(n, m, exponent=0.8).to(dev), n)
    ok = True
    for reduce in ("sum", "mean", "max"):
        for F in (32, 47):
            X = torch.randn(n, F, device=dev, requires_grad=True)
            w = torch.rand(A.nnz, device=dev, requires_grad=True)
            with use_backend("triton"):
                out = spmm(A, X, reduce, w)
            ref = _reference.spmm(A, X, reduce, w)
            G = torch.randn_like(ref)
            g1 = torch.autograd.grad(out, (X, w), G)
            g2 = torch.autograd.grad(ref, (X, w), G)
            ok &= close(f"spmm {reduce} F={F}", out, ref, 1e-4)
            ok &= close(f"spmm {reduce} F={F} dX", g1[0], g2[0], 1e-4)
            ok &= close(f"spmm {reduce} F={F} dw", g1[1], g2[1], 1e-4)
    for dt in (torch.bfloat16, torch.float16):
        X = torch.randn(n, 40, device=dev).to(dt)
        with use_backend("triton"):
            out = spmm(A, X)
        ok &= close(f"spmm sum {dt}", out, _reference.spmm(A, X.float()), 2e-2)
    Q = torch.randn(n, 4, 16, device=dev, requires_grad=True)
    K = torch.randn(n, 4, 16, device=dev, requires_grad=True)
    with use_backend("triton"):
        s = sddmm(A, Q, K)
    ok &= close("sddmm", s, _reference.sddmm(A, Q, K), 1e-4)
    B = add_self_loops(A)
    x = torch.randn(n, 8, 16, device=dev, requires_grad=True)
    a_s = torch.randn(n, 8, device=dev, requires_grad=True)
    a_d = torch.randn(n, 8, device=dev, requires_grad=True)
    from graphlabels.ops._triton.gat import gat_aggregate as fused

    ref = _reference.gat_aggregate(B, x, a_s, a_d)
    G = torch.randn_like(ref)
    g2 = torch.autograd.grad(ref, (x, a_s, a_d), G)
    for variant in ("public", "heads", "per_head"):
        if variant == "public":
            with use_backend("triton"):
                out = gat_aggregate(B, x, a_s, a_d)
        else:
            out = fused(B, x, a_s, a_d, 0.2, variant)
        g1 = torch.autograd.grad(out, (x, a_s, a_d), G)
        ok &= close(f"gat {variant}", out, ref, 1e-4)
        for name, a, b in zip(("dx", "da_src", "da_dst"), g1, g2, strict=True):
            ok &= close(f"gat {variant} {name}", a, b, 1e-4)
    print("all ok" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
