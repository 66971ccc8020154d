import numpy as np
import pytest
import torch

from graphlabels.data.splits import (
    fraction_split,
    per_class_split,
    resolve_split,
    stack_splits,
)


def test_per_class_split_counts_and_unlabelled():
    y = torch.tensor([0] * 60 + [1] * 55 + [2] * 10 + [-1] * 5)
    tr, va, te = per_class_split(y, seed=0)
    assert torch.equal(torch.bincount(y[tr]), torch.tensor([20, 20, 10]))
    assert torch.equal(torch.bincount(y[va], minlength=3), torch.tensor([30, 30, 0]))
    assert torch.equal(torch.bincount(y[te], minlength=3), torch.tensor([10, 5, 0]))
    assert not (tr | va | te)[-5:].any()
    assert not ((tr & va) | (tr & te) | (va & te)).any()


def test_per_class_split_is_seeded():
    y = np.repeat(np.arange(4), 100)
    a, b = per_class_split(y, 1), per_class_split(y, 1)
    assert all(torch.equal(u, v) for u, v in zip(a, b, strict=True))
    assert not torch.equal(a[0], per_class_split(y, 2)[0])


def test_fraction_split():
    y = torch.zeros(101, dtype=torch.long)
    tr, va, te = fraction_split(y, 0, 0.6, 0.2)
    assert (int(tr.sum()), int(va.sum()), int(te.sum())) == (61, 20, 20)
    with pytest.raises(ValueError, match=r"train \+ val <= 1"):
        fraction_split(y, 0, 0.9, 0.2)


def test_resolve_split_shapes_and_errors():
    y = torch.arange(50) % 2

    def make(s):
        return fraction_split(y, s)

    assert resolve_split(None, 3, make)[0].shape == (50,)
    assert resolve_split(None, [0, 1, 2], make)[0].shape == (50, 3)
    stacked = resolve_split([4, 5], 0, make)
    assert torch.equal(stacked[1][:, 1], make(5)[1])
    assert torch.equal(stack_splits([make(4), make(5)])[2], stacked[2])
    with pytest.raises(ValueError, match="split='x' is not understood"):
        resolve_split("x", 0, make)
    with pytest.raises(ValueError, match="empty list"):
        resolve_split([], 0, make)
