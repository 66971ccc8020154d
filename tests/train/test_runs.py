import statistics

import pytest
import torch

from graphlabels.graph import Graph
from graphlabels.nn import MLP
from graphlabels.train import FullBatchTrainer, make_factory, mean_std, run_seeds


def test_mean_std_is_unbiased():
    vals = [81.0, 82.5, 80.1, 83.3]
    m, s = mean_std(vals)
    assert m == pytest.approx(statistics.mean(vals))
    assert s == pytest.approx(statistics.stdev(vals))
    assert mean_std([5.0]) == (5.0, 0.0)
    with pytest.raises(ValueError, match="at least one value"):
        mean_std([])


def test_run_seeds_is_deterministic_and_reports_percent(blobs):
    g = blobs
    a = run_seeds(lambda seed: MLP(4, 2), g, runs=3, epochs=20, progress=False)
    b = run_seeds(lambda seed: MLP(4, 2), g, runs=3, epochs=20, progress=False)
    assert a.test_acc == b.test_acc and len(a.test_acc) == 3
    assert all(0.0 <= t <= 100.0 for t in a.test_acc)
    d = a.as_dict()
    assert d["runs"] == 3 and d["test_acc_std"] == pytest.approx(
        statistics.stdev(a.test_acc), abs=1e-3
    )
    assert "±" in a.summary()


def test_runs_rotate_over_splits(blobs):
    g = blobs
    stack = lambda m: torch.stack([m, m.roll(1)], dim=1)  # noqa: E731
    multi = Graph(
        g.edge_index,
        x=g.x,
        y=g.y,
        train_mask=stack(g.train_mask),
        val_mask=stack(g.val_mask),
        test_mask=stack(g.test_mask),
    )
    res = run_seeds(lambda: MLP(4, 2), multi, runs=3, epochs=5, progress=False)
    assert res.splits == [0, 1, 0]
    # a trainer gets each run's split as a one-split graph
    seen = []

    def trainer(model, graph, **kw):
        seen.append((graph.train_mask.clone(), kw))
        return FullBatchTrainer(epochs=5)(model, graph, **kw)

    again = run_seeds(lambda: MLP(4, 2), multi, runs=3, trainer=trainer, progress=False)
    assert again.test_acc == res.test_acc
    for (mask, kw), s in zip(seen, [0, 1, 0], strict=True):
        assert torch.equal(mask, multi.train_mask[:, s]) and kw == {}


def test_module_factory_resets_each_run():
    base = MLP(4, 2)
    factory = make_factory(base)
    torch.manual_seed(0)
    a = factory(0)
    torch.manual_seed(1)
    b = factory(1)
    assert a is not base and not torch.equal(a.layers[0].weight, b.layers[0].weight)
    with pytest.raises(TypeError, match="expected a model or a factory"):
        make_factory(3)
