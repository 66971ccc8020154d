"""CPU kernels against the compiled peers: DGL, PyG (torch-sparse) and torch CSR.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/kernels/bench_cpu_peers.py \
        --json benchmarks/results/kernels_cpu_peers.json
    python benchmarks/kernels/bench_cpu_peers.py --quick --json /tmp/peers.json
    python benchmarks/kernels/bench_cpu_peers.py \
        --table benchmarks/results/kernels_cpu_peers.json   # print the ratios

For every thread count (``--threads``, default 1 and 2) a fresh subprocess runs
with ``OMP_NUM_THREADS``/``MKL_NUM_THREADS``/``NUMBA_NUM_THREADS`` set, so that
torch, DGL and numba all use that many threads. Inside it, implementations of
one measurement alternate (ours, DGL, torch, ours, ...) and each keeps its best
of ``--reps`` runs: load from other processes hits all of them alike. The load
average is recorded before and after each subprocess.

Measurements (graphs ``cpu2m``: power-law 200k nodes / 2M edges, and ``arxiv``:
power-law 169,343 nodes / 1,166,243 edges, the size of ogbn-arxiv):

* ``gather``: the physical limit. A kernel that only gathers the source rows of
  every entry in CSR order (``X[col[e]]`` summed into one row per thread, no
  per-row work), at each width; also with uniformly random indices (``F=64``:
  random 256-byte rows). Every SpMM record gives ``frac_of_gather`` =
  gather time / SpMM time (1.0 = at the bound), with the SpMM writing into a
  preallocated ``out=`` buffer (``graphlabels(out=)``; ``max`` allocates): a
  fresh ``[N, F]`` output costs page faults that the gather does not pay.
* ``spmm_{sum,mean,max}`` at ``F`` = 32, 64, 128, unweighted (inference):
  ``graphlabels`` (``cpu-compiled``) vs DGL ``update_all(copy_u, sum|mean|max)``,
  torch CSR (the ``cpu`` backend) and PyG ``torch_sparse.matmul`` when
  torch-sparse is installed.
* ``gat_layer_fwd_bwd``: GATConv 128 -> 8 heads x 16, forward and backward, vs
  DGL ``GATConv`` and PyG ``GATConv`` (self loops added once beforehand, all
  layers told not to add them).
* ``gcn_epoch`` / ``sage_epoch``: a 2-layer 128 -> 256 -> 40 model (ReLU,
  dropout 0.5, Adam), one full-graph training step, vs DGL ``GraphConv``
  (``norm="both"``) / ``SAGEConv("mean")`` (arxiv size only); both sides use
  ``F.dropout``. ``gcn_epoch_model`` / ``sage_epoch_model``: the same step with
  graphlabels' own ``GCN`` / ``SAGE`` of that shape (its fused ReLU-dropout, GCN's
  cached normalisation) against the same DGL model: what each library's user runs.
* ``label_propagation``: 50 steps, alpha 0.9, symmetric normalisation, 40
  classes, half the nodes labelled, vs DGL ``nn.LabelPropagation`` (arxiv).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from _common import graph, train_epoch

from graphlabels.ops import CSR, add_self_loops, spmm, use_backend

warnings.filterwarnings("ignore")

FEATS = (32, 64, 128)


def compare(fns: dict, reps: int) -> dict:
    """Round-robin timing; ``name -> (wall ms, cpu ms, error)``, best of ``reps``.

    CPU time (``time.process_time``: all threads of this process) does not count
    the time the process waits while other processes run, so on a loaded
    machine it is the steadier number for one thread; with several threads the
    wall time is the one that matters.
    """
    res, live = {}, {}
    for name, fn in fns.items():
        try:
            fn()  # warm-up: compilation, caches, lazy formats
            live[name] = fn
        except Exception as exc:  # a peer that does not support this input
            res[name] = (None, None, f"{type(exc).__name__}: {exc}"[:200])
    wall = {k: [] for k in live}
    cpu = {k: [] for k in live}
    for _ in range(reps):
        for name, fn in live.items():
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            wall[name].append((time.perf_counter() - t0) * 1e3)
            cpu[name].append((time.process_time() - c0) * 1e3)
    for name in live:
        res[name] = (min(wall[name]), min(cpu[name]), "")
    return res


def _ratios(times: dict) -> dict:
    ours = times.get("graphlabels")
    return {
        k: round(v / ours, 3)
        for k, v in times.items()
        if k != "graphlabels" and v and ours and not k.startswith(("gather", "graph"))
    }


def emit(out: list, op: str, gname: str, A: CSR, F_: int, res: dict, **extra) -> dict:
    """One record: each implementation's best wall/CPU ms, theirs / ours ratios."""
    wall = {k: None if v[0] is None else round(v[0], 3) for k, v in res.items()}
    cpu = {k: None if v[1] is None else round(v[1], 3) for k, v in res.items()}
    notes = {k: v[2] for k, v in res.items() if v[2]}
    rec = {
        "op": op,
        "graph": gname,
        "n": A.num_rows,
        "nnz": A.nnz,
        "F": F_,
        "threads": torch.get_num_threads(),
        "ms": wall,
        "cpu_ms": cpu,
        "speedup": _ratios(wall),
        "speedup_cpu": _ratios(cpu),
    }
    rec.update(extra)
    if notes:
        rec["notes"] = notes
    out.append(rec)
    shown = " ".join(f"{k}={v}/{cpu[k]}" for k, v in wall.items())
    print(
        f"{op:>20} {gname:>8} F={F_:<4} t={rec['threads']} wall/cpu ms: {shown} "
        f"| x{rec['speedup']} cpu x{rec['speedup_cpu']} {extra or ''}",
        flush=True,
    )
    return rec


