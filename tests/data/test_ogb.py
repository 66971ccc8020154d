import subprocess
import sys
from pathlib import Path

import pytest
import torch

from graphlabels.data import DataFileError, load
from graphlabels.data.ogb import (
    OGB_NODE,
    _nodeprop_module,
    ogb_dataset_dir,
    ogb_offline,
    ogb_root,
    write_ogb_node_dataset,
)
from graphlabels.graph import Graph, to_undirected


def tiny(n: int = 30) -> Graph:
    gen = torch.Generator().manual_seed(0)
    ei = torch.randint(0, n, (2, 80), generator=gen)
    ei, _ = to_undirected(ei[:, ei[0] != ei[1]], num_nodes=n)
    masks = [torch.zeros(n, dtype=torch.bool) for _ in range(3)]
    masks[0][:10], masks[1][10:20], masks[2][20:] = True, True, True
    y = torch.arange(n) % 3
    return Graph(
        ei,
        n,
        x=torch.randn(n, 4, generator=gen),
        y=y,
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
    )


@pytest.mark.parametrize("name", OGB_NODE)
def test_round_trip_through_ogb(tmp_path, name):
    g = tiny()
    d = write_ogb_node_dataset(tmp_path, name, g)
    assert d == tmp_path / "ogb" / name.replace("-", "_")
    for _ in range(2):  # raw files first, then OGB's processed cache (torch.load)
        h = load(name, tmp_path)
        assert h.name == name and h.num_nodes == 30
        assert torch.allclose(h.x, g.x)
        assert torch.equal(h.y, g.y)
        for key in ("train_mask", "val_mask", "test_mask"):
            assert torch.equal(getattr(h, key), getattr(g, key))
        assert sorted(map(tuple, h.edge_index.t().tolist())) == sorted(
            map(tuple, g.edge_index.t().tolist())
        )
    assert (d / "processed" / "data_processed").is_file()


def test_missing_release_file_does_not_prompt(tmp_path):
    d = write_ogb_node_dataset(tmp_path, "ogbn-arxiv", tiny())
    (d / "RELEASE_v1.txt").unlink()
    # OGB would call input() here; under pytest that raises. It must not be called.
    assert load("ogbn-arxiv", tmp_path).num_nodes == 30
    assert (d / "raw" / "edge.csv.gz").is_file()  # nothing deleted


def test_missing_processed_folder_is_created(tmp_path):
    d = write_ogb_node_dataset(tmp_path, "ogbn-arxiv", tiny())
    (d / "processed").rmdir()
    assert load("ogbn-arxiv", tmp_path).num_nodes == 30


@pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")
def test_patches_are_narrow_and_needed(tmp_path):
    write_ogb_node_dataset(tmp_path, "ogbn-arxiv", tiny())
    load("ogbn-arxiv", tmp_path)  # writes processed/data_processed
    module = _nodeprop_module()
    assert module.torch is torch and "input" not in vars(module)
    with ogb_offline(module) as m:
        assert m.torch is not torch
        m.NodePropPredDataset("ogbn-arxiv", root=str(ogb_root(tmp_path)))
    assert module.torch is torch and "input" not in vars(module)
    # without the context, torch >= 2.6 refuses OGB's processed file
    with pytest.raises(Exception, match="weights_only"):
        module.NodePropPredDataset("ogbn-arxiv", root=str(ogb_root(tmp_path)))


def test_unlabelled_nodes_in_papers100m(tmp_path):
    g = tiny()
    y = g.y.clone()
    y[25:] = -1  # test nodes without labels, as in papers100M
    write_ogb_node_dataset(tmp_path, "ogbn-papers100M", g.replace(y=y))
    assert torch.equal(load("ogbn-papers100M", tmp_path).y, y)


def test_absent_dataset_error(tmp_path):
    with pytest.raises(DataFileError) as err:
        load("ogbn-products", tmp_path)
    msg = str(err.value)
    assert str(ogb_dataset_dir(tmp_path, "ogbn-products")) in msg
    assert "products.zip" in msg
    write_ogb_node_dataset(tmp_path, "ogbn-arxiv", tiny())
    with pytest.raises(ValueError, match="one official split"):
        load("ogbn-arxiv", tmp_path, split=3)


def test_products_needs_an_undirected_graph(tmp_path):
    g = tiny()
    directed = g.replace(edge_index=g.edge_index[:, g.edge_index[0] < g.edge_index[1]])
    with pytest.raises(ValueError, match="pass an undirected graph"):
        write_ogb_node_dataset(tmp_path, "ogbn-products", directed)


def test_does_not_import_pyg_or_dgl(tmp_path):
    code = (
        "import sys; from graphlabels.data import load; "
        "from graphlabels.data.ogb import write_ogb_node_dataset; "
        "from tests.data.test_ogb import tiny; "
        f"write_ogb_node_dataset({str(tmp_path)!r}, 'ogbn-arxiv', tiny()); "
        f"load('ogbn-arxiv', {str(tmp_path)!r}); "
        "print(sorted(m for m in ('torch_geometric', 'dgl') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
