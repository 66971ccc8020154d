import json
import shutil

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from graphlabels.cli import main
from graphlabels.data.local import load_local, resolve
from graphlabels.data.splits import per_class_split
from graphlabels.graph import Graph

pytestmark = pytest.mark.usefixtures("one_thread")


def small_graph(n: int = 240, classes: int = 3) -> Graph:
    """Three feature clusters on a ring with chords, every edge in both directions."""
    gen = torch.Generator().manual_seed(0)
    y = torch.arange(n) % classes
    x = (
        torch.randn(n, 5, generator=gen)
        + 2.0 * torch.nn.functional.one_hot(y, 5).float()
    )
    src = torch.arange(n)
    edges = torch.cat(
        [torch.stack([src, (src + 1) % n]), torch.stack([src, (src + classes) % n])],
        dim=1,
    )
    ei = torch.cat([edges, edges.flip(0)], dim=1)
    return Graph(ei, n, x=x, y=y, class_names=["a", "b", "c"]).to_undirected()


def write_folder(path, g: Graph, header: bool = True, split: str | None = None):
    path.mkdir()
    lines = ["source,target"] if header else []
    lines += [f"{s},{t}" for s, t in g.edge_index.t().tolist()]
    (path / "edges.csv").write_text("\n".join(lines) + "\n")
    np.save(path / "features.npy", g.x.numpy())
    np.save(path / "labels.npy", g.y.numpy())
    if split is not None:
        tr, va, te = per_class_split(g.y, 7, 5, 5)
        for part, m in zip(("train", "val", "test"), (tr, va, te), strict=True):
            arr = m.numpy() if split == "mask" else m.nonzero().view(-1).numpy()
            np.save(path / f"{part}_{split}.npy", arr)
        return tr, va, te
    return None


def edges(g: Graph) -> set[tuple[int, int]]:
    return set(map(tuple, g.edge_index.t().tolist()))


def same_structure(a: Graph, b: Graph) -> None:
    assert a.num_nodes == b.num_nodes and a.num_edges == b.num_edges
    assert edges(a) == edges(b)
    assert torch.equal(a.y, b.y)
    assert torch.allclose(a.x, b.x)


# -- edges.csv folder --------------------------------------------------------------
@pytest.mark.parametrize("header", [True, False])
def test_folder_without_split_gets_a_recorded_stratified_split(tmp_path, header):
    g = small_graph()
    write_folder(tmp_path / "mine", g, header=header)
    out = load_local(tmp_path / "mine", seed=3)
    same_structure(out, g)
    assert out.name == "mine"
    tr, va, te = per_class_split(g.y, 3, 20, 30)
    assert torch.equal(out.train_mask, tr) and torch.equal(out.val_mask, va)
    assert torch.equal(out.test_mask, te)
    assert out.train_mask.sum() == 3 * 20 and out.val_mask.sum() == 3 * 30
    assert out.test_mask.sum() == 240 - 150
    for c in range(3):  # stratified: 20 training nodes in every class
        assert int(out.train_mask[g.y == c].sum()) == 20
    assert out.split_info == {
        "source": "generated",
        "method": "per_class",
        "train_per_class": 20,
        "val_per_class": 30,
        "test": "every other labelled node",
        "seeds": [3],
        "function": "graphlabels.data.splits.per_class_split",
    }


def test_split_sizes_and_several_seeds(tmp_path):
    g = small_graph()
    write_folder(tmp_path / "g", g)
    out = load_local(tmp_path / "g", seed=1, num_splits=3, train_per_class=4,
                     val_per_class=6)  # fmt: skip
    assert out.num_splits == 3 and out.split_info["seeds"] == [1, 2, 3]
    for s, seed in enumerate((1, 2, 3)):
        tr, va, _ = per_class_split(g.y, seed, 4, 6)
        assert torch.equal(out.train_mask[:, s], tr)
        assert torch.equal(out.val_mask[:, s], va)


