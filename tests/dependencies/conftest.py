import pytest
import torch

from graphlabels.graph import Graph


def label_only_graph(
    n: int = 240, classes: int = 3, dim: int = 256, p_in: float = 0.25, seed: int = 0
) -> Graph:
    """A stochastic block model whose features are pure noise.

    Neighbours share labels (p_in = 0.25, p_out = 0.005), so the labels of the
    neighbours are the only signal; 256 noise dimensions let a network on the
    features memorise labels it is given, as in a transductive setting.
    """
    gen = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % classes
    same = y[:, None] == y[None, :]
    prob = torch.where(same, torch.tensor(p_in), torch.tensor(0.005))
    adj = torch.rand(n, n, generator=gen) < prob
    adj = torch.triu(adj, diagonal=1)
    adj = adj | adj.t()
    edge_index = adj.nonzero().t().contiguous()
    x = torch.randn(n, dim, generator=gen)
    perm = torch.randperm(n, generator=gen)
    train = torch.zeros(n, dtype=torch.bool)
    val = torch.zeros(n, dtype=torch.bool)
    test = torch.zeros(n, dtype=torch.bool)
    train[perm[: n // 4]] = True
    val[perm[n // 4 : n // 2]] = True
    test[perm[n // 2 :]] = True
    return Graph(
        edge_index, n, x=x, y=y, train_mask=train, val_mask=val, test_mask=test
    )


@pytest.fixture
def toy():
    return label_only_graph()
