"""SpMM benchmark: graphlabels vs torch.sparse.mm (CSR) and gather + index_add_.

Usage::

    python benchmarks/kernels/bench_spmm.py --device cpu --json out.json [--quick]

Every ratio compares implementations timed in the same run, interleaved, on the
same inputs (best of ``--reps``).
"""

from __future__ import annotations

import warnings

import torch
from _common import bench_args, compare, graph, record, save

from graphlabels.ops import CSR, gcn_norm, spmm
from graphlabels.ops.reorder import reorder

warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")
warnings.filterwarnings("ignore", message="Sparse invariant checks")


def torch_csr(A: CSR, value: torch.Tensor | None = None) -> torch.Tensor:
    """The CSR tensor a torch user would build (int64 indices)."""
    if value is None:
        value = torch.ones(A.nnz, device=A.device)
    return torch.sparse_csr_tensor(A.rowptr, A.col, value, A.shape)


def gather_index_add(A: CSR, X: torch.Tensor, w=None) -> torch.Tensor:
    """What PyG does without its compiled extensions."""
    msg = X.index_select(0, A.col)
    if w is not None:
        msg = msg * w.unsqueeze(-1)
    out = torch.zeros(A.num_rows, X.size(1), device=X.device, dtype=X.dtype)
    return out.index_add_(0, A.row(), msg)


def gather_scatter_reduce(A: CSR, X: torch.Tensor, reduce: str) -> torch.Tensor:
    msg = X.index_select(0, A.col)
    idx = A.row().unsqueeze(-1).expand_as(msg)
    red = {"mean": "mean", "max": "amax"}[reduce]
    out = torch.zeros(A.num_rows, X.size(1), device=X.device, dtype=X.dtype)
    return out.scatter_reduce_(0, idx, msg, red, include_self=False)


def emit(out, res, op, ours, baselines, **kw) -> None:
    """One record per baseline for the implementation ``ours``."""
    ms, peak, why = res[ours]
    for b in baselines:
        bms, _, bwhy = res[b]
        record(
            out, op=op, impl=ours, baseline=b, ms=ms, baseline_ms=bms,
            peak_mem_gb=peak, note=why or bwhy, **kw,
        )  # fmt: skip


