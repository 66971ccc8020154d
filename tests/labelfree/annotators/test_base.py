import pytest
import torch

from graphlabels.labelfree.annotators.base import Annotation, Annotator, to_tensors


def test_annotation_tokens_and_tensors():
    a = Annotation(2, 0.5, prompt_tokens=10, completion_tokens=3)
    b = Annotation(-1, 0.0)
    assert a.tokens == 13 and b.tokens == 0
    y, c = to_tensors([a, b])
    assert y.dtype == torch.long and y.tolist() == [2, -1]
    assert c.tolist() == [0.5, 0.0]


def test_annotator_is_abstract():
    with pytest.raises(TypeError):
        Annotator()
