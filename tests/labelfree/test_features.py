import pytest
import torch

from graphlabels.labelfree import features

pytestmark = pytest.mark.llm  # loads the real MiniLM model


def test_sentence_features_are_normalised_and_cached(tmp_path, monkeypatch):
    texts = ["graph neural networks", "", "message passing on graphs", "baking bread"]
    x = features.sentence_features(texts, cache_dir=tmp_path)
    assert x.shape == (4, 384) and x.dtype == torch.float32
    assert torch.allclose(x[[0, 2, 3]].norm(dim=1), torch.ones(3), atol=1e-4)
    assert torch.equal(x[1], torch.zeros(384))  # no text: zero vector
    assert float(x[0] @ x[2]) > float(x[0] @ x[3])  # similar texts are closer
    files = list(tmp_path.glob("*.npy"))
    assert len(files) == 1 and not list(tmp_path.glob("*.tmp"))

    def boom(*a, **k):
        raise AssertionError("the cache should answer")

    monkeypatch.setattr(features, "encode", boom)
    assert torch.equal(features.sentence_features(texts, cache_dir=tmp_path), x)
    with pytest.raises(AssertionError, match="cache should answer"):
        features.sentence_features(texts + ["new"], cache_dir=tmp_path)


def test_default_cache_dir_honours_env(monkeypatch, tmp_path):
    monkeypatch.setenv("GRAPHLABELS_CACHE", str(tmp_path))
    assert features.default_cache_dir() == tmp_path / "features"
