"""Layer benchmark: graphlabels GCN/GAT/SAGE layers vs PyG, and a GCN training epoch.

Usage::

    python benchmarks/kernels/bench_layers.py --device cpu --json out.json [--quick]

PyG gets the ``edge_index`` and, separately, a torch CSR ``adj_t``; graphlabels
gets its :class:`~graphlabels.ops.CSR` built once (as ``Graph.csr()`` caches it).
Ratios come from interleaved runs in the same process (best of ``--reps``).

The GCN training epoch is measured twice. ``gcn_train_epoch_128_256_40`` runs each
library as its users would: PyG's ``GCNConv`` with ``F.relu`` and ``F.dropout``,
graphlabels' ``GCNConv`` with ``graphlabels.nn.relu_dropout`` (what its ``GCN``
model uses). ``gcn_train_epoch_128_256_40_torch_dropout`` gives both sides
``F.relu`` and ``F.dropout``, so that the convolutions alone differ.
"""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from _common import bench_args, compare, graph, record, save, train_epoch

from graphlabels.nn.conv import GATConv, GCNConv, SAGEConv
from graphlabels.nn.dropout import relu_dropout
from graphlabels.ops import CSR

warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")
warnings.filterwarnings("ignore", message="Sparse invariant checks")


def pyg_adj_t(A: CSR) -> torch.Tensor:
    return torch.sparse_csr_tensor(
        A.rowptr, A.col, torch.ones(A.nnz, device=A.device), A.shape
    )


def step(layer, x, adj, G):
    """Forward and backward; every gradient is dropped after the step.

    ``x.grad`` is reset too: inside a network the input gradient goes on to the
    layer below instead of being summed into a leaf, so a step should not pay
    for that sum (1.3 ms on the products-size graph, for every implementation).
    """
    out = layer(x, adj)
    out.backward(G)
    for p in layer.parameters():
        p.grad = None
    x.grad = None


#: Older or alternative paths of the fused GAT, benchmarked beside the default:
#: name -> the ``graphlabels.ops._triton.gat`` setting that selects it.
GAT_VARIANTS = {
    "per-head kernel": ("MAX_HEADS_WIDTH", 0),  # one program per (row, head)
    "two-pass backward": ("STORE_DZ", False),  # target-logit gradient: row pass
    "dz scattered": ("DZ_ORDER", "csr"),  # dL/dz stored at CSR positions
}


def gat_variant(variant, fn, *args):
    """Run ``fn`` with the fused GAT switched to ``GAT_VARIANTS[variant]``."""
    from graphlabels.ops._triton import gat

    name, value = GAT_VARIANTS[variant]
    saved = getattr(gat, name)
    setattr(gat, name, value)
    try:
        return fn(*args)
    finally:
        setattr(gat, name, saved)


def torch_relu_dropout(x, p, training):
    """``F.dropout(F.relu(x))``, what PyG's models do between layers."""
    return F.dropout(F.relu(x), p, training)


class TwoLayerGCN(torch.nn.Module):
    """Two convolutions with ReLU and dropout 0.5 between them."""

    def __init__(self, conv_cls, dims, act_drop=torch_relu_dropout, **kw):
        super().__init__()
        self.c1 = conv_cls(dims[0], dims[1], **kw)
        self.c2 = conv_cls(dims[1], dims[2], **kw)
        self.act_drop = act_drop

    def forward(self, x, adj):
        """Logits for every node."""
        x = self.act_drop(self.c1(x, adj), 0.5, self.training)
        return self.c2(x, adj)


def emit(out, res, op, ours, baselines, note="", **kw):
    ms, peak, why = res[ours]
    for b in baselines:
        bms, _, bwhy = res[b]
        record(
            out, op=op, impl=ours, baseline=b, ms=ms, baseline_ms=bms,
            peak_mem_gb=peak, note="; ".join(x for x in (note, why or bwhy) if x),
            **kw,
        )  # fmt: skip


