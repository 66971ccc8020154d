import pytest
import torch

from graphlabels.data import has_text
from graphlabels.graph import Graph
from graphlabels.labelfree.annotators.base import Annotation, Annotator
from graphlabels.labelfree.pipeline import LabelFreePipeline
from graphlabels.train import FullBatchTrainer

WORDS = ["database", "learning", "interface"]


class KeywordAnnotator(Annotator):
    """Deterministic stand-in: reads the keyword in the text (never the labels)."""

    name = "keyword"

    def __init__(self):
        self.seen = []

    def annotate(self, texts, label_names, *, progress=False):
        self.seen.append((list(texts), list(label_names)))
        out = []
        for t in texts:
            hits = [i for i, w in enumerate(WORDS) if w in t]
            conf = 0.9 if "sure" in t else 0.4
            out.append(Annotation(hits[0] if hits else -1, conf, raw=t, calls=1))
        return out


def make_graph(n_per=40, seed=0):
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(3).repeat_interleave(n_per)
    n = y.numel()
    src, dst = [], []
    for _ in range(6 * n):
        i, j = torch.randint(n, (2,), generator=g).tolist()
        same = y[i] == y[j]
        if same or torch.rand(1, generator=g).item() < 0.1:
            src.append(i)
            dst.append(j)
    ei = torch.tensor([src + dst, dst + src])
    x = torch.nn.functional.one_hot(y, 3).float() + 0.8 * torch.randn(n, 3, generator=g)
    texts = []
    for i in range(n):
        r = torch.rand(1, generator=g).item()
        if r < 0.1:
            texts.append("")  # no text: never annotated
        elif r < 0.25:
            texts.append(f"a paper on {WORDS[(int(y[i]) + 1) % 3]}")  # wrong keyword
        elif r < 0.3:
            texts.append("an unclear paper")  # invalid answer
        else:
            texts.append(f"a sure paper on {WORDS[int(y[i])]}")
    return Graph(ei, n, x=x, y=y, texts=texts, class_names=["DB", "ML", "HCI"])


def test_pipeline_end_to_end_attributes():
    g = make_graph()
    ann = KeywordAnnotator()
    pipe = LabelFreePipeline(
        ann, selection="pagerank", budget=30, seeds=(0, 1), epochs=60
    )
    assert pipe.fit(g) is pipe
    # readable names reach the annotator, one call per distinct node
    texts, names = ann.seen[0]
    assert names == ["Database", "Machine Learning", "Human-Computer Interaction"]
    assert len(ann.seen) == 1 and len(texts) == len(pipe.annotations_)
    for s in (0, 1):
        idx = pipe.selected_[s]
        assert idx.numel() == 30 and bool(has_text(g)[idx].all())
        y_llm = torch.tensor([pipe.annotations_[int(i)].label for i in idx])
        assert torch.equal(pipe.kept_[s], y_llm >= 0)  # no filter: drop invalid only
    # the annotation accuracy is measured against ground truth, -1 counted wrong
    idx = pipe.selected_[0]
    y_llm = torch.tensor([pipe.annotations_[int(i)].label for i in idx])
    acc0 = 100 * float((y_llm == g.y[idx]).float().mean())
    idx1 = pipe.selected_[1]
    y1 = torch.tensor([pipe.annotations_[int(i)].label for i in idx1])
    acc1 = 100 * float((y1 == g.y[idx1]).float().mean())
    assert pipe.annotation_acc_ == pytest.approx((acc0 + acc1) / 2)
    assert pipe.annotation_acc_kept_ >= pipe.annotation_acc_
    # test accuracy: every node not annotated
    for s in (0, 1):
        test = torch.ones(g.num_nodes, dtype=torch.bool)
        test[pipe.selected_[s]] = False
        pred = pipe.logits_[s].argmax(1)
        acc = 100 * float((pred[test] == g.y[test]).float().mean())
        assert pipe.test_acc_[s] == pytest.approx(acc)
    assert (
        pipe.test_acc_mean_ > 60
    )  # the graph is easy; the GNN learned from LLM labels
    assert pipe.calls_ == len(pipe.annotations_)
    rec = pipe.summary()
    for key in (
        "annotation_acc",
        "test_acc_mean",
        "test_acc_std",
        "test_acc",
        "calls",
        "tokens",
        "cost_usd",
        "seconds",
    ):
        assert key in rec
    assert rec["budget"] == 30


def test_default_budget_is_twenty_per_class():
    g = make_graph()
    pipe = LabelFreePipeline(
        KeywordAnnotator(), selection="degree", seeds=(0,), epochs=5
    )
    pipe.fit(g)
    assert pipe.selected_[0].numel() == 60


@pytest.mark.parametrize("weighted", [False, True])
def test_ps_filter_and_weighted_loss(weighted):
    g = make_graph()
    pipe = LabelFreePipeline(
        KeywordAnnotator(),
        selection="featprop",
        budget=40,
        filter="ps",
        filter_fraction=0.25,
        seeds=(0,),
        epochs=30,
        weighted_loss=weighted,
    ).fit(g)
    keep = pipe.kept_[0]
    idx = pipe.selected_[0]
    valid = torch.tensor([pipe.annotations_[int(i)].label >= 0 for i in idx])
    assert int(keep.sum()) == int(valid.sum()) - int(0.25 * int(valid.sum()))
    assert not bool(keep[~valid].any())


