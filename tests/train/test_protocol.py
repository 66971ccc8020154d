import math

import pytest
import torch
import torch.nn.functional as F

from graphlabels.data import load
from graphlabels.data.synthetic import csbm, random_split_masks
from graphlabels.graph import Graph
from graphlabels.labelfree.annotators.base import Annotation, Annotator
from graphlabels.labelfree.pipeline import LabelFreePipeline
from graphlabels.nn import GCN
from graphlabels.nonuniformity import LabelNonUniformity
from graphlabels.propagation.tuning import evaluate
from graphlabels.train import (
    FitResult,
    FullBatchTrainer,
    Trainer,
    accepts_option,
    accuracy,
    fit,
    resolve_trainer,
    run_seeds,
    seed_everything,
)

EPOCHS = 15


def user_loop(model, graph, *, y=None, train_mask=None, seed=None, epochs=EPOCHS):
    """A user's own loop: Adam, cross-entropy on the training nodes, fixed epochs."""
    if seed is not None:
        torch.manual_seed(seed)
    y_train = graph.y if y is None else y
    mask = graph.train_mask if train_mask is None else train_mask
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    for _ in range(epochs):
        model.train()
        opt.zero_grad()
        F.cross_entropy(model(graph.x, graph.csr())[mask], y_train[mask]).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        z = model(graph.x, graph.csr())

    def acc(m):
        return math.nan if m is None else accuracy(z, graph.y, m)

    return FitResult(
        model, z, acc(graph.val_mask), acc(graph.test_mask),
        accuracy(z, y_train, mask), epochs - 1, epochs,
    )  # fmt: skip


#: the default trainer doing what ``user_loop`` does: no early stopping and no
#: best-validation selection
SAME = FullBatchTrainer(epochs=EPOCHS, patience=None, restore_best=False)


def _graph(splits=1, seed=0):
    # dense features: both trainers then feed the model the same dense ``x``
    g = csbm(120, 3, avg_degree=6, homophily=0.8, num_features=8, seed=seed,
             as_graph=True)  # fmt: skip
    masks = [random_split_masks(g.num_nodes, 0.2, 0.3, seed=s) for s in range(splits)]
    if splits == 1:
        tr, va, te = masks[0]
    else:
        tr, va, te = (torch.stack(m, 1) for m in zip(*masks, strict=True))
    return g.replace(train_mask=tr, val_mask=va, test_mask=te, name="csbm")


def _gcn(g):
    return lambda seed: GCN(g.num_features, g.num_classes, hidden_channels=8)


def test_full_batch_trainer_equals_fit():
    g = load("cora")
    trainer = FullBatchTrainer(epochs=20, patience=None)
    assert isinstance(trainer, Trainer)
    seed_everything(3)
    a = trainer(GCN(g.num_features, g.num_classes), g, seed=3)
    seed_everything(3)
    b = fit(GCN(g.num_features, g.num_classes), g, epochs=20, patience=None, seed=3)
    assert a.logits.shape == (g.num_nodes, g.num_classes)
    assert torch.equal(a.logits, b.logits)
    assert a.test_acc == b.test_acc


def test_full_batch_trainer_rejects_bad_settings():
    with pytest.raises(ValueError, match="epochs must be >= 1, got 0"):
        FullBatchTrainer(epochs=0)
    with pytest.raises(ValueError, match="patience must be >= 1 or None"):
        FullBatchTrainer(patience=0)
    g = _graph()
    with pytest.raises(TypeError, match=r"unknown option\(s\) \['split'\]"):
        SAME(GCN(g.num_features, g.num_classes), g, split=1)


def test_user_loop_equals_default_trainer_exactly():
    g = _graph()
    assert isinstance(user_loop, Trainer)

    def train(trainer):
        seed_everything(5)  # the same initial weights
        return trainer(GCN(g.num_features, g.num_classes, hidden_channels=8), g, seed=5)

    a, b = train(user_loop), train(SAME)
    assert torch.equal(a.logits, b.logits)
    assert (a.val_acc, a.test_acc, a.train_acc) == (b.val_acc, b.test_acc, b.train_acc)
    assert (a.best_epoch, a.epochs_run) == (b.best_epoch, b.epochs_run)
    # best-validation selection is what makes the default trainer differ
    c = train(FullBatchTrainer(epochs=EPOCHS, patience=None))
    assert c.val_acc >= b.val_acc and c.best_epoch <= b.best_epoch


def test_run_seeds_with_user_loop_on_a_multi_split_graph():
    g = _graph(splits=2)
    a = run_seeds(_gcn(g), g, 3, trainer=user_loop, progress=False)
    b = run_seeds(_gcn(g), g, 3, trainer=SAME, progress=False)
    assert a.splits == [0, 1, 0]
    assert a.test_acc == b.test_acc and a.val_acc == b.val_acc
    for za, zb in zip(a.logits, b.logits, strict=True):
        assert torch.equal(za, zb)
    # the user loop saw split 1 in run 1: the same as training on that split alone
    one = run_seeds(
        _gcn(g), g.split(1), 1, seeds=[1], trainer=user_loop, progress=False
    )
    assert torch.equal(one.logits[0], a.logits[1])
    # fit settings still configure the default trainer
    c = run_seeds(_gcn(g), g, 3, progress=False, epochs=EPOCHS, patience=None,
                  restore_best=False)  # fmt: skip
    assert c.test_acc == b.test_acc


