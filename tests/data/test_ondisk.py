import json

import numpy as np
import pytest
import torch

from graphlabels.data.ondisk import OnDiskGraph, convert_ogb, open_ondisk, write_ondisk
from graphlabels.data.synthetic import csbm
from graphlabels.graph import Graph, to_undirected
from graphlabels.nn import SAGE
from graphlabels.nn.inference import layerwise_inference
from graphlabels.sampling import NeighborSampler
from graphlabels.train.minibatch import MiniBatchTrainer


@pytest.fixture
def graph():
    g = csbm(120, num_classes=3, homophily=0.9, seed=0, as_graph=True)
    w = torch.rand(g.num_edges, generator=torch.Generator().manual_seed(0))
    return g.replace(edge_weight=w, name="csbm")


@pytest.mark.parametrize("x_dtype", ["float32", "float16", "bfloat16"])
@pytest.mark.parametrize("index_dtype", ["int32", "int64"])
def test_round_trip_memory_mapped(tmp_path, graph, x_dtype, index_dtype):
    path = write_ondisk(graph, tmp_path / "g", x_dtype=x_dtype, index_dtype=index_dtype)
    og = open_ondisk(path)
    assert og.num_nodes == graph.num_nodes and og.num_edges == graph.num_edges
    assert og.num_classes == graph.num_classes and og.name == "csbm"
    # every array is a memory map, and the tensors view it without a copy
    for key, t in (("x", og.x), ("indices", og.indices), ("indptr", og.indptr)):
        assert isinstance(og.arrays[key], np.memmap)
        assert t.data_ptr() == og.arrays[key].ctypes.data
    assert og.indices.dtype == getattr(torch, index_dtype)
    assert og.x.dtype == getattr(torch, x_dtype)
    # the CSR is Graph.csr() (same order), with the index array still mapped
    A, B = og.csr(), graph.csr()
    assert og.csr().col.data_ptr() == og.arrays["indices"].ctypes.data
    assert torch.equal(A.rowptr, B.rowptr) and torch.equal(A.col.long(), B.col)
    torch.testing.assert_close(A.value, B.value)
    back = og.to_graph()
    assert torch.equal(back.edge_index, B.to_edge_index())
    assert torch.equal(back.y, graph.y)
    for m in ("train_mask", "val_mask", "test_mask"):
        assert torch.equal(getattr(back, m), getattr(graph, m))
    torch.testing.assert_close(back.x, graph.x.to(og.x.dtype).float())
    assert "OnDiskGraph(csbm" in repr(og)


def test_write_from_csr_arrays(tmp_path, graph):
    A = graph.csr()
    arrays = {
        "indptr": A.rowptr.numpy(),
        "indices": A.col.int().numpy(),
        "x": graph.x.numpy(),
        "train_idx": np.array([0, 5, 7]),
    }
    og = OnDiskGraph(write_ondisk(arrays, tmp_path / "a"))
    assert torch.equal(og.csr().col.long(), A.col)
    assert og.y is None and og.val_mask is None
    assert og.train_mask.nonzero().view(-1).tolist() == [0, 5, 7]
    meta = json.loads((tmp_path / "a" / "meta.json").read_text())
    assert meta["index_dtype"] == "int32" and meta["num_features"] == graph.num_features


def test_sampling_and_inference_read_the_maps(tmp_path, graph):
    og = OnDiskGraph(write_ondisk(graph, tmp_path / "g", x_dtype="float16"))
    seeds = torch.tensor([3, 1, 4])
    a = NeighborSampler(og, [4, 4]).sample(seeds, torch.Generator().manual_seed(0))
    b = NeighborSampler(graph, [4, 4]).sample(seeds, torch.Generator().manual_seed(0))
    assert torch.equal(a.n_id, b.n_id)
    model = SAGE(graph.num_features, 3).eval()
    with torch.no_grad():
        full = model(graph.x.half().float(), graph.csr())
    torch.testing.assert_close(layerwise_inference(model, og, chunk_size=50), full)


def test_minibatch_trainer_on_disk_equals_in_memory(tmp_path, graph):
    og = OnDiskGraph(write_ondisk(graph, tmp_path / "g"))

    def run(g):
        torch.manual_seed(0)
        model = SAGE(graph.num_features, 3)
        trainer = MiniBatchTrainer(batch_size=16, fanouts=(3, 3), epochs=3)
        return trainer(model, g, seed=0)

    a, b = run(og), run(graph)
    torch.testing.assert_close(a.logits, b.logits)
    assert a.test_acc == b.test_acc


def _ogb_graph(undirected: bool) -> Graph:
    """50 nodes, repeated edges, self loops, isolated nodes; 2 unlabelled."""
    gen = torch.Generator().manual_seed(1)
    n = 50
    ei = torch.randint(0, 45, (2, 300), generator=gen)
    ei = torch.cat([ei, ei[:, :20], torch.tensor([[3, 7], [3, 7]])], 1)
    if undirected:  # as products: no self loops, each edge once per direction
        ei, _ = to_undirected(ei[:, ei[0] != ei[1]], num_nodes=n)
    y = torch.randint(0, 4, (n,), generator=gen)
    perm = torch.randperm(n, generator=gen)
    y[perm[45:47]] = -1
    masks = [torch.zeros(n, dtype=torch.bool) for _ in range(3)]
    for m, ids in zip(masks, (perm[:20], perm[20:30], perm[30:45]), strict=True):
        m[ids] = True
    x = torch.randn(n, 6, generator=gen)
    return Graph(ei, n, x=x, y=y, train_mask=masks[0], val_mask=masks[1],
                 test_mask=masks[2])  # fmt: skip


