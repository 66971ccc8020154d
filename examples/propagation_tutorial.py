"""Label propagation and Correct & Smooth in five steps, on Cora.

Run it from the project root::

    GRAPHLABELS_DATA=../shared/datasets python examples/propagation_tutorial.py

1. Load a graph.
2. Label propagation: spread the training labels over the graph.
3. Train a plain linear model on the node features (it ignores the graph).
4. Correct & Smooth its predictions: fix them with the training residuals, then
   smooth them over the graph.
5. Let the validation set choose the hyperparameters.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

from graphlabels.data import load
from graphlabels.propagation import CorrectAndSmooth, LabelPropagation
from graphlabels.propagation.tuning import select_correct_and_smooth

torch.manual_seed(0)


def accuracy(pred: torch.Tensor, y: torch.Tensor, mask: torch.Tensor) -> float:
    return float((pred.argmax(-1)[mask] == y[mask]).float().mean()) * 100


def main(root: str | None = None) -> dict[str, float]:
    # 1. The graph: edge_index (row 0 = source, row 1 = target), features x,
    #    labels y and the public train/val/test masks.
    if root is None:
        default = Path(__file__).resolve().parents[2] / "shared" / "datasets"
        root = os.environ.get("GRAPHLABELS_DATA", str(default))
    g = load("cora", root=root)
    print(g)
    y, train, test = g.y, g.train_mask, g.test_mask

    # 2. Label propagation (Zhou et al., 2004). PyG's argument order:
    #    (y, edge_index, mask, edge_weight). Labelled nodes keep their labels
    #    after every step; `reset_labels=False` gives PyG's behaviour.
    lp = LabelPropagation(num_layers=50, alpha=0.9)
    out = lp(y, g.edge_index, train)
    print(f"label propagation: test {accuracy(out, y, test):.1f}%")
    assert torch.equal(out[train].argmax(-1), y[train])

    # Edge weights are normalised like the unweighted graph, so all-ones weights
    # change nothing (in PyG they would bypass the normalisation).
    ones = torch.ones(g.num_edges)
    assert torch.allclose(lp(y, g.edge_index, train, ones), out)

    # 3. A linear model on the features alone.
    lin = torch.nn.Linear(g.num_features, g.num_classes)
    opt = torch.optim.Adam(lin.parameters(), lr=0.05, weight_decay=5e-4)
    for _ in range(100):
        opt.zero_grad()
        F.cross_entropy(lin(g.x[train]), y[train]).backward()
        opt.step()
    with torch.no_grad():
        y_soft = lin(g.x).softmax(-1)
    print(f"linear model:      test {accuracy(y_soft, y, test):.1f}%")

    # 4. Correct & Smooth (Huang et al., 2021): two propagations, no training.
    cs = CorrectAndSmooth(
        num_correction_layers=50,
        correction_alpha=0.9,
        num_smoothing_layers=50,
        smoothing_alpha=0.8,
        autoscale=True,
    )
    corrected = cs.correct(y_soft, y, train, g.edge_index)
    smoothed = cs.smooth(corrected, y, train, g.edge_index)
    print(f"  + correct:       test {accuracy(corrected, y, test):.1f}%")
    print(f"  + smooth:        test {accuracy(smoothed, y, test):.1f}%")

    # 5. Choose C&S's hyperparameters on the validation set (never on test).
    sel = select_correct_and_smooth([y_soft], [g])
    print(f"  tuned on val:    test {sel.test_acc[0]:.1f}%  with {sel.params}")
    return {
        "lp": accuracy(out, y, test),
        "linear": accuracy(y_soft, y, test),
        "cs": accuracy(smoothed, y, test),
        "cs_tuned": sel.test_acc[0],
    }


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
