"""benchmarks/dependencies/make_table.py: the study's difference-from-GCN table."""

from __future__ import annotations


def _row(method, density, acc):
    return {"method": method, "density": density, "test_acc": acc}


def test_gain_is_paired_difference_with_t_test_p_value(bench_script):
    # Differences 1, 2, 3: mean 2, t = 2 / (1 / sqrt(3)) = 3.464 on 2 degrees of
    # freedom, two-sided p = 0.0742. Differences -11, -10, -9: t = -17.3, p = 0.0033,
    # bold.
    gcn = [70.0, 80.0, 90.0]
    data = {
        "study": {
            "g": {
                "densities": [0.01, 0.5],
                "rows": [
                    _row("gcn", 0.01, gcn),
                    _row("gmnn", 0.01, [71.0, 82.0, 93.0]),
                    _row("gcn", 0.5, gcn),
                    _row("gmnn", 0.5, [59.0, 70.0, 81.0]),
                    _row("mlp", 0.5, [60.0, 60.0, 60.0]),
                ],
            }
        }
    }
    table = bench_script("dependencies/make_table.py").gain_table(data)
    lines = table.splitlines()
    assert lines[0] == "| dataset | method | 1% | 50% |"
    assert lines[2] == "| g | gmnn | +2.00 (p 0.074) | **-10.00 (p 0.0033)** |"
    assert lines[3].startswith("| g | mlp | - | -20.00 (p 0.")
    assert len(lines) == 4  # no row for the GCN against itself
