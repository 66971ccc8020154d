"""ogbn-arxiv: GCN + label non-uniformity (Ji et al., ICML 2023), OGB rules.

A full-batch GCN (OGB's arxiv example settings: 3 layers, 256 hidden, dropout 0.5,
Adam lr 0.01, 500 epochs, on the symmetrised graph) is wrapped by
:class:`graphlabels.nonuniformity.LabelNonUniformity`: base runs, then Algorithm 2
(edge dropping) and/or Algorithm 1 (training-set enhancement), with the etas and the
variant chosen on *validation* accuracy. Runs use seeds ``0..runs-1`` with a fresh,
reset model; the test score of each run is that of its best-validation epoch,
scored by ``ogb.nodeproppred.Evaluator``, and reported as mean ± unbiased std.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _ogb_common import gcn_lnu_main  # noqa: E402

DATASET = "ogbn-arxiv"


def main(argv: list[str] | None = None) -> int:
    return gcn_lnu_main(DATASET, argv)


if __name__ == "__main__":
    raise SystemExit(main())
