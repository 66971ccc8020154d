import json

import pytest
import torch

from graphlabels.data import DataFileError, load
from graphlabels.data.wikivitals import load_wikivitals, read_wikivitals


def test_labels_titles_now(loaded):
    g = loaded("wikivitals")
    assert (g.num_nodes, g.num_edges, g.num_features, g.num_classes) == (
        48512,
        0,
        0,
        11,
    )
    assert g.x is None
    assert g.texts[0] == "Hercule Poirot"  # article id 1000
    assert g.class_names[int(g.y[0])] == "Arts"
    assert g.train_mask.shape == (48512, 10)
    assert torch.equal(
        torch.bincount(g.y[g.train_mask[:, 0]], minlength=11), torch.full((11,), 20)
    )


def test_three_levels(data_root):
    levels = read_wikivitals(data_root)["levels"]
    assert [len(names) for _, names in levels] == [11, 32, 251]
    y2, names2 = levels[2]
    assert names2[int(y2[0])] == "Arts ->- Arts ->- Fictional characters"
    g = load("wikivitals", data_root, split=0, level=1)
    assert g.num_classes == 32 and g.train_mask.dim() == 1
    with pytest.raises(ValueError, match="level must be 0, 1 or 2"):
        load("wikivitals", data_root, level=3)


def test_full_needs_the_corpus_file(data_root):
    with pytest.raises(DataFileError, match="wikivitals-lvl-5-04-2022.json not found"):
        load("wikivitals", data_root, full=True)


def _tiny(root, with_features=True):
    txt = root / "wikivitals" / "txt"
    txt.mkdir(parents=True)
    ids = ["10", "20", "30"]
    (txt / "titles.txt").write_text("10\tA\n20\tB\n30\tC\n")
    for k in range(3):
        (txt / f"classes{k}.txt").write_text(
            "".join(f"{i}\t{'X' if i != '30' else 'Y'}{'/z' * k}\n" for i in ids)
        )
    (txt / "features_vocabulary.txt").write_text("abs_a\nabs_b\ntit_c\n")
    corpus = [
        {"id": "10", "abstract": ["about a"], "outcoming_links_filtered": ["20", "30"]},
        {"id": "20", "abstract": [], "outcoming_links_filtered": ["99"]},
        {"id": "30", "abstract": ["c", "more"], "outcoming_links_filtered": ["10"]},
    ]
    (root / "wikivitals" / "wikivitals-lvl-5-04-2022.json").write_text(
        "\n".join(json.dumps(r) for r in corpus) + "\n"
    )
    if with_features:
        feats = [
            {"id": "10", "binary_features": ["abs_a", "tit_c"]},
            {"id": "30", "binary_features": ["abs_b", "unknown"]},
        ]
        (
            root / "wikivitals" / "wikivitals-lvl-5-04-2022-binary-representations.json"
        ).write_text("\n".join(json.dumps(r) for r in feats) + "\n")


def test_full_version_loads_when_present(tmp_path):
    _tiny(tmp_path)
    g = load_wikivitals(tmp_path, split=0, texts="abstract")
    assert g.edge_index.tolist() == [[0, 0, 2], [1, 2, 0]]  # link to 99 dropped
    assert g.x.tolist() == [[1, 0, 1], [0, 0, 0], [0, 1, 0]]
    assert g.texts == ["about a", "", "c more"]
    assert g.class_names == ["X", "Y"] and g.y.tolist() == [0, 0, 1]
    titles = load_wikivitals(tmp_path, split=0)
    assert titles.texts == ["A", "B", "C"] and titles.num_edges == 3
    # without the binary-representations file: edges but no features
    other = tmp_path / "other"
    _tiny(other, with_features=False)
    g2 = load_wikivitals(other, split=0)
    assert g2.num_edges == 3 and g2.x is None
    assert load_wikivitals(other, split=0, full=False).num_edges == 0


def _tiny_links(root):
    txt = root / "wikivitals" / "txt"
    txt.mkdir(parents=True)
    (txt / "titles.txt").write_text("10\tA\n20\tB\n30\tC\n40\tD\n")
    for k in range(3):
        (txt / f"classes{k}.txt").write_text("10\tX\n20\tX\n30\tY\n40\tY\n")
    (txt / "features_vocabulary.txt").write_text("abs_a\n")
    main = root / "wikivitals" / "main"
    main.mkdir()
    (main / "__links_filtered_1.txt").write_text(
        "10\t20\t1.0\n20\t10\t1.0\n10\t77\t1.0\n"
    )
    (main / "__links_filtered_2.txt").write_text("30\t40\t1.0\n\n40\t30\n")


def test_links_from_the_distributions_link_lists(tmp_path):
    _tiny_links(tmp_path)
    g = load_wikivitals(tmp_path, split=0)
    pairs = sorted(map(tuple, g.edge_index.t().tolist()))
    assert pairs == [(0, 1), (1, 0), (2, 3), (3, 2)]  # the link to 77 is skipped
    assert g.x is None and g.texts == ["A", "B", "C", "D"]


def test_malformed_link_line_names_the_file(tmp_path):
    _tiny_links(tmp_path)
    bad = tmp_path / "wikivitals" / "main" / "__links_filtered_3.txt"
    bad.write_text("10 20\n")
    with pytest.raises(DataFileError, match=r"__links_filtered_3.txt, line 1"):
        load_wikivitals(tmp_path, split=0)
