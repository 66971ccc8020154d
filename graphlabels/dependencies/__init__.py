"""Label dependencies: GMNN, labels as input, and the sources-of-information study.

- :class:`GMNN` (Qu, Bengio & Tang, ICML 2019): variational EM between a network on
  features and a network on the neighbours' labels, around any base model.
- :class:`LabelInput` and :class:`LabelTrickTrainer` (Wang et al., 2021): training
  labels as input features with random label masking and optional label reuse.
- :func:`study`: accuracy against training-set density for content, structure,
  content + structure and label dependencies, with model selection on an inner
  validation split and assessment on a test split selection never sees.
"""

from graphlabels.dependencies.gmnn import GMNN, GMNNResult, NeighbourLabelNet, gmnn
from graphlabels.dependencies.label_trick import LabelInput, LabelTrickTrainer
from graphlabels.dependencies.study import (
    DEFAULT_DENSITIES,
    METHODS,
    SOURCES,
    StudyResult,
    density_split,
    study,
)

__all__ = [
    "DEFAULT_DENSITIES",
    "GMNN",
    "GMNNResult",
    "LabelInput",
    "LabelTrickTrainer",
    "METHODS",
    "NeighbourLabelNet",
    "SOURCES",
    "StudyResult",
    "density_split",
    "gmnn",
    "study",
]
