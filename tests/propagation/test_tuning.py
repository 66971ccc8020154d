import itertools

import pytest
import torch

from graphlabels.data.synthetic import csbm, random_split_masks
from graphlabels.propagation.tuning import (
    _run_cs,
    _run_lp,
    evaluate,
    select_correct_and_smooth,
    select_label_propagation,
)
from graphlabels.train import FullBatchTrainer


@pytest.fixture(scope="module")
def small():
    g = csbm(300, 3, avg_degree=6, homophily=0.7, num_features=8, seed=0,
             as_graph=True)  # fmt: skip
    tr, va, te = random_split_masks(g.num_nodes, 0.2, 0.3, seed=0)
    return g.replace(train_mask=tr, val_mask=va, test_mask=te)


def _acc(pred, y, m):
    return float((pred.argmax(-1)[m] == y[m]).float().mean()) * 100


GRID = {
    "self_loops": (False, True),
    "norm": ("sym", "col"),
    "alpha": (0.5, 0.9),
    "num_layers": (3, 10),
    "reset_labels": (True, False),
}


def test_lp_selection_is_the_validation_argmax(small):
    sel = select_label_propagation([small], GRID)
    assert sel.num_configs == 32
    best = max(
        _acc(_run_lp(small, dict(zip(GRID, c, strict=True))), small.y, small.val_mask)
        for c in itertools.product(*GRID.values())
    )
    assert sel.val_acc == [pytest.approx(best)]
    pred = sel.predictions[0]
    assert sel.test_acc[0] == pytest.approx(_acc(pred, small.y, small.test_mask))
    assert sel.val_acc[0] == pytest.approx(_acc(pred, small.y, small.val_mask))
    # Snapshots of the long run equal a direct run of fewer steps.
    direct = _run_lp(small, {**sel.params})
    torch.testing.assert_close(pred, direct)


def test_cs_selection_is_the_validation_argmax(small):
    g = torch.Generator().manual_seed(0)
    y_soft = (torch.randn(small.num_nodes, 3, generator=g) + 2 * torch.nn.functional
              .one_hot(small.y, 3)).softmax(-1)  # fmt: skip
    corrections = (
        None,
        {"autoscale": True, "correction_alpha": 0.8},
        {"autoscale": False, "correction_alpha": 1.0, "scale": 2.0},
    )
    smoothings = {"smoothing_alpha": (0.5, 0.8), "reset_labels": (True, False)}
    sel = select_correct_and_smooth([y_soft, y_soft], [small, small],
                                    corrections=corrections, smoothings=smoothings,
                                    num_layers=10)  # fmt: skip
    assert sel.num_configs == 12
    vals = []
    for corr, a, r in itertools.product(corrections, (0.5, 0.8), (True, False)):
        params = {"correction": corr, "smoothing_alpha": a, "reset_labels": r,
                  "num_layers": 10, "norm": "sym"}  # fmt: skip
        vals.append(_acc(_run_cs(y_soft, small, params), small.y, small.val_mask))
    assert sel.val_acc[0] == pytest.approx(max(vals))
    assert sel.val_acc[0] == pytest.approx(
        _acc(sel.predictions[0], small.y, small.val_mask)
    )
    with pytest.raises(ValueError, match="one graph per run"):
        select_correct_and_smooth([y_soft], [small, small])


def test_evaluate_lp_and_cs(small):
    lp = evaluate(small, "lp", runs=3)
    assert len(lp["test_acc"]) == 3 and lp["test_acc_std"] == 0.0
    cs = evaluate(small, "cs", "linear", runs=2, epochs=30)
    for key in ("test_acc_mean", "base_test_acc_mean", "gain", "params"):
        assert key in cs
    assert cs["gain"] == pytest.approx(cs["test_acc_mean"] - cs["base_test_acc_mean"])
    with pytest.raises(ValueError, match="method must be"):
        evaluate(small, "gcn")
    with pytest.raises(ValueError, match="base must be"):
        evaluate(small, "cs", "gat")


def test_evaluate_trains_the_base_model_through_the_trainer(small):
    calls = []

    def trainer(model, graph, **kw):
        calls.append(kw)
        return FullBatchTrainer(epochs=30)(model, graph, **kw)

    a = evaluate(small, "cs", "linear", runs=2, trainer=trainer)
    b = evaluate(small, "cs", "linear", runs=2, epochs=30)
    assert len(calls) == 2 and a == b
    with pytest.raises(TypeError, match=r"trainer=FullBatchTrainer\(lr=0.1\)"):
        evaluate(small, "cs", runs=1, lr=0.1, trainer=trainer)


def test_selection_needs_single_split_masks(small):
    with pytest.raises(ValueError, match="train, val and test"):
        select_label_propagation([small.replace(val_mask=None)], GRID)
