import math

import pytest
import torch

from graphlabels.labelfree.filter import change_of_entropy, label_entropy, post_filter


def H(labels):
    import collections

    n = len(labels)
    return -sum(c / n * math.log(c / n) for c in collections.Counter(labels).values())


def test_entropy_and_coe_match_brute_force():
    y = [0, 0, 0, 1, 2, 2]
    assert label_entropy(
        torch.bincount(torch.tensor(y)).double().numpy()
    ) == pytest.approx(H(y))
    coe = change_of_entropy(torch.tensor(y), 3)
    for v in range(len(y)):
        rest = y[:v] + y[v + 1 :]
        assert float(coe[v]) == pytest.approx(H(y) - H(rest))
    # removing the singleton of class 1 loses the most diversity
    assert int(coe.argmax()) == 3


def brute_force(y, conf, cd, frac, w):
    keep = [i for i in range(len(y)) if y[i] >= 0]
    for _ in range(int(math.floor(frac * len(keep)))):

        def rank(vals):
            order = sorted(range(len(vals)), key=lambda i: (vals[i], i))
            r = [0.0] * len(vals)
            for pos, i in enumerate(order):
                r[i] = pos / len(vals)
            return r

        labels = [y[i] for i in keep]
        coe = [H(labels) - H(labels[:j] + labels[j + 1 :]) for j in range(len(keep))]
        rc, re, rd = (
            rank([conf[i] for i in keep]),
            rank(coe),
            rank([cd[i] for i in keep]),
        )
        f = [w[0] * rc[j] + w[1] * re[j] + w[2] * rd[j] for j in range(len(keep))]
        worst = min(range(len(keep)), key=lambda j: (f[j], j))
        keep.pop(worst)
    return sorted(keep)


@pytest.mark.parametrize("w", [(1.0, 1.0, 1.0), (1.0, 0.0, 0.0), (0.3, 2.0, 0.5)])
def test_greedy_filter_matches_reference(w):
    g = torch.Generator().manual_seed(0)
    y = torch.randint(4, (40,), generator=g)
    y[[3, 17]] = -1
    conf = torch.rand(40, generator=g)
    cd = torch.rand(40, generator=g)
    keep = post_filter(y, conf, cd, fraction=0.3, weights=w, num_classes=4)
    ref = brute_force(y.tolist(), conf.tolist(), cd.tolist(), 0.3, w)
    assert keep.nonzero().view(-1).tolist() == ref
    assert not keep[3] and not keep[17]
    assert int(keep.sum()) == 38 - math.floor(0.3 * 38)


def test_confidence_only_removes_least_confident():
    y = torch.tensor([0, 1, 0, 1, 0, 1])
    conf = torch.tensor([0.9, 0.2, 0.8, 0.7, 0.1, 0.6])
    keep = post_filter(y, conf, fraction=0.34, weights=(1.0, 0.0, 0.0))
    assert keep.tolist() == [True, False, True, True, False, True]


def test_coe_protects_minority_labels_and_is_recomputed():
    # class 2 has a single, least-confident member: COE alone keeps it
    y = torch.tensor([0, 0, 0, 0, 1, 1, 2])
    conf = torch.tensor([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.1])
    keep = post_filter(y, conf, fraction=0.5, weights=(0.0, 1.0, 0.0))
    assert keep[6]
    # recomputation: after class-0 removals the classes balance out, so a class-1
    # node must go as well rather than emptying class 0
    assert int(keep[:4].sum()) >= 1 and int(keep.sum()) == 4


def test_bad_arguments():
    with pytest.raises(ValueError, match="fraction"):
        post_filter(torch.tensor([0]), torch.tensor([1.0]), fraction=1.0)
    with pytest.raises(ValueError, match="one per annotation"):
        post_filter(torch.tensor([0, 1]), torch.tensor([1.0]))
