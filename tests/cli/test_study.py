import json

from graphlabels.cli import main


def test_study_writes_table_json_and_plot(tmp_path, capsys):
    out = tmp_path / "study.json"
    png = tmp_path / "study.png"
    code = main(
        [
            "study",
            "cora",
            "--densities",
            "0.05",
            "--methods",
            "mlp,lp",
            "--repetitions",
            "2",
            "--epochs",
            "20",
            "--quiet",
            "--json",
            str(out),
            "--plot",
            str(png),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "content" in printed and "structure" in printed
    rec = json.loads(out.read_text())
    assert [r["method"] for r in rec["rows"]] == ["mlp", "lp"]
    assert rec["repetitions"] == 2 and len(rec["rows"][0]["test_acc"]) == 2
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_study_rejects_bad_options_before_any_work(capsys):
    assert main(["study", "cora", "--repetitions", "1"]) == 2
    assert "at least 2 repetitions" in capsys.readouterr().err
    assert main(["study", "cora", "--methods", "svm"]) == 2
    assert "unknown method(s) ['svm']" in capsys.readouterr().err
    assert main(["study", "cora", "--densities", "0,2"]) == 2
    assert "fractions in (0, 1)" in capsys.readouterr().err


def test_study_wikivitals_without_links_names_the_missing_file(capsys):
    assert main(["study", "wikivitals", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "__links_filtered_*.txt" in err and "wikivitals/main" in err