def dgl_graph(A: CSR):
    import dgl

    g = dgl.graph((A.col, A.row()), num_nodes=A.num_rows)
    g.create_formats_()
    return g


def torch_sparse_adj(A: CSR):
    """PyG's compiled SparseTensor, or the reason it is unavailable."""
    try:
        from torch_sparse import SparseTensor
    except Exception as exc:  # not installed / not built for this torch
        return None, f"torch-sparse unavailable: {type(exc).__name__}: {exc}"[:200]
    return SparseTensor(
        rowptr=A.rowptr, col=A.col, sparse_sizes=(A.num_rows, A.num_cols)
    ), ""


# ------------------------------------------------------------------- spmm
def bench_spmm(out, gname, A, feats, reps, dgl_ok) -> None:
    from graphlabels.ops import _numba

    g = dgl_graph(A) if dgl_ok else None
    ts, why = torch_sparse_adj(A)
    torch.manual_seed(0)
    rand_col = CSR(A.rowptr, torch.randint(0, A.num_cols, (A.nnz,)), check=False)
    for F_ in feats:
        X = torch.randn(A.num_cols, F_)
        gather = compare(
            {
                "gather": lambda X=X: _numba.gather_bound(A, X),
                "gather(uniform random)": lambda X=X: _numba.gather_bound(rand_col, X),
            },
            reps,
        )
        gms = gather["gather"][:2]
        gbps = {
            k: round(A.nnz * F_ * 4 / (v[0] * 1e6), 2)
            for k, v in gather.items()
            if v[0]
        }
        emit(out, "gather", gname, A, F_, gather, gb_per_s=gbps)
        for reduce in ("sum", "mean", "max"):

            def ours(X=X, r=reduce):
                with torch.no_grad(), use_backend("cpu-compiled"):
                    return spmm(A, X, r)

            def torch_csr(X=X, r=reduce):
                with torch.no_grad(), use_backend("cpu"):
                    return spmm(A, X, r)

            fns = {"graphlabels": ours, "torch CSR": torch_csr}
            if reduce != "max":  # the kernel alone, into a preallocated buffer
                buf = torch.empty(A.num_rows, F_)

                def ours_out(X=X, r=reduce, buf=buf):
                    with torch.no_grad(), use_backend("cpu-compiled"):
                        return spmm(A, X, r, out=buf)

                fns["graphlabels(out=)"] = ours_out
            if g is not None:
                import dgl.function as fn

                red = getattr(fn, reduce)

                def dgl_fn(X=X, red=red):
                    with torch.no_grad(), g.local_scope():
                        g.srcdata["x"] = X
                        g.update_all(fn.copy_u("x", "m"), red("m", "h"))
                        return g.dstdata["h"]

                fns["DGL"] = dgl_fn
            if ts is not None:
                from torch_sparse import matmul

                fns["PyG torch-sparse"] = lambda X=X, r=reduce: matmul(ts, X, r)
            res = compare(fns, reps)
            if ts is None:
                res["PyG torch-sparse"] = (None, None, why)
            kernel = "graphlabels(out=)" if reduce != "max" else "graphlabels"
            ms = res[kernel][:2]
            frac = [
                round(a / b, 3) if a and b else None
                for a, b in zip(gms, ms, strict=True)
            ]
            emit(
                out, f"spmm_{reduce}", gname, A, F_, res,
                frac_of_gather=frac[0], frac_of_gather_cpu=frac[1],
            )  # fmt: skip


# -------------------------------------------------------------------- GAT
def _step(layer, x, adj, G, dgl: bool = False):
    out = layer(adj, x) if dgl else layer(x, adj)
    out.reshape(G.shape).backward(G)
    for p in layer.parameters():
        p.grad = None
    x.grad = None