def test_poisoned_ground_truth_changes_nothing_but_the_scores():
    g = make_graph()
    poisoned = g.replace(
        y=torch.randint(3, (g.num_nodes,), generator=torch.Generator().manual_seed(9))
    )
    assert not torch.equal(poisoned.y, g.y)
    kw = dict(selection="da-pagerank", filter="ps", budget=36, seeds=(0, 1), epochs=40)
    a = LabelFreePipeline(KeywordAnnotator(), **kw).fit(g)
    b = LabelFreePipeline(KeywordAnnotator(), **kw).fit(poisoned)
    for s in (0, 1):
        assert torch.equal(a.selected_[s], b.selected_[s])
        assert torch.equal(a.kept_[s], b.kept_[s])
        assert torch.allclose(a.logits_[s], b.logits_[s])
    assert {k: v.label for k, v in a.annotations_.items()} == {
        k: v.label for k, v in b.annotations_.items()
    }
    assert a.annotation_acc_ != b.annotation_acc_  # only the scoring saw the labels


def test_errors():
    g = make_graph()
    with pytest.raises(ValueError, match="filter"):
        LabelFreePipeline(KeywordAnnotator(), filter="ps2")
    with pytest.raises(ValueError, match="class_names"):
        LabelFreePipeline(KeywordAnnotator(), seeds=(0,)).fit(
            g.replace(class_names=None)
        )

    class Mute(KeywordAnnotator):
        def annotate(self, texts, label_names, *, progress=False):
            return [Annotation(-1, 0.0) for _ in texts]

    with pytest.raises(
        RuntimeError, match=r"only 0 of 5 selected nodes were annotated"
    ):
        LabelFreePipeline(Mute(), budget=5, seeds=(0,)).fit(g)
    with pytest.raises(RuntimeError, match="no valid annotation"):
        LabelFreePipeline(Mute(), budget=5, seeds=(0,), min_annotated=0.0).fit(g)


def test_non_uniformity_wrapper_on_top():
    g = make_graph()
    kw = dict(selection="pagerank", budget=30, seeds=(0,), epochs=40)
    plain = LabelFreePipeline(KeywordAnnotator(), **kw).fit(g)
    lnu = LabelFreePipeline(KeywordAnnotator(), lnu_eta3=0.5, **kw).fit(g)
    assert torch.equal(plain.selected_[0], lnu.selected_[0])
    assert not torch.allclose(plain.logits_[0], lnu.logits_[0])  # retrained
    # the pseudo-labelled nodes are still scored: the test set is unchanged
    test = torch.ones(g.num_nodes, dtype=torch.bool)
    test[lnu.selected_[0]] = False
    acc = 100 * float((lnu.logits_[0].argmax(1)[test] == g.y[test]).float().mean())
    assert lnu.test_acc_[0] == pytest.approx(acc)


def test_trains_through_the_trainer_without_validation_labels():
    g = make_graph()
    seen = []

    def trainer(model, graph, *, y, train_mask, seed, sample_weight=None):
        seen.append((graph, y, train_mask, seed, sample_weight))
        return FullBatchTrainer(epochs=20, patience=None)(
            model, graph, y=y, train_mask=train_mask, seed=seed,
            sample_weight=sample_weight,
        )  # fmt: skip

    kw = dict(selection="pagerank", budget=30, seeds=(0, 1))
    a = LabelFreePipeline(KeywordAnnotator(), trainer=trainer, **kw).fit(g)
    b = LabelFreePipeline(KeywordAnnotator(), epochs=20, **kw).fit(g)
    assert a.test_acc_ == b.test_acc_
    assert [s[3] for s in seen] == [0, 1]
    for graph, y, train_mask, _, weight in seen:
        assert graph.val_mask is None and weight is None
        assert bool((y[~train_mask] == -1).all()) and bool((y[train_mask] >= 0).all())
    seen.clear()
    LabelFreePipeline(
        KeywordAnnotator(), trainer=trainer, weighted_loss=True, **kw
    ).fit(g)
    assert all(s[4] is not None and s[4].shape == (g.num_nodes,) for s in seen)


def test_weighted_loss_needs_a_trainer_taking_sample_weight():
    def plain(model, graph, *, y=None, train_mask=None, seed=None):
        raise AssertionError("never called")

    LabelFreePipeline(KeywordAnnotator(), trainer=plain)  # no weighting: fine
    with pytest.raises(TypeError, match="add a sample_weight keyword"):
        LabelFreePipeline(KeywordAnnotator(), trainer=plain, weighted_loss=True)
    with pytest.raises(TypeError, match=r"FullBatchTrainer\(epochs=5\)"):
        LabelFreePipeline(KeywordAnnotator(), trainer=plain, epochs=5)
