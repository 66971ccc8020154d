import numpy as np
import torch

from graphlabels.cli import COMMANDS, main
from graphlabels.data.ogb import write_ogb_node_dataset
from graphlabels.data.ondisk import open_ondisk
from graphlabels.data.synthetic import csbm


def _write(root, name="ogbn-papers100M"):
    g = csbm(60, num_classes=3, homophily=0.9, seed=0, as_graph=True)
    write_ogb_node_dataset(root, name, g)
    return g


def test_convert_writes_the_on_disk_folder(tmp_path, capsys):
    assert "convert" in COMMANDS
    g = _write(tmp_path)
    out = tmp_path / "out"
    argv = ["convert", "ogbn-papers100M", "--root", str(tmp_path), "--out", str(out)]
    assert main([*argv, "--x-dtype", "float32", "--quiet"]) == 0
    og = open_ondisk(out)
    assert torch.equal(og.x, g.x) and torch.equal(og.y, g.y)
    assert torch.equal(og.indptr, g.csr().rowptr)
    assert np.array_equal(og.indices.numpy(), g.csr().col.numpy())
    assert f"wrote {out}" in capsys.readouterr().out
    # a second run refuses the non-empty folder, --force replaces it
    assert main([*argv, "--quiet"]) == 2
    assert capsys.readouterr().err == (
        f"graphlabels: error: {out} is not empty: pass overwrite=True (--force) to "
        "replace it, or choose another output folder\n"
    )
    assert main([*argv, "--quiet", "--force", "--x-dtype", "bfloat16"]) == 0
    assert open_ondisk(out).x.dtype == torch.bfloat16


def test_convert_names_the_missing_file(tmp_path, capsys):
    argv = ["convert", "ogbn-arxiv", "--root", str(tmp_path), "--out", "x"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"graphlabels: error: ogbn-arxiv: {tmp_path}/ogb/ogbn_arxiv/raw/edge.csv.gz "
        "not found. It comes in OGB's archive"
    )
    assert f"unzip it into {tmp_path}/ogb and rename its folder to ogbn_arxiv" in err
    assert main(["convert", "ogbn-mag", "--root", ".", "--out", "x"]) == 2
    assert "invalid choice: 'ogbn-mag'" in capsys.readouterr().err