def test_a_split_without_test_nodes_names_the_fix(tmp_path, capsys):
    g = small_graph(n=120)  # 40 per class: 20 + 30 leaves no test nodes
    write_folder(tmp_path / "g", g)
    with pytest.raises(ValueError, match=r"g: a split with 20 training and 30 "
                       "validation nodes per class leaves no test nodes"):  # fmt: skip
        load_local(tmp_path / "g")
    out = load_local(tmp_path / "g", train_per_class=10, val_per_class=10)
    assert int(out.test_mask.sum()) == 120 - 60
    assert main(["train", str(tmp_path / "g"), "--epochs", "1", "--runs", "1"]) == 2
    assert "--split-per-class TRAIN,VAL" in capsys.readouterr().err
    path = tmp_path / "r.json"
    assert main(["train", str(tmp_path / "g"), "--epochs", "1", "--runs", "1",
                 "--split-per-class", "10,5", "--split-seed", "4", "--quiet",
                 "--json", str(path)]) == 0  # fmt: skip
    split = json.loads(path.read_text())["split"]
    assert split["seeds"] == [4] and split["train_per_class"] == 10
    assert split["val_per_class"] == 5


@pytest.mark.parametrize("kind", ["idx", "mask"])
def test_folder_split_files_are_used(tmp_path, kind):
    g = small_graph()
    tr, va, te = write_folder(tmp_path / "g", g, split=kind)
    out = load_local(tmp_path / "g")
    assert torch.equal(out.train_mask, tr) and torch.equal(out.val_mask, va)
    assert torch.equal(out.test_mask, te)
    assert out.split_info == {
        "source": "file",
        "path": str(tmp_path / "g"),
        "num_splits": 1,
    }


def test_folder_class_names_and_texts(tmp_path):
    g = small_graph()
    write_folder(tmp_path / "g", g)
    (tmp_path / "g" / "class_names.json").write_text(json.dumps(["x", "y", "z"]))
    texts = [f"node {i}" for i in range(g.num_nodes)]
    (tmp_path / "g" / "texts.json").write_text(json.dumps(texts))
    out = load_local(tmp_path / "g")
    assert out.class_names == ["x", "y", "z"] and list(out.texts) == texts


def test_folder_errors_name_the_file(tmp_path):
    g = small_graph()
    d = tmp_path / "g"
    write_folder(d, g)
    (d / "features.npy").unlink()
    with pytest.raises(FileNotFoundError, match=r"g/features\.npy is missing"):
        load_local(d)
    np.save(d / "features.npy", g.x[:-1].numpy())
    with pytest.raises(ValueError, match=r"features\.npy has shape \[239, 5\] but "
                       r"labels\.npy has 240 entries"):  # fmt: skip
        load_local(d)
    np.save(d / "features.npy", g.x.numpy())
    np.save(d / "labels.npy", g.y.numpy() + 0.5)
    with pytest.raises(ValueError, match=r"labels\.npy holds float64 values: store "
                       "integer class ids"):  # fmt: skip
        load_local(d)
    np.save(d / "labels.npy", g.y.numpy().astype(np.float32))  # integral floats
    assert torch.equal(load_local(d).y, g.y)
    (d / "edges.csv").write_text("0,1\n1,240\n")
    with pytest.raises(ValueError, match=r"edges\.csv has node id 240 but "
                       "labels.npy has 240 nodes"):  # fmt: skip
        load_local(d)
    (d / "edges.csv").write_text("0,1,2\n1,2,3\n")
    with pytest.raises(ValueError, match=r"edges\.csv has 3 columns"):
        load_local(d)
    (d / "edges.csv").write_text("0,1\n")
    np.save(d / "train_idx.npy", np.arange(5))
    with pytest.raises(FileNotFoundError, match="has train_idx.npy but not "
                       "val_idx.npy, test_idx.npy"):  # fmt: skip
        load_local(d)