def bench_gat(out, gname, A, reps, dgl_ok) -> None:
    from graphlabels.nn.conv import GATConv

    As = add_self_loops(A)
    ei = As.to_edge_index()
    torch.manual_seed(0)
    x = torch.randn(A.num_cols, 128, requires_grad=True)
    G = torch.randn(A.num_rows, 128)
    ours = GATConv(128, 16, heads=8, add_self_loops=False)
    fns = {"graphlabels": lambda: _step(ours, x, As, G)}
    if dgl_ok:
        from dgl.nn import GATConv as DGLGAT

        g = dgl_graph(As)
        theirs = DGLGAT(128, 16, num_heads=8)
        fns["DGL"] = lambda: _step(theirs, x, g, G, dgl=True)
    try:
        from torch_geometric.nn import GATConv as PyGGAT

        m = PyGGAT(128, 16, heads=8, add_self_loops=False)
        fns["PyG"] = lambda m=m: _step(m, x, ei, G)
    except Exception as exc:
        print("PyG unavailable:", exc)
    res = compare(fns, reps)
    emit(out, "gat_layer_fwd_bwd", gname, A, 128, res, heads=8, channels=16)


# ---------------------------------------------------------------- epochs
class TwoLayer(torch.nn.Module):
    """Two convolutions, ReLU and dropout 0.5 between (DGL takes the graph first)."""

    def __init__(self, c1, c2, dgl: bool):
        super().__init__()
        self.c1, self.c2, self.dgl = c1, c2, dgl

    def forward(self, x, adj):
        """Logits of every node."""
        call = (lambda c, h: c(adj, h)) if self.dgl else (lambda c, h: c(h, adj))
        h = F.dropout(F.relu(call(self.c1, x)), 0.5, self.training)
        return call(self.c2, h)


def _model(name: str) -> torch.nn.Module:
    """The library's own 2-layer model of the same shape (no input dropout).

    It differs from :class:`TwoLayer` in what the library adds: the fused
    ReLU-dropout of ``graphlabels.nn`` in place of ``F.dropout``, and GCN's
    self-loops and normalisation cached with the graph.
    """
    from graphlabels.nn import GCN, SAGE

    cls = GCN if name == "gcn" else SAGE
    model = cls(128, 40, hidden_channels=256, num_layers=2, dropout=0.5)
    model.input_dropout = 0.0
    return model


