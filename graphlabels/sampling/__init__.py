"""Neighbour sampling, sampled blocks and mini-batch loading (PyG/DGL conventions)."""

from graphlabels.sampling.blocks import Block, MiniBatch
from graphlabels.sampling.loader import NeighborLoader, gather_features
from graphlabels.sampling.sampler import NeighborSampler, full_degrees

__all__ = [
    "Block",
    "MiniBatch",
    "NeighborLoader",
    "NeighborSampler",
    "full_degrees",
    "gather_features",
]
