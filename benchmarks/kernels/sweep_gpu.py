"""Sweep launch configurations of the Triton kernels on the products-size graph.

Usage (on the GPU machine; 96 s on an H100)::

    python benchmarks/kernels/sweep_gpu.py --json $OUT/kernels_gpu_sweep.json

It times every configuration of the row SpMM kernel (F = 32 and 128, with and
without edge weights) and of the three all-heads GAT kernels (8 heads x 16),
next to ``torch.sparse.mm`` in the same run, checks each result against a
reference once, and writes one record per configuration. The fastest ones are
what ``graphlabels/ops/_triton`` autotunes over. ``--tiny`` runs the same code
on a tiny graph in the Triton interpreter (``TRITON_INTERPRET=1``, CPU).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
import warnings

import torch
from _common import graph, median_ms

from graphlabels.ops import CSR, _reference, add_self_loops

warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")


def bench(fn, cuda: bool) -> float:
    """Median milliseconds of ``fn`` (40 ms of calls on CUDA)."""
    return median_ms(fn, cuda, rep=40)


class Sweep:
    """Records and a deadline shared by every sweep."""

    def __init__(self, path: str | None, budget: float, cuda: bool) -> None:
        self.path, self.cuda, self.out = path, cuda, []
        self.deadline = time.perf_counter() + budget

    def section(self, seconds: float) -> None:
        """Give the next sweep ``seconds`` of wall time."""
        self.deadline = time.perf_counter() + seconds

    def late(self) -> bool:
        """Whether the current sweep has used its time."""
        return time.perf_counter() > self.deadline

    def add(self, **rec) -> None:
        """Keep and print one record."""
        self.out.append(rec)
        print(json.dumps(rec), flush=True)

    def save(self) -> None:
        """Write the records so far."""
        if self.path:
            with open(self.path, "w") as f:
                json.dump(self.out, f, indent=1)


def sweep_spmm(S: Sweep, A: CSR, feats, weighted: bool, grid_cfg) -> None:
    from graphlabels.ops._triton.spmm import _spmm_row_kernel

    rowptr, col = A.indices32()
    n = A.num_rows
    w = torch.rand(A.nnz, device=A.device) if weighted else None
    T = torch.sparse_csr_tensor(
        A.rowptr, A.col, w if weighted else torch.ones(A.nnz, device=A.device), A.shape
    )
    for F in feats:
        X = torch.randn(n, F, device=A.device)
        ref = torch.sparse.mm(T, X)
        base = bench(lambda X=X: torch.sparse.mm(T, X), S.cuda)
        S.add(op="spmm", F=F, weighted=weighted, impl="torch.sparse.mm", ms=base)
        out = torch.empty_like(X)
        for be, bf, warps, stages, idx64 in grid_cfg(F):
            if S.late():
                return
            if bf > 2 * F:
                continue

            def run(
                be=be, bf=bf, warps=warps, stages=stages, idx64=idx64, X=X, F=F, out=out
            ):
                _spmm_row_kernel[(n, -(-F // bf))](
                    rowptr, col, w if weighted else X, X, out, F,
                    HAS_W=weighted, IDX64=idx64, BLOCK_E=be, BLOCK_F=bf,
                    num_warps=warps, num_stages=stages,
                )  # fmt: skip

            try:
                run()
                err = (out - ref).abs().max().item()
                ms = bench(run, S.cuda)
            except Exception as exc:  # a configuration the compiler refuses
                S.add(
                    op="spmm",
                    F=F,
                    cfg=[be, bf, warps, stages, idx64],
                    error=str(exc)[:200],
                )
                continue
            S.add(
                op="spmm", F=F, weighted=weighted, impl="row",
                cfg=[be, bf, warps, stages, idx64], ms=ms, speedup=base / ms,
                max_err=err,
            )  # fmt: skip
        S.save()


def sweep_gat(S: Sweep, A: CSR, cfgs) -> None:
    from graphlabels.ops._triton import gat as G

    B = add_self_loops(A)
    n, H, C = B.num_rows, 8, 16
    dev = A.device
    x = torch.randn(n, H, C, device=dev)
    a_s, a_d = torch.randn(n, H, device=dev), torch.randn(n, H, device=dev)
    rowptr, col = B.indices32()
    trowptr, tcol = B.t().indices32()
    out = torch.empty_like(x)
    lse = torch.empty(n, H, device=dev)
    dout = torch.randn_like(x)
    d_adst = torch.zeros(n, H, device=dev)
    dx = torch.zeros_like(x)
    d_asrc = torch.zeros(n, H, device=dev)
    meta = {"BLOCK_H": 8, "BLOCK_C": 16}
    args = {
        "fwd": (rowptr, col, x, a_s, a_d, out, lse, H, C, 0.2),
        "bwd_dst": None,
        "bwd_src": None,
        "bwd_src_dz": None,
    }
    kern = {
        "fwd": G._gat_fwd_heads_kernel,
        "bwd_dst": G._gat_bwd_dst_heads_kernel,
        "bwd_src": G._gat_bwd_src_heads_kernel,
        "bwd_src_dz": G._gat_bwd_src_heads_kernel,
    }
    extra = {
        "bwd_src": {"STORE_DZ": False, "DZ_SCATTER": False},
        "bwd_src_dz": {"STORE_DZ": True, "DZ_SCATTER": False},
    }
    G._gat_fwd_heads_kernel[(n,)](*args["fwd"], BLOCK_E=16, **meta)
    if not S.cuda:  # check the fused forward once against the reference
        ref = _reference.gat_aggregate(B, x, a_s, a_d, 0.2)
        S.add(op="gat_check", max_err=(out - ref).abs().max().item())
    dot = (dout * out).sum(-1).contiguous()
    args["bwd_dst"] = (rowptr, col, x, a_s, a_d, lse, dout, dot, d_adst, H, C, 0.2)
    tperm = B.transpose_perm32()
    dz = torch.empty(B.nnz, H, device=dev)
    args["bwd_src"] = args["bwd_src_dz"] = (
        trowptr, tcol, x, a_s, a_d, lse, dout, dot, dx, d_asrc, tperm, dz, H, C, 0.2,
    )  # fmt: skip
    for name in ("fwd", "bwd_dst", "bwd_src", "bwd_src_dz"):
        for be, warps, stages in cfgs:
            if S.late():
                return

            def run(name=name, be=be, warps=warps, stages=stages):
                kern[name][(n,)](
                    *args[name],
                    BLOCK_E=be,
                    num_warps=warps,
                    num_stages=stages,
                    **meta,
                    **extra.get(name, {}),
                )

            try:
                ms = bench(run, S.cuda)
            except Exception as exc:
                S.add(op=f"gat_{name}", cfg=[be, warps, stages], error=str(exc)[:200])
                continue
            S.add(op=f"gat_{name}", cfg=[be, warps, stages], ms=ms)
        S.save()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--json", default=None)
    p.add_argument("--tiny", action="store_true", help="interpreter, tiny graph")
    args = p.parse_args()
    cuda = not args.tiny
    dev = torch.device("cuda" if cuda else "cpu")
    S = Sweep(args.json, 600.0, cuda)
    ei, n = graph("products") if cuda else graph("pl60_400")
    A = CSR.from_edge_index(ei.to(dev), n)
    del ei
    print(f"graph n={n} nnz={A.nnz}", flush=True)

    def spmm_cfgs(F):
        if not cuda:
            return [(8, 16, 4, 1, False), (8, 16, 4, 1, True)]
        bes, bfs = (
            ((8, 16, 32, 64, 128), (32,)) if F <= 32 else ((8, 16, 32, 64), (64, 128))
        )
        warps = (1, 2, 4, 8) if F <= 32 else (2, 4, 8)
        cfgs = list(itertools.product(bes, bfs, warps, (1, 3), (False,)))
        return cfgs + [(32, 32 if F <= 32 else 128, 4, 3, True)]

    for F, weighted, seconds in ((32, False, 45), (128, False, 45), (128, True, 25)):
        S.section(seconds if cuda else 600)
        sweep_spmm(S, A, (F,), weighted, spmm_cfgs)
    gcfg = (
        list(itertools.product((8, 16, 32), (2, 4, 8), (1, 3))) if cuda else [(8, 4, 1)]
    )
    S.section(70 if cuda else 600)
    sweep_gat(S, A, gcfg)
    S.save()
    best: dict = {}
    for r in S.out:
        if "ms" in r and "cfg" in r:
            k = (r["op"], r.get("F"), r.get("weighted"))
            if k not in best or r["ms"] < best[k]["ms"]:
                best[k] = r
    for k, r in best.items():
        print("best", k, r["cfg"], f"{r['ms']:.3f} ms", f"x{r.get('speedup', 0):.3f}")


if __name__ == "__main__":
    main()