def bench_epochs(out, gname, A, reps, dgl_ok) -> None:
    from graphlabels.nn.conv import GCNConv, SAGEConv

    As = add_self_loops(A)
    torch.manual_seed(0)
    x = torch.randn(A.num_cols, 128)
    y = torch.randint(0, 40, (A.num_rows,))
    for op, ours, adj in (
        (
            "gcn_epoch",
            TwoLayer(
                GCNConv(128, 256, add_self_loops=False),
                GCNConv(256, 40, add_self_loops=False),
                False,
            ),
            As,
        ),
        ("sage_epoch", TwoLayer(SAGEConv(128, 256), SAGEConv(256, 40), False), A),
        ("gcn_epoch_model", _model("gcn"), A),
        ("sage_epoch_model", _model("sage"), A),
    ):
        fns = {"graphlabels": train_epoch(ours, x, adj, y)}
        if dgl_ok:
            from dgl.nn import GraphConv
            from dgl.nn import SAGEConv as DSAGE

            if op.startswith("gcn_epoch"):
                theirs = TwoLayer(GraphConv(128, 256), GraphConv(256, 40), True)
                fns["DGL"] = train_epoch(theirs, x, dgl_graph(As), y)
            else:
                theirs = TwoLayer(DSAGE(128, 256, "mean"), DSAGE(256, 40, "mean"), True)
                fns["DGL"] = train_epoch(theirs, x, dgl_graph(A), y)
        res = compare(fns, max(2, reps // 2))
        emit(out, op, gname, A, 128, res, dims=[128, 256, 40])


def bench_lp(out, gname, A, reps, dgl_ok) -> None:
    from graphlabels.propagation import label_propagation

    torch.manual_seed(0)
    y = torch.randint(0, 40, (A.num_rows,))
    mask = torch.rand(A.num_rows) < 0.5
    ei = A.to_edge_index()
    fns = {
        "graphlabels": lambda: label_propagation(
            y, A, mask, num_layers=50, alpha=0.9, norm="sym"
        )
    }
    if dgl_ok:
        from dgl.nn import LabelPropagation

        g = dgl_graph(A)
        lp = LabelPropagation(50, 0.9, "sym", clamp=True)
        fns["DGL"] = lambda: lp(g, y, mask)
    try:
        from torch_geometric.nn import LabelPropagation as PyGLP

        plp = PyGLP(50, 0.9)
        fns["PyG"] = lambda: plp(y, ei, mask)
    except Exception as exc:
        print("PyG unavailable:", exc)
    res = compare(fns, max(2, reps // 2))
    emit(out, "label_propagation_50", gname, A, 40, res, labelled=0.5)


# ----------------------------------------------------------------- driver
#: Groups of measurements (``--ops``).
OPS = ("spmm", "gat", "epochs", "lp")


def child(args) -> list:
    try:
        import dgl  # noqa: F401

        dgl_ok = True
    except Exception as exc:
        print("DGL unavailable:", exc)
        dgl_ok = False
    out: list = []
    for gname in args.graphs:
        ei, n = graph(gname)
        A = CSR.from_edge_index(ei, n)
        A.row()
        A.t()
        print(f"== {gname}: n={n} nnz={A.nnz}", flush=True)
        if "spmm" in args.ops:
            bench_spmm(out, gname, A, args.feats, args.reps, dgl_ok)
        if "gat" in args.ops:
            bench_gat(out, gname, A, args.reps, dgl_ok)
        if gname == "arxiv" or args.quick:
            if "epochs" in args.ops:
                bench_epochs(out, gname, A, args.reps, dgl_ok)
            if "lp" in args.ops:
                bench_lp(out, gname, A, args.reps, dgl_ok)
    return out


def versions() -> dict:
    import importlib.metadata as md

    out = {"python": platform.python_version(), "cpu": platform.processor()}
    for pkg in ("torch", "numba", "llvmlite", "dgl", "torch-geometric", "torch-sparse"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = None
    try:
        with open("/proc/cpuinfo") as f:
            out["cpu"] = next(
                line.split(":", 1)[1].strip() for line in f if "model name" in line
            )
    except (OSError, StopIteration):
        pass
    return out


def table(path: str) -> None:
    """Print each record's ratios (theirs / ours; wall, CPU time) from a result."""
    data = json.loads(Path(path).read_text())
    print("load:", data["meta"]["load"])
    for r in data["records"]:
        head = f"{r['op']:>20} {r['graph']:>8} F={r['F']:<4} t={r['threads']}"
        if r["op"] == "gather":
            print(f"{head} cpu ms {r['cpu_ms']} GB/s (wall) {r['gb_per_s']}")
            continue
        cells = " ".join(
            f"{k} {v}/{r['speedup_cpu'].get(k)}" for k, v in r["speedup"].items()
        )
        frac = r.get("frac_of_gather_cpu")
        print(
            f"{head} ours {r['ms']['graphlabels']}/{r['cpu_ms']['graphlabels']} ms "
            f"| x(wall/cpu) {cells}" + ("" if frac is None else f" | gather {frac}")
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--json", default=None)
    p.add_argument("--quick", action="store_true", help="tiny graph, few reps")
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--threads", type=int, nargs="*", default=[1, 2])
    p.add_argument("--graphs", nargs="*", default=None)
    p.add_argument("--feats", type=int, nargs="*", default=None)
    p.add_argument(
        "--ops", nargs="*", default=list(OPS), choices=OPS, help="what to measure"
    )
    p.add_argument("--table", default=None, help="print the ratios of a result")
    p.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.table:
        table(args.table)
        return
    if args.graphs is None:
        args.graphs = ["pl3000_30000"] if args.quick else ["cpu2m", "arxiv"]
    if args.feats is None:
        args.feats = [16] if args.quick else list(FEATS)
    if args.quick:
        args.reps = min(args.reps, 2)
    if args.child:
        Path(args.child).write_text(json.dumps(child(args)))
        return
    records, loads = [], []
    for t in args.threads:
        env = {
            **os.environ,
            "OMP_NUM_THREADS": str(t),
            "MKL_NUM_THREADS": str(t),
            "NUMBA_NUM_THREADS": str(t),
        }
        with tempfile.TemporaryDirectory() as tmp:
            res = Path(tmp) / "records.json"
            cmd = [sys.executable, __file__, "--child", str(res)]
            cmd += ["--reps", str(args.reps), "--graphs", *args.graphs]
            cmd += ["--feats", *map(str, args.feats), "--ops", *args.ops]
            cmd += ["--quick"] if args.quick else []
            before = os.getloadavg()
            t0 = time.time()
            subprocess.run(cmd, env=env, check=True)
            loads.append(
                {
                    "threads": t,
                    "loadavg_before": [round(v, 2) for v in before],
                    "loadavg_after": [round(v, 2) for v in os.getloadavg()],
                    "seconds": round(time.time() - t0, 1),
                }
            )
            records += json.loads(res.read_text())
    data = {
        "meta": {
            "command": " ".join(sys.argv),
            "versions": versions(),
            "cpus": os.cpu_count(),
            "load": loads,
            "reps": args.reps,
            "timing": "best of reps, implementations interleaved in one process",
        },
        "records": records,
    }
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(data, indent=1) + "\n")
        print("wrote", args.json)


if __name__ == "__main__":
    main()
