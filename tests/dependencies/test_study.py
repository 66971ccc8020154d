import pytest
import torch

from graphlabels.dependencies import density_split, study


def test_density_split_is_stratified_disjoint_and_keeps_the_test_set():
    y = torch.arange(1000) % 4
    tr, va, te = density_split(y, 0.05, seed=3)
    assert not bool((tr & va).any() or (tr & te).any() or (va & te).any())
    # 5% of 1000 nodes, stratified: 12 or 13 of each of the 4 classes
    assert abs(int(tr.sum()) - 50) <= 4 and int(va.sum()) == int(tr.sum())
    assert set(torch.bincount(y[tr], minlength=4).tolist()) <= {12, 13}
    assert int(te.sum()) == 300
    _, _, te2 = density_split(y, 0.5, seed=3)
    assert torch.equal(te, te2)  # one test set per repetition, for every density
    _, _, te3 = density_split(y, 0.05, seed=4)
    assert not torch.equal(te, te3)


def test_density_split_keeps_one_node_per_class_when_sparse():
    y = torch.arange(100) % 5
    tr, va, _ = density_split(y, 0.01, seed=0)
    assert torch.equal(
        torch.bincount(y[tr], minlength=5), torch.ones(5, dtype=torch.long)
    )
    assert int(va.sum()) == 5


def test_density_split_rejects_densities_without_room():
    with pytest.raises(ValueError, match=r"density 0.8 leaves no room"):
        density_split(torch.arange(10) % 2, 0.8, seed=0)


def test_study_rows_table_and_plot(toy, tmp_path):
    res = study(
        toy,
        (0.1, 0.3),
        methods=("mlp", "lp", "gmnn"),
        repetitions=2,
        epochs=60,
        progress=False,
    )
    assert [(r.method, r.density) for r in res.rows] == [
        (m, d) for d in (0.1, 0.3) for m in ("mlp", "lp", "gmnn")
    ]
    by = {(r.method, r.density): r for r in res.rows}
    assert all(len(r.test_acc) == 2 for r in res.rows)
    # features are noise, labels of the neighbours are the signal
    assert min(by[("lp", 0.3)].test_acc) > max(by[("mlp", 0.3)].test_acc)
    table = res.table()
    assert "structure" in table and "± " in table
    png = res.plot(tmp_path / "study.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    d = res.as_dict()
    assert d["rows"][0]["source"] == "content"


def test_study_rejects_bad_input(toy):
    with pytest.raises(ValueError, match="unknown method"):
        study(toy, methods=("svm",), progress=False)
    with pytest.raises(ValueError, match="repetitions must be >= 2"):
        study(toy, repetitions=1, progress=False)
    with pytest.raises(ValueError, match="density 0.9 is out of range"):
        study(toy, (0.9,), progress=False)
