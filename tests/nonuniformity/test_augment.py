import pytest
import torch

from graphlabels.nonuniformity import (
    TrainSetEnhancement,
    enhance_train_set,
    non_uniformity,
)


def _setup(n=40, c=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, c, generator=g) * 3
    y = torch.randint(0, c, (n,), generator=g)
    train = torch.zeros(n, dtype=torch.bool)
    train[:6] = True
    val = torch.zeros(n, dtype=torch.bool)
    val[6:16] = True
    return logits, y, train, val


def test_picks_highest_scores_among_candidates():
    logits, y, train, val = _setup()
    new_y, new_train = enhance_train_set(logits, y, train, 0.5, val_mask=val)
    cand = (~train & ~val).nonzero().view(-1)  # 24 nodes
    added = (new_train & ~train).nonzero().view(-1)
    assert added.numel() == 12
    assert not (new_train & val).any()  # validation nodes excluded by default
    assert new_train[train].all()
    w = non_uniformity(logits)
    expected = cand[torch.sort(-w[cand], stable=True).indices[:12]]
    assert set(added.tolist()) == set(expected.tolist())
    assert torch.equal(new_y[added], logits[added].argmax(1))
    assert torch.equal(new_y[train], y[train])
    assert (new_y[~new_train] == -1).all()


def test_never_reads_held_out_labels():
    logits, y, train, val = _setup()
    new_y, new_train = enhance_train_set(logits, y, train, 0.7, val_mask=val)
    poisoned = y.clone()
    poisoned[~train] = torch.randint(-1000, 1000, (int((~train).sum()),))
    new_y2, new_train2 = enhance_train_set(logits, poisoned, train, 0.7, val_mask=val)
    assert torch.equal(new_y, new_y2) and torch.equal(new_train, new_train2)
    # out-of-range poison never reaches the output either
    poisoned[~train] = 999
    assert not (
        enhance_train_set(logits, poisoned, train, 0.7, val_mask=val)[0] == 999
    ).any()


def test_training_labels_are_read():
    logits, y, train, val = _setup()
    y2 = y.clone()
    y2[0] = (y[0] + 1) % 3
    assert not torch.equal(
        enhance_train_set(logits, y, train, 0.5, val_mask=val)[0],
        enhance_train_set(logits, y2, train, 0.5, val_mask=val)[0],
    )


def test_candidate_mask_and_index_masks():
    logits, y, train, val = _setup()
    cand = torch.zeros(40, dtype=torch.bool)
    cand[30:] = True
    cand[0] = True  # training node: ignored
    _, new_train = enhance_train_set(logits, y, train, 1.0, candidate_mask=cand)
    assert set((new_train & ~train).nonzero().view(-1).tolist()) == set(range(30, 40))
    # index masks behave like bool masks
    a = enhance_train_set(logits, y, train, 0.4, val_mask=val)
    b = enhance_train_set(
        logits, y, train.nonzero().view(-1), 0.4, val_mask=val.nonzero().view(-1)
    )
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    # eta3 = 0 changes nothing but hiding held-out labels
    y0, m0 = enhance_train_set(logits, y, train, 0.0, val_mask=val)
    assert torch.equal(m0, train) and (y0[~train] == -1).all()
    mod = TrainSetEnhancement(0.4)
    assert torch.equal(mod(logits, y, train, val)[1], a[1])


def test_one_hot_labels_and_probabilities():
    logits, y, train, val = _setup()
    onehot = torch.nn.functional.one_hot(y, 3)
    a = enhance_train_set(logits, y, train, 0.5, val_mask=val)
    b = enhance_train_set(logits, onehot, train, 0.5, val_mask=val)
    assert torch.equal(a[0], b[0])
    c = enhance_train_set(
        logits.softmax(1), y, train, 0.5, val_mask=val, probabilities=True
    )
    assert torch.equal(a[1], c[1])


@pytest.mark.parametrize(
    "kwargs, exc, msg",
    [
        ({"eta3": 2.0}, ValueError, "eta3 must be a fraction"),
        ({"val_mask": None}, ValueError, "pass val_mask"),
        ({"logits": torch.zeros(40)}, ValueError, "num_nodes, num_classes"),
        ({"y": torch.zeros(39, dtype=torch.long)}, ValueError, "one label per node"),
        ({"train_mask": torch.zeros(39, dtype=torch.bool)}, ValueError, "train_mask"),
        ({"val_mask": torch.tensor([99])}, ValueError, "outside"),
        ({"score": torch.zeros(3)}, ValueError, "one score per node"),
    ],
)
def test_bad_inputs(kwargs, exc, msg):
    logits, y, train, val = _setup()
    args = {"logits": logits, "y": y, "train_mask": train, "eta3": 0.5, "val_mask": val}
    args.update(kwargs)
    with pytest.raises(exc, match=msg):
        enhance_train_set(**args)


def test_negative_training_label_rejected():
    logits, y, train, val = _setup()
    y = y.clone()
    y[0] = -1
    with pytest.raises(ValueError, match="negative labels"):
        enhance_train_set(logits, y, train, 0.5, val_mask=val)