@pytest.mark.parametrize(
    ("name", "undirected", "stored"),
    [
        ("ogbn-arxiv", False, False),
        ("ogbn-arxiv", True, False),
        ("ogbn-products", False, False),
        ("ogbn-papers100M", False, False),
        ("ogbn-papers100M", True, False),
        ("ogbn-papers100M", False, True),
        ("ogbn-papers100M", True, True),
    ],
)
def test_convert_ogb_streams_the_raw_files(
    tmp_path, monkeypatch, name, undirected, stored
):
    import graphlabels.data.ondisk as ondisk
    from graphlabels.data.ogb import ogb_dataset_dir, write_ogb_node_dataset

    # chunks that divide nothing: every array is read in several pieces
    monkeypatch.setattr(ondisk, "_EDGE_CHUNK", 37)
    monkeypatch.setattr(ondisk, "_CHUNK_ROWS", 7)
    g = _ogb_graph(undirected=name == "ogbn-products")
    write_ogb_node_dataset(tmp_path, name, g)
    if stored:  # OGB's real data.npz is a stored (uncompressed) archive
        data = ogb_dataset_dir(tmp_path, name) / "raw" / "data.npz"
        arrays = dict(np.load(data))
        np.savez(data, **arrays)
    out = convert_ogb(name, tmp_path, tmp_path / "out", undirected=undirected)
    og = open_ondisk(out)
    ref = g.to_undirected() if undirected else g
    # OGB's loader adds the reverse of each products edge; g already has both
    assert og.num_nodes == 50 and og.num_edges == ref.num_edges
    assert torch.equal(og.indptr, ref.csr().rowptr)
    assert torch.equal(og.csr().col.long(), ref.csr().col)
    assert og.indices.dtype == torch.int32 and og.x.dtype == torch.float16
    assert torch.equal(og.x, g.x.half())
    assert torch.equal(og.y, g.y) and og.num_classes == 4
    for a, b in ((og.train_mask, g.train_mask), (og.val_mask, g.val_mask),
                 (og.test_mask, g.test_mask)):  # fmt: skip
        assert torch.equal(a, b)
    assert og.meta["undirected"] is undirected and og.name == name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ogb", "out"]


def test_convert_ogb_refuses_and_leaves_nothing_half_written(tmp_path, monkeypatch):
    import graphlabels.data.ondisk as ondisk
    from graphlabels.data.ogb import write_ogb_node_dataset

    with pytest.raises(FileNotFoundError, match=r"raw/data.npz not found.*unzip"):
        convert_ogb("ogbn-papers100M", tmp_path, tmp_path / "out")
    with pytest.raises(ValueError, match="unknown OGB node dataset 'ogbn-mag'"):
        convert_ogb("ogbn-mag", tmp_path, tmp_path / "out")
    g = _ogb_graph(undirected=False)
    d = write_ogb_node_dataset(tmp_path, "ogbn-arxiv", g)
    (d / "split" / "time" / "valid.csv.gz").unlink()
    with pytest.raises(FileNotFoundError, match="split/time/valid.csv.gz not found"):
        convert_ogb("ogbn-arxiv", tmp_path, tmp_path / "out")
    write_ogb_node_dataset(tmp_path, "ogbn-arxiv", g)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    with pytest.raises(ValueError, match="is not empty: pass overwrite=True"):
        convert_ogb("ogbn-arxiv", tmp_path, out)

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ondisk, "_write_x_chunks", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        convert_ogb("ogbn-arxiv", tmp_path, out, overwrite=True)
    # the old folder is untouched and no temporary folder is left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ogb", "out"]
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    monkeypatch.undo()
    convert_ogb("ogbn-arxiv", tmp_path, out, overwrite=True)
    assert not (out / "keep.txt").exists() and open_ondisk(out).num_nodes == 50


def test_bad_inputs(tmp_path, graph):
    with pytest.raises(FileNotFoundError, match="write the folder with"):
        OnDiskGraph(tmp_path)
    with pytest.raises(ValueError, match="x_dtype must be one of"):
        write_ondisk(graph, tmp_path / "x", x_dtype="int8")
    with pytest.raises(ValueError, match="unknown arrays"):
        write_ondisk({"edges": 1}, tmp_path / "x")
    with pytest.raises(ValueError, match="pass edge_index, or indptr and indices"):
        write_ondisk({"num_nodes": 3}, tmp_path / "x")
    with pytest.raises(ValueError, match="indptr must have num_nodes"):
        write_ondisk(
            {"indptr": np.array([0, 1]), "indices": np.array([0, 0]), "num_nodes": 1},
            tmp_path / "x",
        )
    path = write_ondisk(graph, tmp_path / "g")
    meta = json.loads((path / "meta.json").read_text())
    meta["format_version"] = 99
    (path / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="rewrite it with write_ondisk"):
        OnDiskGraph(path)
