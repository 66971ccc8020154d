r"""Label non-uniformity (Ji et al., ICML 2023): score, algorithms and wrapper.

* :func:`non_uniformity`: :math:`w(v) = \sum_i |\operatorname{softmax}(z_v)_i -
  1/C|`, low for hard nodes.
* :func:`drop_low_score_edges` (Algorithm 2): thin the edges among low-score nodes
  while keeping a spanning forest.
* :func:`enhance_train_set` (Algorithm 1): pseudo-label the highest-score nodes.
* :class:`LabelNonUniformity` / :func:`label_nonuniformity`: run both around any
  base GNN with validation-only selection of :math:`\eta_1, \eta_2, \eta_3`.
* :mod:`~graphlabels.nonuniformity.diagnostics`: accuracy per score decile,
  AUROC, homophily of the low-score set, and a plot.
"""

from graphlabels.nonuniformity.augment import TrainSetEnhancement, enhance_train_set
from graphlabels.nonuniformity.diagnostics import (
    LNUDiagnostics,
    accuracy_by_score_bin,
    edge_homophily,
    lnu_diagnostics,
    plot_score_accuracy,
    score_auroc,
    summarize_diagnostics,
)
from graphlabels.nonuniformity.edge_drop import (
    LowScoreEdgeDrop,
    drop_low_score_edges,
    low_score_nodes,
)
from graphlabels.nonuniformity.score import (
    NonUniformity,
    max_non_uniformity,
    non_uniformity,
)

# the wrapper pulls in graphlabels.train and graphlabels.nn: load it on first use
_WRAPPER = ("LNUResult", "LabelNonUniformity", "VariantResult", "label_nonuniformity")


def __getattr__(name: str):
    if name in _WRAPPER:
        from graphlabels.nonuniformity import wrapper

        return getattr(wrapper, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "LNUDiagnostics",
    "LNUResult",
    "LabelNonUniformity",
    "VariantResult",
    "label_nonuniformity",
    "LowScoreEdgeDrop",
    "NonUniformity",
    "TrainSetEnhancement",
    "accuracy_by_score_bin",
    "drop_low_score_edges",
    "edge_homophily",
    "enhance_train_set",
    "lnu_diagnostics",
    "low_score_nodes",
    "max_non_uniformity",
    "non_uniformity",
    "plot_score_accuracy",
    "score_auroc",
    "summarize_diagnostics",
]
