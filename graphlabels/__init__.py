"""graphlabels: label-centric node classification for PyTorch."""

from graphlabels.graph import Graph

__version__ = "0.1.0"
__all__ = ["Graph", "__version__"]
