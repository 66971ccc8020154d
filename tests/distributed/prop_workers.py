"""Rank functions of the partitioned-propagation tests (module-level: they pickle
by name). Each builds its :class:`DistGraph`, runs the functions under test on
its rows and returns rank 0's gathered results (other ranks return their
exchange counters)."""

import torch

from graphlabels import distributed as D
from graphlabels import ops

# torch's CSR kernels: no compile step in each fresh process.
BACKEND = "cpu"

LP_CONFIGS = [
    {"norm": "sym"},
    {"norm": "row", "alpha": 0.7, "reset_labels": False},
    {"norm": "col", "clamp": False, "num_layers": 20},
]
CS_CONFIGS = [
    {},
    {
        "autoscale": False,
        "scale": 0.5,
        "correction_norm": "row",
        "smoothing_norm": "col",
        "num_correction_layers": 20,
        "num_smoothing_layers": 20,
        "reset_labels": False,
    },
]


def halo_case(rank, A, book, xs):
    """Products with several widths/dtypes, normalised values, self loops."""
    ops.set_backend(BACKEND)
    dg = D.DistGraph.from_csr(A, book)
    own = book.owned[rank]
    out = {"halo": dg.halo, "send": dg.plan.send_counts, "recv": dg.plan.recv_counts}
    prods, bytes_ = [], []
    for x in xs:
        before = dg.plan.stats.bytes_sent
        prods.append(D.gather_to_main(dg, dg.spmm(x[own])))
        bytes_.append(dg.plan.stats.bytes_sent - before)
    out["prods"] = prods
    out["bytes"] = bytes_
    out["bytes_per_step"] = [dg.plan.bytes_per_step(x[0].numel(), x.dtype) for x in xs]
    # normalised adjacency as dense rows, columns mapped back to global ids
    cols = torch.cat([own, dg.halo])
    dense = {}
    for norm in ("sym", "row", "col"):
        v = dg.normalized(norm, torch.float64)
        rows = torch.zeros(dg.num_owned, book.num_nodes, dtype=torch.float64)
        rows.index_put_((dg.csr.row(), cols[dg.csr.col]), v, accumulate=True)
        dense[norm] = D.gather_to_main(dg, rows)
    g = dg.with_self_loops(2.0)
    v = g.normalized("sym", torch.float64)
    rows = torch.zeros(dg.num_owned, book.num_nodes, dtype=torch.float64)
    rows.index_put_((g.csr.row(), cols[g.csr.col]), v, accumulate=True)
    dense["gcn2"] = D.gather_to_main(dg, rows)
    out["dense"] = dense
    keep = ("halo", "send", "recv", "bytes")
    return out if rank == 0 else {k: out[k] for k in keep}


def propagation_case(rank, graphs, book_by_name):
    """LP, C&S, SGC, LNU score and low-score selection on each graph."""
    ops.set_backend(BACKEND)
    torch.set_default_dtype(torch.float64)
    results = {}
    for name, g in graphs.items():
        book = book_by_name[name]
        dg = D.DistGraph.from_csr(g["edge_index"], book)
        own = book.owned[rank]
        y, train = g["y"][own], g["train"][own]
        one_hot = torch.nn.functional.one_hot(g["y"]).double()[own]
        r = {"lp": [], "cs": []}
        for cfg in LP_CONFIGS:
            r["lp"].append(
                D.gather_to_main(
                    dg, D.dist_label_propagation(dg, one_hot, train, **cfg)
                )
            )
        ids = torch.where(train, y, -1)  # class ids, -1 outside, no mask
        r["lp_ids"] = D.gather_to_main(dg, D.dist_label_propagation(dg, ids))
        for cfg in CS_CONFIGS:
            out = D.dist_correct_and_smooth(dg, g["y_soft"][own], y, train, **cfg)
            r["cs"].append(D.gather_to_main(dg, out))
        if "x" in g:
            r["sgc"] = D.gather_to_main(dg, D.dist_sgc_features(dg, g["x"][own], 2))
            x32 = g["x"][own].float()
            r["sgc32"] = D.gather_to_main(dg, D.dist_sgc_features(dg, x32, 3))
        score = D.dist_non_uniformity(g["logits"][own])
        r["score"] = D.gather_to_main(dg, score)
        r["low"] = {}
        tied = (score * 4).round() / 4  # many ties: tie-breaking by node id
        for eta in (0.0, 0.3, 1.0):
            r["low"][eta] = D.gather_to_main(dg, D.dist_low_score_mask(dg, tied, eta))
        r["bytes"] = dg.plan.stats.bytes_sent
        results[name] = r
    return results if rank == 0 else None


def bad_input_case(rank, edge_index, book):
    """Errors raised inside a job, identical on every rank."""
    ops.set_backend(BACKEND)
    dg = D.DistGraph.from_csr(edge_index, book)
    own = book.owned[rank]
    errors = {}
    nobody = torch.zeros(own.numel(), dtype=torch.bool)
    y = torch.zeros(own.numel(), dtype=torch.long)
    for key, fn in {
        "no_label": lambda: D.dist_label_propagation(dg, y, nobody),
        "all_minus_one": lambda: D.dist_label_propagation(dg, y - 1),
        "rows": lambda: D.dist_label_propagation(dg, torch.zeros(own.numel() + 1)),
        "score_nan": lambda: D.dist_low_score_mask(
            dg, torch.full((own.numel(),), float("nan")), 0.5
        ),
    }.items():
        try:
            fn()
            errors[key] = None
        except (ValueError, TypeError) as e:
            errors[key] = str(e)
    return errors
