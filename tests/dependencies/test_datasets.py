import pytest
import torch

from graphlabels.data import DataFileError
from graphlabels.dependencies.datasets import study_graph


def _write(root, links=True):
    txt = root / "wikivitals" / "txt"
    txt.mkdir(parents=True)
    ids = [str(10 * (i + 1)) for i in range(8)]
    (txt / "titles.txt").write_text("".join(f"{i}\tTitle {i}\n" for i in ids))
    for k in range(3):
        (txt / f"classes{k}.txt").write_text(
            "".join(f"{i}\t{'X' if n < 4 else 'Y'}\n" for n, i in enumerate(ids))
        )
    (txt / "features_vocabulary.txt").write_text("abs_a\n")
    if links:
        main = root / "wikivitals" / "main"
        main.mkdir()
        lines = [f"{ids[n]}\t{ids[(n + 1) % 8]}\t1.0\n" for n in range(8)]
        (main / "__links_filtered_1.txt").write_text("".join(lines))


def test_wikivitals_gets_links_and_title_features(tmp_path):
    _write(tmp_path)
    seen = {}

    def embed(texts):
        seen["texts"] = list(texts)
        return torch.ones(len(texts), 5)

    g = study_graph("wikivitals", str(tmp_path), embed=embed, verify=False, split=0)
    assert g.num_edges == 8 and g.x.shape == (8, 5)
    assert seen["texts"][0] == "Title 10"
    assert g.num_classes == 2


def test_wikivitals_without_links_names_the_missing_files(tmp_path):
    _write(tmp_path, links=False)
    with pytest.raises(DataFileError, match=r"__links_filtered_\*\.txt .* into .*main"):
        study_graph("wikivitals", str(tmp_path), verify=False, split=0)


@pytest.mark.slow
def test_wikivitals_titles_through_minilm(tmp_path):
    _write(tmp_path)
    g = study_graph("wikivitals", str(tmp_path), verify=False, split=0)
    assert g.x.shape == (8, 384)