def bench_graph(out, gname, dev, feats, reps) -> None:
    cuda = dev.type == "cuda"
    ei, n = graph(gname)
    A = CSR.from_edge_index(ei.to(dev), n)
    del ei
    A.row()
    T = torch_csr(A)
    print(f"== {gname}: n={n} m={A.nnz}", flush=True)
    kw = dict(graph=gname, n=n, m=A.nnz, device=dev)
    slow = max(2, reps // 2)  # the gather baselines are slow on CPU
    for F in feats:
        dtypes = [torch.float32] + ([torch.bfloat16] if cuda and F == 128 else [])
        for dt in dtypes:
            X = torch.randn(n, F, device=dev).to(dt)
            Tt = T if dt == torch.float32 else torch_csr(A, T.values().to(dt))
            fns = {
                "graphlabels": lambda X=X: spmm(A, X),
                "torch.sparse.mm(CSR)": lambda X=X, Tt=Tt: torch.sparse.mm(Tt, X),
            }
            if cuda:
                from graphlabels.ops._triton.spmm import spmm_sum

                fns["triton-row"] = lambda X=X: spmm_sum(A, X, None, "row")
                fns["triton-nnz"] = lambda X=X: spmm_sum(A, X, None, "nnz")
            else:
                fns["torch.sparse.mm(CSR,sum)"] = lambda X=X: torch.sparse.mm(
                    T, X, "sum"
                )
            res = compare(fns, dev, reps)
            res.update(
                compare(
                    {"gather+index_add_": lambda X=X: gather_index_add(A, X)}, dev, slow
                )
            )
            bases = [
                k for k in res if k not in ("graphlabels", "triton-row", "triton-nnz")
            ]
            emit(out, res, "spmm_sum", "graphlabels", bases, F=F, dtype=dt, **kw)
            for k in ("triton-row", "triton-nnz"):
                if k in res:
                    emit(
                        out,
                        res,
                        "spmm_sum",
                        k,
                        ["torch.sparse.mm(CSR)"],
                        F=F,
                        dtype=dt,
                        **kw,
                    )
    # forward + backward w.r.t. X at the widest F
    F = feats[-1]
    Xg = torch.randn(n, F, device=dev, requires_grad=True)
    G = torch.randn(n, F, device=dev)
    res = compare({"graphlabels": lambda: spmm(A, Xg).backward(G)}, dev, reps)
    res.update(
        compare(
            {"gather+index_add_": lambda: gather_index_add(A, Xg).backward(G)},
            dev,
            slow,
        )
    )
    emit(
        out,
        res,
        "spmm_sum_fwd_bwd",
        "graphlabels",
        ["gather+index_add_"],
        F=F,
        dtype=torch.float32,
        **kw,
    )
    # mean / max
    X = torch.randn(n, 64, device=dev)
    for red in ("mean", "max"):
        res = compare({"graphlabels": lambda r=red: spmm(A, X, r)}, dev, reps)
        res.update(
            compare(
                {"gather+scatter_reduce": lambda r=red: gather_scatter_reduce(A, X, r)},
                dev,
                slow,
            )
        )
        emit(
            out,
            res,
            f"spmm_{red}",
            "graphlabels",
            ["gather+scatter_reduce"],
            F=64,
            dtype=torch.float32,
            **kw,
        )
    # label-propagation width: normalised weights, F = 47 (ogbn-products classes)
    An = gcn_norm(A)
    Tn = torch_csr(An, An.value)
    Y = torch.randn(n, 47, device=dev)
    res = compare(
        {
            "graphlabels": lambda: spmm(An, Y),
            "torch.sparse.mm(CSR)": lambda: torch.sparse.mm(Tn, Y),
        },
        dev,
        reps,
    )
    res.update(
        compare(
            {"gather+index_add_": lambda: gather_index_add(An, Y, An.value)}, dev, slow
        )
    )
    emit(
        out, res, "spmm_sum_weighted", "graphlabels",
        ["torch.sparse.mm(CSR)", "gather+index_add_"], F=47, dtype=torch.float32,
        graph=gname, n=n, m=An.nnz, device=dev,
    )  # fmt: skip
    # locality: the same product after reordering the nodes
    for method in ("rcm", "degree"):
        if cuda and method == "rcm" and n > 1_000_000:
            continue  # scipy's RCM runs on the host: too slow for the GPU run
        bench_reordered(out, A, X, method, dev, reps, **kw)
    if cuda:
        torch.cuda.empty_cache()


def bench_reorder(out, gname, dev, reps) -> None:
    """Only the locality experiment (for graphs built to have hidden locality)."""
    ei, n = graph(gname)
    A = CSR.from_edge_index(ei.to(dev), n)
    print(f"== {gname}: n={n} m={A.nnz}", flush=True)
    X = torch.randn(n, 64, device=dev)
    for method in ("rcm", "degree"):
        bench_reordered(
            out, A, X, method, dev, reps, graph=gname, n=n, m=A.nnz, device=dev
        )


def bench_reordered(out, A, X, method, dev, reps, **kw) -> None:
    """``spmm(A, X)`` against the product with the nodes reordered by ``method``."""
    B, perm = reorder(A, method)
    Xp = X[perm].contiguous()
    res = compare(
        {
            f"graphlabels+{method}": lambda: spmm(B, Xp),
            "graphlabels (given order)": lambda: spmm(A, X),
        },
        dev,
        reps,
    )
    emit(
        out, res, "spmm_sum_reordered", f"graphlabels+{method}",
        ["graphlabels (given order)"], F=64, dtype=torch.float32, **kw,
    )  # fmt: skip


def main() -> None:
    args = bench_args(__doc__, reps=7)
    dev = torch.device(args.device)
    if dev.type == "cuda":
        # the GPU goals are on the products-size graph; keep the run short
        # first, so that a timeout keeps them; the smaller graphs cost seconds
        graphs = ["arxiv"] if args.quick else ["products", "arxiv", "cora"]
        feats = [32, 128]
    else:
        graphs = (
            ["cora", "pl20000_200000"] if args.quick else ["cora", "arxiv", "cpu2m"]
        )
        feats = [32, 128] if args.quick else [32, 64, 128]
    reps = 3 if args.quick else args.reps
    out: list = []
    if dev.type == "cpu" and args.graphs is None:
        graphs.append("grid448")  # hidden locality: what reordering can recover
    for gname in args.graphs or graphs:
        if gname.startswith("grid"):
            bench_reorder(out, gname, dev, reps)
        else:
            bench_graph(out, gname, dev, feats, reps)
        for r in out:
            r["threads"] = torch.get_num_threads() if dev.type == "cpu" else None
        save(out, args.json)  # after every graph, so a timeout keeps the rest


if __name__ == "__main__":
    main()
