"""Label dependencies in four steps, on Cora.

Run it from the project root::

    GRAPHLABELS_DATA=../shared/datasets python examples/label_dependencies_tutorial.py

1. A GCN: content (the features) and structure (the edges).
2. GMNN: a second network learns a node's label from its neighbours' labels, and
   the two teach each other by variational EM.
3. The label trick: training labels enter the GCN as input features, with the
   labels of the nodes being predicted hidden.
4. The study: how much each source of information gives as labels get scarce.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import torch

from graphlabels.data import load
from graphlabels.dependencies import GMNN, LabelInput, LabelTrickTrainer, study
from graphlabels.nn import GCN
from graphlabels.train import FullBatchTrainer


def main(root: str | None = None, runs: int = 2) -> dict[str, float]:
    if root is None:
        default = Path(__file__).resolve().parents[2] / "shared" / "datasets"
        root = os.environ.get("GRAPHLABELS_DATA", str(default))
    torch.set_num_threads(1)
    graph = load("cora", root)
    print(graph)
    trainer = FullBatchTrainer(epochs=200, patience=100)

    # 1. The base: q(y | x), a GCN on the features and the edges. GMNN's round 0
    #    is exactly this model trained on the gold labels.
    def gcn(seed: int) -> GCN:
        return GCN(graph.num_features, graph.num_classes)

    # 2. GMNN. Each EM round draws labels from q (gold labels stay on training
    #    nodes), trains p(y_n | labels of n's neighbours) on them, then trains q
    #    on p's predictions. The round, and q or p, are chosen on validation.
    gm = GMNN(gcn, runs=runs, rounds=2, trainer=trainer).fit(graph)
    res = gm.result_
    for r in res.rounds:
        d = r.as_dict()
        print(
            f"round {r.round}: q val {d['q_val_acc_mean']:.2f} test "
            f"{d['q_test_acc_mean']:.2f}  p val {d['p_val_acc_mean']} test "
            f"{d['p_test_acc_mean']}"
        )
    print(
        f"GMNN ({res.chosen_net}, round {res.chosen_round}): test {res.summary()}"
        f"  (its GCN alone: {sum(res.base_test_acc) / runs:.2f})"
    )

    # 3. The label trick: the GCN reads [x | one-hot label] where the label is
    #    given for half of the training nodes and predicted for the other half,
    #    drawn anew every epoch. No validation or test label is ever read.
    trick = LabelTrickTrainer(mask_rate=0.5, epochs=200, patience=100)
    accs = []
    for seed in range(runs):
        torch.manual_seed(seed)
        base = GCN(graph.num_features + graph.num_classes, graph.num_classes)
        accs.append(
            trick(LabelInput(base, graph.num_classes), graph, seed=seed).test_acc
        )
    print(f"label trick: test {sum(accs) / runs:.2f}")

    # 4. The study at two densities (the full one: `graphlabels study cora`).
    s = study(
        graph,
        (0.02, 0.2),
        methods=("mlp", "lp", "gcn", "gmnn"),
        repetitions=2,
        progress=False,
    )
    print(s.table())
    return {
        "gmnn": res.test_acc_mean,
        "gcn": sum(res.base_test_acc) / runs,
        "label_trick": sum(accs) / runs,
    }


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
