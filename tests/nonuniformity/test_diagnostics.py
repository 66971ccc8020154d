import math

import pytest
import torch

from graphlabels.nonuniformity import (
    LNUDiagnostics,
    accuracy_by_score_bin,
    edge_homophily,
    lnu_diagnostics,
    plot_score_accuracy,
    score_auroc,
    summarize_diagnostics,
)


def test_accuracy_by_bin_hand_computed():
    score = torch.tensor([0.9, 0.1, 0.5, 0.3, 0.7, 0.2])
    correct = torch.tensor([True, False, True, False, True, True])
    out = accuracy_by_score_bin(score, correct, bins=3)
    # sorted: 0.1(F) 0.2(T) | 0.3(F) 0.5(T) | 0.7(T) 0.9(T)
    assert out["accuracy"] == pytest.approx([50.0, 50.0, 100.0])
    assert out["count"] == [2, 2, 2]
    assert out["score_low"] == pytest.approx([0.1, 0.3, 0.7])
    mask = torch.tensor([True, True, True, True, False, False])
    out = accuracy_by_score_bin(score, correct, mask, bins=2)
    assert out["accuracy"] == pytest.approx([0.0, 100.0])
    with pytest.raises(ValueError, match="cannot fill"):
        accuracy_by_score_bin(score, correct, bins=7)
    with pytest.raises(ValueError, match="bins must be"):
        accuracy_by_score_bin(score, correct, bins=0)


def test_auroc_hand_computed():
    score = torch.tensor([0.1, 0.4, 0.35, 0.8])
    correct = torch.tensor([False, False, True, True])
    # pairs (correct, wrong): (.35,.1)>, (.35,.4)<, (.8,.1)>, (.8,.4)> -> 3/4
    assert score_auroc(score, correct) == pytest.approx(0.75)
    tie = torch.tensor([0.5, 0.5])
    assert score_auroc(tie, torch.tensor([True, False])) == pytest.approx(0.5)
    assert math.isnan(score_auroc(score, torch.ones(4, dtype=torch.bool)))
    with pytest.raises(ValueError, match="correct has shape"):
        score_auroc(score, torch.ones(3, dtype=torch.bool))


def test_edge_homophily_hand_computed():
    ei = torch.tensor([[0, 1, 1, 2, 3, 0], [1, 0, 2, 1, 3, 3]])
    y = torch.tensor([0, 0, 1, 0])
    # non-loop edges: (0,1) same, (1,0) same, (1,2) diff, (2,1) diff, (0,3) same
    assert edge_homophily(ei, y) == pytest.approx(3 / 5)
    low = torch.tensor([True, True, False, False])
    assert edge_homophily(ei, y, low) == pytest.approx(1.0)
    assert edge_homophily(ei, y, low, "touching") == pytest.approx(3 / 5)
    with pytest.raises(ValueError, match="mode must be"):
        edge_homophily(ei, y, low, "both")


def test_lnu_diagnostics_and_plot(tmp_path):
    # logits whose confidence tracks correctness: the claim must hold
    g = torch.Generator().manual_seed(0)
    n, c = 400, 4
    y = torch.randint(0, c, (n,), generator=g)
    conf = torch.rand(n, generator=g) * 4
    right = torch.rand(n, generator=g) < conf / 4
    pred = torch.where(right, y, (y + 1) % c)
    logits = torch.nn.functional.one_hot(pred, c).float() * conf[:, None]
    ei = torch.randint(0, n, (2, 2000), generator=g)
    d = lnu_diagnostics(logits, y, ei, bins=10, low_fraction=0.3)
    assert d.auroc > 0.7 and d.claim_holds
    assert d.bins["accuracy"][-1] > d.bins["accuracy"][0]
    assert d.high_accuracy > d.low_accuracy
    assert 0 <= d.homophily_graph <= 1
    assert sum(d.bins["count"]) == n
    assert set(d.to_dict()) >= {"auroc", "bins", "claim_holds", "homophily_low"}
    # reversed confidence: the claim must fail
    bad = lnu_diagnostics(
        logits * 0 + (4 - conf)[:, None] * torch.nn.functional.one_hot(pred, c), y, ei
    )
    assert bad.auroc < 0.5 and not bad.claim_holds
    path = plot_score_accuracy(
        logits, pred == y, tmp_path / "p" / "lnu.png", title="test"
    )
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _diag(auroc, acc, low):
    bins = {"accuracy": acc}
    nan = float("nan")
    return LNUDiagnostics(bins, auroc, nan, 1.0, 1.0, 0.8, low, nan, 0.3, nan, nan)


def test_summarize_diagnostics_hand_computed():
    runs = [
        _diag(0.6, [50.0, 70.0], 0.5),
        _diag(0.8, [60.0, 90.0], float("nan")),  # V' induces no edge in this run
        _diag(0.7, [40.0, 80.0], 0.7),
    ]
    s = summarize_diagnostics(runs)
    assert s["test_accuracy_by_decile_mean"] == [50.0, 80.0]
    assert s["auroc_mean"] == pytest.approx(0.7)
    assert s["auroc_std"] == pytest.approx(0.1)  # unbiased: sqrt(0.02 / 2)
    assert s["claim_holds_runs"] == 3
    assert s["homophily_graph"] == 0.8
    assert s["homophily_low_mean"] == pytest.approx(0.6)
    assert s["homophily_low_runs"] == 2
    one = summarize_diagnostics(runs[1:2])
    assert one["auroc_std"] == 0.0 and one["homophily_low_mean"] is None
    assert one["homophily_low_runs"] == 0
    with pytest.raises(ValueError, match="at least one run"):
        summarize_diagnostics([])
