"""Label propagation and Correct & Smooth, on :mod:`graphlabels.ops`.

Both methods are a function and a module with PyG's argument order
``(y, edge_index, mask=None, edge_weight=None)``:

- :class:`LabelPropagation` / :func:`label_propagation` (Zhou et al., 2004);
- :class:`CorrectAndSmooth` / :func:`correct_and_smooth` (Huang et al., 2021).
"""

from graphlabels.propagation.correct_and_smooth import (
    CorrectAndSmooth,
    correct_and_smooth,
)
from graphlabels.propagation.label_propagation import (
    LabelPropagation,
    label_propagation,
)

__all__ = [
    "CorrectAndSmooth",
    "LabelPropagation",
    "correct_and_smooth",
    "label_propagation",
]
