import pytest
import torch

from graphlabels.labelfree.annotators.embedding import EmbeddingAnnotator

pytestmark = pytest.mark.llm  # loads the real MiniLM model

LABELS = ["Database", "Machine Learning", "Human-Computer Interaction"]
TEXTS = [
    "Query optimization and indexing for relational SQL database systems.",
    "Training deep neural networks with stochastic gradient descent.",
    "A usability study of touch screen user interfaces.",
]


def test_zero_shot_labels_and_softmax_confidence():
    ann = EmbeddingAnnotator()
    out = ann.annotate(TEXTS, LABELS)
    assert [a.label for a in out] == [0, 1, 2]
    p = ann.probabilities(TEXTS, LABELS)
    assert torch.allclose(p.sum(1), torch.ones(3), atol=1e-5)
    assert [a.confidence for a in out] == pytest.approx(p.max(1).values.tolist())
    assert all(a.cost_usd == 0 and a.tokens == 0 for a in out)
    assert "Database:" in out[0].raw


def test_temperature_sharpens_and_descriptions_are_used():
    soft = EmbeddingAnnotator(temperature=1.0).annotate(TEXTS[:1], LABELS)[0]
    sharp = EmbeddingAnnotator(temperature=0.01).annotate(TEXTS[:1], LABELS)[0]
    assert sharp.confidence > soft.confidence
    # swapped descriptions swap the answer
    desc = ["deep learning", "relational databases and SQL", "user interfaces"]
    assert EmbeddingAnnotator(desc).annotate(TEXTS[:1], LABELS)[0].label == 1
    with pytest.raises(ValueError, match="one per label"):
        EmbeddingAnnotator(desc[:2]).annotate(TEXTS[:1], LABELS)
    assert EmbeddingAnnotator().annotate([], LABELS) == []