def test_unknown_file_and_folder(tmp_path):
    (tmp_path / "g.txt").write_text("x")
    with pytest.raises(ValueError, match=r"unknown file type '\.txt'"):
        load_local(tmp_path / "g.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="folder without edges.csv, raw/ or meta.json"):
        load_local(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_local(tmp_path / "nothing")
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match=r"other\.npz is not a graph \.npz"):
        load_local(tmp_path / "other.npz")


# -- .npz --------------------------------------------------------------------------
def write_shchur(path, g: Graph) -> None:
    n = g.num_nodes
    adj = sp.csr_matrix(
        (np.ones(g.num_edges), g.edge_index.numpy()), shape=(n, n)
    )  # fmt: skip
    attr = sp.csr_matrix(g.x.numpy() > 1.0).astype(np.float32)
    np.savez(
        path,
        adj_data=adj.data,
        adj_indices=adj.indices,
        adj_indptr=adj.indptr,
        adj_shape=np.array(adj.shape),
        attr_data=attr.data,
        attr_indices=attr.indices,
        attr_indptr=attr.indptr,
        attr_shape=np.array(attr.shape),
        labels=g.y.numpy(),
        class_names=np.array(g.class_names),
    )


def test_shchur_npz(tmp_path):
    g = small_graph()
    write_shchur(tmp_path / "shop.npz", g)
    out = load_local(tmp_path / "shop.npz")
    assert edges(out) == edges(g) and torch.equal(out.y, g.y)
    assert torch.equal(out.x, (g.x > 1.0).float())  # binary, as read_npz makes it
    assert out.class_names == ["a", "b", "c"] and out.name == "shop"
    assert out.split_info["source"] == "generated"


def test_yandex_npz_with_and_without_masks(tmp_path):
    g = small_graph()
    one_way = g.edge_index[:, g.edge_index[0] < g.edge_index[1]]
    masks = [per_class_split(g.y, s, 5, 5) for s in range(2)]
    stacked = [np.stack([m[i].numpy() for m in masks]) for i in range(3)]  # [S, N]
    np.savez(
        tmp_path / "het.npz",
        node_features=g.x.numpy(),
        node_labels=g.y.numpy(),
        edges=one_way.t().numpy(),
        train_masks=stacked[0],
        val_masks=stacked[1],
        test_masks=stacked[2],
    )
    out = load_local(tmp_path / "het.npz")
    same_structure(out, g)  # made undirected, as the registry loader does
    assert out.num_splits == 2
    assert torch.equal(out.train_mask[:, 1], masks[1][0])
    assert out.split_info["source"] == "file"
    np.savez(tmp_path / "bare.npz", node_features=g.x.numpy(),
             node_labels=g.y.numpy(), edges=one_way.t().numpy())  # fmt: skip
    assert load_local(tmp_path / "bare.npz").split_info["source"] == "generated"
    np.savez(tmp_path / "bad.npz", node_features=g.x.numpy(),
             node_labels=g.y.numpy(), edges=one_way.numpy())  # fmt: skip
    with pytest.raises(ValueError, match=r"bad\.npz: edges has shape \[2, "):
        load_local(tmp_path / "bad.npz")


# -- PyG Data ----------------------------------------------------------------------
def test_pyg_data_file(tmp_path):
    from torch_geometric.data import Data

    g = small_graph()
    data = Data(x=g.x, edge_index=g.edge_index, y=g.y.view(-1, 1))
    torch.save(data, tmp_path / "data.pt")
    out = load_local(tmp_path / "data.pt")
    same_structure(out, g)
    assert out.split_info["source"] == "generated"
    tr, va, te = per_class_split(g.y, 0, 5, 5)
    torch.save(
        Data(x=g.x, edge_index=g.edge_index, y=g.y, train_mask=tr, val_mask=va,
             test_mask=te),
        tmp_path / "split.pth",
    )  # fmt: skip
    out = load_local(tmp_path / "split.pth")
    assert torch.equal(out.val_mask, va) and out.split_info["source"] == "file"
    torch.save({"weights": torch.zeros(2)}, tmp_path / "state.pt")
    with pytest.raises(ValueError, match="holds a dict, not a PyG Data"):
        load_local(tmp_path / "state.pt")


# -- OGB folder --------------------------------------------------------------------
def _with_split(g: Graph) -> Graph:
    tr, va, te = per_class_split(g.y, 0, 5, 5)
    return g.replace(train_mask=tr, val_mask=va, test_mask=te)


def test_ogb_folder_any_name(tmp_path):
    from graphlabels.data.ogb import write_ogb_node_dataset

    g = _with_split(small_graph())
    written = write_ogb_node_dataset(tmp_path, "ogbn-arxiv", g)
    mine = tmp_path / "mygraph"
    shutil.move(written, mine)
    out = load_local(mine)
    same_structure(out, g)
    assert torch.equal(out.train_mask, g.train_mask)
    assert torch.equal(out.test_mask, g.test_mask)
    assert out.split_info == {"source": "file", "path": str(mine), "num_splits": 1}


def test_ogb_folder_with_an_ogb_name_uses_ogb_metadata(tmp_path):
    from graphlabels.data.ogb import write_ogb_node_dataset

    g = _with_split(small_graph())
    d = write_ogb_node_dataset(tmp_path / "elsewhere", "ogbn-products", g)
    out = load_local(d)  # products: OGB adds the reverse of each stored edge
    same_structure(out, g)
    assert out.name == "ogbn_products"
    shutil.rmtree(d / "split")
    with pytest.raises(FileNotFoundError, match="must hold exactly one split"):
        load_local(d)


# -- resolve -----------------------------------------------------------------------
def test_resolve_name_or_path(tmp_path, data_root, monkeypatch):
    g = small_graph()
    write_folder(tmp_path / "cora", g)
    monkeypatch.chdir(tmp_path)
    # a registered name wins over a folder of that name; ./cora is the folder
    reg = resolve("cora", root=data_root)
    assert reg.num_nodes == 2708
    assert reg.split_info == {"source": "standard", "dataset": "cora", "num_splits": 1}
    assert resolve("./cora").num_nodes == g.num_nodes
    assert resolve(tmp_path / "cora").num_nodes == g.num_nodes
    with pytest.raises(FileNotFoundError, match=r"missing\.npz does not exist"):
        resolve("missing.npz")
    with pytest.raises(ValueError, match="unknown dataset 'coraa'.*or pass the path"):
        resolve("coraa", root=data_root)


def test_resolve_passes_verify(monkeypatch, data_root):
    from graphlabels.data import registry

    seen = []
    real = registry.load

    def spy(name, root=None, split=None, *, download=None, verify=False, **kw):
        seen.append(verify)
        return real(name, root, split, download=download, verify=verify, **kw)

    monkeypatch.setattr(registry, "load", spy)
    resolve("cora", root=data_root)
    resolve("cora", root=data_root, verify=False)
    assert seen == [True, False]


# -- through the command line ------------------------------------------------------
def _train(path, out):
    return main(["train", str(path), "--epochs", "5", "--runs", "2", "--quiet",
                 "--json", str(out)])  # fmt: skip


@pytest.mark.parametrize("fmt", ["folder", "shchur", "yandex", "pyg", "ogb"])
def test_cli_trains_on_every_format(tmp_path, fmt):
    g = small_graph()
    if fmt == "folder":
        path = tmp_path / "g"
        write_folder(path, g)
    elif fmt == "shchur":
        path = tmp_path / "g.npz"
        write_shchur(path, g)
    elif fmt == "yandex":
        path = tmp_path / "g.npz"
        np.savez(path, node_features=g.x.numpy(), node_labels=g.y.numpy(),
                 edges=g.edge_index.t().numpy())  # fmt: skip
    elif fmt == "pyg":
        from torch_geometric.data import Data

        path = tmp_path / "g.pt"
        torch.save(Data(x=g.x, edge_index=g.edge_index, y=g.y), path)
    else:
        from graphlabels.data.ogb import write_ogb_node_dataset

        path = write_ogb_node_dataset(tmp_path, "ogbn-arxiv", _with_split(g))
    out = tmp_path / "r.json"
    assert _train(path, out) == 0
    rec = json.loads(out.read_text())
    assert rec["dataset"] == str(path) and len(rec["test_acc"]) == 2
    if fmt == "ogb":
        assert rec["split"] == {"source": "file", "path": str(path), "num_splits": 1}
    else:
        assert rec["split"]["source"] == "generated"
        assert rec["split"]["seeds"] == [0]
        assert rec["split"]["train_per_class"] == 20


def test_cli_on_cora_written_as_a_folder(tmp_path, data_root):
    cora = resolve("cora", root=data_root)
    path = tmp_path / "my-cora"
    tr, va, te = (cora.train_mask, cora.val_mask, cora.test_mask)
    write_folder(path, cora)
    for part, m in zip(("train", "val", "test"), (tr, va, te), strict=True):
        np.save(path / f"{part}_mask.npy", m.numpy())
    out = tmp_path / "r.json"
    assert _train(path, out) == 0
    rec = json.loads(out.read_text())
    assert rec["split"] == {"source": "file", "path": str(path), "num_splits": 1}
    # the same graph, split and seeds as `graphlabels train cora`
    ref = tmp_path / "ref.json"
    assert main(["train", "cora", "--root", str(data_root), "--epochs", "5",
                 "--runs", "2", "--quiet", "--json", str(ref)]) == 0  # fmt: skip
    assert rec["test_acc"] == json.loads(ref.read_text())["test_acc"]


def test_ondisk_folder(tmp_path):
    from graphlabels.data.ondisk import write_ondisk

    g = _with_split(small_graph())
    write_ondisk(g, tmp_path / "disk", x_dtype="float32", name="mine")
    back = load_local(tmp_path / "disk")
    same_structure(back, g)
    assert torch.equal(back.x, g.x) and torch.equal(back.y, g.y)
    for m in ("train_mask", "val_mask", "test_mask"):
        assert torch.equal(getattr(back, m), getattr(g, m)), m