def bench_graph(out, gname, dev, reps, epoch: bool) -> None:
    import torch_geometric.nn as pyg

    ei, n = graph(gname)
    ei = ei.to(dev)
    A = CSR.from_edge_index(ei, n)
    adj_t = pyg_adj_t(A)
    print(f"== {gname}: n={n} m={A.nnz}", flush=True)
    kw = dict(graph=gname, n=n, m=A.nnz, device=dev, dtype=torch.float32)
    torch.manual_seed(0)
    Fin = 128
    x = torch.randn(n, Fin, device=dev, requires_grad=True)
    slow = max(2, reps // 2)
    layers = {
        "gcn_layer_fwd_bwd": (
            lambda: GCNConv(Fin, 128),
            lambda: pyg.GCNConv(Fin, 128),
            lambda: pyg.GCNConv(Fin, 128, cached=True),
            128,
        ),
        "sage_layer_fwd_bwd": (
            lambda: SAGEConv(Fin, 128),
            lambda: pyg.SAGEConv(Fin, 128),
            None,
            128,
        ),
        "gat_layer_fwd_bwd": (
            lambda: GATConv(Fin, 16, heads=8),
            lambda: pyg.GATConv(Fin, 16, heads=8),
            None,
            128,
        ),
    }
    for op, (ours_f, theirs_f, cached_f, width) in layers.items():
        ours, theirs = ours_f().to(dev), theirs_f().to(dev)
        G = torch.randn(n, width, device=dev)
        fns = {
            "graphlabels": lambda m=ours, G=G: step(m, x, A, G),
            "PyG(adj_t CSR)": lambda m=theirs, G=G: step(m, x, adj_t, G),
        }
        if dev.type == "cuda" and op == "gat_layer_fwd_bwd":
            for v in GAT_VARIANTS:
                fns[f"graphlabels({v})"] = lambda m=ours, G=G, v=v: gat_variant(
                    v, step, m, x, A, G
                )
        res = compare(fns, dev, reps)
        for variant in GAT_VARIANTS:
            if f"graphlabels({variant})" in res:
                emit(
                    out, res, op, f"graphlabels({variant})",
                    ["PyG(adj_t CSR)"], F=width, **kw,
                )  # fmt: skip
        res.update(
            compare(
                {"PyG(edge_index)": lambda m=theirs, G=G: step(m, x, ei, G)}, dev, slow
            )
        )
        bases = ["PyG(edge_index)", "PyG(adj_t CSR)"]
        if cached_f is not None:
            cached = cached_f().to(dev)
            res.update(
                compare(
                    {"PyG(edge_index,cached)": lambda m=cached, G=G: step(m, x, ei, G)},
                    dev,
                    slow,
                )
            )
            bases.append("PyG(edge_index,cached)")
        emit(out, res, op, "graphlabels", bases, F=width, **kw)
        if dev.type == "cuda":
            torch.cuda.empty_cache()
    if not epoch:
        return
    # GCN training epoch: 2 layers 128 -> 256 -> 40, Adam, dropout 0.5
    xe = torch.randn(n, 128, device=dev)
    y = torch.randint(0, 40, (n,), device=dev)
    dims = (128, 256, 40)
    ours = TwoLayerGCN(GCNConv, dims, act_drop=relu_dropout).to(dev)
    ours_t = TwoLayerGCN(GCNConv, dims).to(dev)
    theirs = TwoLayerGCN(pyg.GCNConv, dims).to(dev)
    theirs_c = TwoLayerGCN(pyg.GCNConv, dims, cached=True).to(dev)
    ereps = max(2, reps // 2)
    res = compare(
        {
            "graphlabels": train_epoch(ours, xe, A, y),
            "graphlabels(F.dropout)": train_epoch(ours_t, xe, A, y),
            "PyG(adj_t CSR)": train_epoch(theirs, xe, adj_t, y),
        },
        dev,
        ereps,
    )
    res.update(
        compare(
            {
                "PyG(edge_index)": train_epoch(theirs, xe, ei, y),
                "PyG(edge_index,cached)": train_epoch(theirs_c, xe, ei, y),
            },
            dev,
            ereps,
        )
    )
    bases = ["PyG(edge_index)", "PyG(edge_index,cached)", "PyG(adj_t CSR)"]
    emit(
        out, res, "gcn_train_epoch_128_256_40", "graphlabels", bases, F=128,
        note="graphlabels: its GCNConv + relu_dropout; PyG: GCNConv + F.relu + "
        "F.dropout", **kw,
    )  # fmt: skip
    emit(
        out, res, "gcn_train_epoch_128_256_40_torch_dropout",
        "graphlabels(F.dropout)", bases, F=128,
        note="both sides: F.relu + F.dropout", **kw,
    )  # fmt: skip


def main() -> None:
    args = bench_args(__doc__, reps=5)
    dev = torch.device(args.device)
    if dev.type == "cuda":
        # the GPU goals are on the products-size graph; keep the run short
        graphs = ["arxiv"] if args.quick else ["products", "arxiv"]
    else:
        graphs = ["cora", "pl20000_200000"] if args.quick else ["cora", "arxiv"]
    reps = 3 if args.quick else args.reps
    out: list = []
    for gname in args.graphs or graphs:
        bench_graph(out, gname, dev, reps, epoch=dev.type == "cpu" and gname != "cora")
        for r in out:
            r["threads"] = torch.get_num_threads() if dev.type == "cpu" else None
        save(out, args.json)  # after every graph, so a timeout keeps the rest


if __name__ == "__main__":
    main()