def test_trainer_and_fit_settings_together_is_an_error():
    g = _graph()
    with pytest.raises(TypeError, match=r"pass trainer=FullBatchTrainer\(epochs=5\)"):
        run_seeds(_gcn(g), g, 1, trainer=user_loop, epochs=5, progress=False)
    with pytest.raises(TypeError, match=r"trainer=FullBatchTrainer\(lr=0.1\)"):
        LabelNonUniformity(_gcn(g), runs=1, trainer=user_loop, lr=0.1)
    with pytest.raises(TypeError, match=r"FullBatchTrainer\(epochs=3\)"):
        evaluate(g, "cs", runs=1, epochs=3, trainer=user_loop)
    with pytest.raises(TypeError, match=r"FullBatchTrainer\(weight_decay=0.0\)"):
        LabelFreePipeline(_Keyword(), weight_decay=0.0, trainer=user_loop)
    with pytest.raises(TypeError, match=r"unknown training setting\(s\) \['epoch'\]"):
        run_seeds(_gcn(g), g, 1, epoch=5, progress=False)
    with pytest.raises(TypeError, match="trainer must be callable"):
        resolve_trainer(3, {}, owner="x")


def test_label_nonuniformity_with_user_loop():
    g = _graph(splits=2)
    kw = dict(runs=2, eta1=(0.3,), eta2=(0.5,), eta3=(0.3, 0.6), score_from="mean")
    a = LabelNonUniformity(_gcn(g), trainer=user_loop, **kw).fit(g)
    b = LabelNonUniformity(_gcn(g), trainer=SAME, **kw).fit(g)
    c = LabelNonUniformity(_gcn(g), epochs=EPOCHS, patience=None, restore_best=False,
                           **kw).fit(g)  # fmt: skip
    da, db, dc = (m.result_.as_dict() for m in (a, b, c))
    for d in (da, db, dc):
        d.pop("seconds")
    assert da == db == dc
    assert torch.equal(a(g), b(g))


def test_correct_and_smooth_base_with_user_loop():
    g = _graph(splits=2)
    a = evaluate(g, "cs", "linear", runs=2, trainer=user_loop)
    b = evaluate(g, "cs", "linear", runs=2, trainer=SAME)
    assert a == b
    assert len(a["base_test_acc"]) == 2


WORDS = ("apple", "bread", "cheese")


class _Keyword(Annotator):
    """Reads the keyword in a node's text (never the labels)."""

    name = "keyword"

    def annotate(self, texts, label_names, *, progress=False):
        out = []
        for t in texts:
            hits = [i for i, w in enumerate(WORDS) if w in t]
            out.append(Annotation(hits[0] if hits else -1, 0.9 if len(t) % 2 else 0.4))
        return out


def _text_graph():
    g = _graph()
    texts = [f"about {WORDS[int(c)]}" if i % 5 else "?" for i, c in enumerate(g.y)]
    return Graph(g.edge_index, g.num_nodes, x=g.x, y=g.y, texts=texts,
                 class_names=["Apple", "Bread", "Cheese"])  # fmt: skip


def test_label_free_pipeline_with_user_loop():
    g = _text_graph()
    # every fifth text is "?": those nodes get no label, which this test allows
    kw = dict(selection="pagerank", budget=30, seeds=(0, 1), min_annotated=0.0)
    a = LabelFreePipeline(_Keyword(), trainer=user_loop, **kw).fit(g)
    b = LabelFreePipeline(_Keyword(), trainer=SAME, **kw).fit(g)
    c = LabelFreePipeline(_Keyword(), epochs=EPOCHS, **kw).fit(g)
    assert a.test_acc_ == b.test_acc_ == c.test_acc_
    for s in kw["seeds"]:
        assert torch.equal(a.logits_[s], b.logits_[s])
    # confidence weighting needs a trainer that takes sample_weight
    with pytest.raises(TypeError, match="user_loop does not take it"):
        LabelFreePipeline(_Keyword(), trainer=user_loop, weighted_loss=True)
    seen = []

    def weighted(model, graph, *, sample_weight, **kw):
        seen.append(sample_weight)
        return SAME(model, graph, sample_weight=sample_weight, **kw)

    assert accepts_option(weighted, "sample_weight")
    assert not accepts_option(user_loop, "sample_weight")
    w = LabelFreePipeline(_Keyword(), trainer=weighted, weighted_loss=True, **kw)
    w.fit(g)
    assert len(seen) == 2 and all(s.shape == (g.num_nodes,) for s in seen)
    ref = LabelFreePipeline(_Keyword(), epochs=EPOCHS, weighted_loss=True, **kw).fit(g)
    assert w.test_acc_ == ref.test_acc_
