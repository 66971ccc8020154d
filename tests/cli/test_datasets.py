import json

from graphlabels.cli import main
from graphlabels.cli.datasets import rows


def test_table_lists_sizes_and_presence(capsys, data_root):
    assert main(["datasets", "--root", str(data_root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"data root: {data_root}"
    assert out[1].split() == [
        "name",
        "family",
        "nodes",
        "edges",
        "features",
        "classes",
        "present",
    ]
    by_name = {line.split()[0]: line.split() for line in out[2:]}
    assert by_name["cora"] == [
        "cora",
        "planetoid",
        "2,708",
        "10,556",
        "1,433",
        "7",
        "yes",
    ]
    assert by_name["pubmed"][-1] == "no"  # ind.pubmed.allx is missing here
    assert by_name["cornell"][-1] == "no"  # its feature file is Texas's
    assert by_name["ogbn-arxiv"][-1] == "no"
    assert by_name["amazon-photo"][2:] == ["7,650", "238,162", "745", "8", "yes"]


def test_json_and_family_filter(capsys, data_root, tmp_path):
    assert (
        main(["datasets", "--root", str(tmp_path), "--family", "shchur", "--json"]) == 0
    )
    table = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in table] == [
        "amazon-computers",
        "amazon-photo",
        "coauthor-cs",
        "coauthor-physics",
    ]
    assert all(r["present"] == "no" for r in table)
    assert {r["name"] for r in rows(str(data_root)) if r["present"] == "yes"} >= {
        "cora",
        "citeseer",
        "texas",
        "chameleon",
        "wikivitals",
    }
