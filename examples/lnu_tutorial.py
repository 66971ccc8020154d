"""Label non-uniformity in five steps: score -> plot -> drop -> augment -> wrapper.

This walks through *Leveraging Label Non-Uniformity for Node Classification in
Graph Neural Networks* (Ji et al., ICML 2023) on Cora. Read it top to bottom; each
step prints what it did. Run it with

    python examples/lnu_tutorial.py            # 10 runs in step 5 (a few minutes)
    python examples/lnu_tutorial.py --runs 2   # quick look

The idea: a GNN's softmax output for node v is a distribution over the C classes.
Its L1 distance to the uniform distribution,

    w(v) = sum_i | softmax(z_v)_i - 1/C |,

is small when the model cannot decide. Such "low non-uniformity" nodes are the
ones it gets wrong, so the paper (1) drops edges among them (Algorithm 2) and (2)
adds the most confident unlabelled nodes to the training set (Algorithm 1).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from graphlabels.data import load
from graphlabels.nn import GCN
from graphlabels.nonuniformity import (
    LabelNonUniformity,
    drop_low_score_edges,
    enhance_train_set,
    lnu_diagnostics,
    non_uniformity,
    plot_score_accuracy,
)
from graphlabels.train import fit, seed_everything


def make_gcn(graph):
    """The official code's GCN: 16 hidden units, dropout 0.5 between the layers."""

    def make(seed: int) -> torch.nn.Module:
        model = GCN(graph.num_features, graph.num_classes, hidden_channels=16)
        model.input_dropout = 0.0  # the official DGL model does not drop inputs
        return model

    return make


FIT = {"epochs": 500, "lr": 0.01, "weight_decay": 5e-4, "patience": 100}


def main() -> None:
    p = argparse.ArgumentParser(description="label non-uniformity tutorial (Cora)")
    p.add_argument("--runs", type=int, default=10, help="seeds in step 5")
    p.add_argument("--epochs", type=int, default=500, help="max epochs per training")
    p.add_argument("--root", default=None, help="data root ($GRAPHLABELS_DATA)")
    p.add_argument("--out", type=Path, default=Path("lnu_tutorial_out"))
    args = p.parse_args()
    fit_kw = {**FIT, "epochs": args.epochs}

    # -- 0. data and a base model --------------------------------------------------
    graph = load("cora", root=args.root)
    print(f"0. {graph}")
    make = make_gcn(graph)
    seed_everything(0)
    base = fit(make(0), graph, **fit_kw)
    print(f"   base GCN: val {base.val_acc:.1f}%, test {base.test_acc:.1f}%")

    # -- 1. the score --------------------------------------------------------------
    w = non_uniformity(base.logits)  # in [0, 2(1 - 1/C)]; normalize=True -> [0, 1]
    print(f"1. scores: min {w.min():.3f}, median {w.median():.3f}, max {w.max():.3f}")

    # -- 2. is a low score really a hard node? ---------------------------------------
    d = lnu_diagnostics(base.logits, graph.y, graph.edge_index, graph.test_mask)
    deciles = " ".join(f"{a:.0f}" for a in d.bins["accuracy"])
    print(f"2. test accuracy per score decile (low -> high): {deciles}")
    print(
        f"   AUROC(score -> correct) = {d.auroc:.3f}; edge homophily inside the "
        f"30% lowest-score nodes {d.homophily_low:.3f} vs {d.homophily_graph:.3f} "
        "in the whole graph"
    )
    correct = base.logits.argmax(1) == graph.y
    png = plot_score_accuracy(
        base.logits,
        correct,
        args.out / "cora_score_accuracy.png",
        graph.test_mask,
        title="Cora, GCN: test accuracy by label non-uniformity decile",
    )
    print(f"   plot: {png}")

    # -- 3. Algorithm 2: drop edges among the low-score nodes -------------------------
    # V' = 30% lowest-score nodes; keep a BFS spanning forest of the subgraph they
    # induce (so no component falls apart) and drop 40% of its other edges.
    edge_index, edge_mask = drop_low_score_edges(graph.edge_index, w, 0.3, 0.4, seed=0)
    dropped = int((~edge_mask).sum())
    print(f"3. dropped {dropped} of {graph.num_edges} directed edges (pairs together)")
    g_drop = graph.replace(edge_index=edge_index)
    seed_everything(0)
    res = fit(make(0), g_drop, **fit_kw)
    print(f"   retrained on the thinner graph: test {res.test_acc:.1f}%")

    # -- 4. Algorithm 1: pseudo-label the most confident unlabelled nodes -------------
    # Candidates exclude validation nodes by default; only y[train_mask] is ever
    # read. Test nodes can be candidates, validation nodes cannot, so validation
    # under-rates Algorithm 1 a little: the wrapper's exclude_val=False (CLI:
    # --candidates include-val) pseudo-labels both alike.
    y_new, train_new = enhance_train_set(
        base.logits, graph.y, graph.train_mask, 0.5, val_mask=graph.val_mask
    )
    added = int(train_new.sum() - graph.train_mask.sum())
    print(f"4. added {added} pseudo-labelled nodes to {int(graph.train_mask.sum())}")
    seed_everything(0)
    res = fit(make(0), graph, y=y_new, train_mask=train_new, **fit_kw)
    print(f"   retrained with pseudo-labels: test {res.test_acc:.1f}%")

    # -- 5. the wrapper: all of it over seeds, etas chosen on validation -------------
    print(f"5. the wrapper over {args.runs} seeds (etas chosen on validation only)")
    lnu = LabelNonUniformity(
        make,
        runs=args.runs,
        eta1=(0.3, 0.5),
        eta2=(0.4, 0.8),
        eta3=(0.3, 0.6, 0.9),
        **fit_kw,
    )
    lnu.fit(graph)
    print(lnu.result_.table())
    best = lnu.result_.best
    print(f"   validation picks {lnu.result_.best_variant}: test {best.summary()}")
    logits = lnu(graph)  # the chosen variant's models, averaged over runs
    acc = (logits.argmax(1) == graph.y)[graph.test_mask].float().mean() * 100
    print(f"   ensemble of its {args.runs} models: test {acc:.1f}%")


if __name__ == "__main__":
    main()
