import statistics

import pytest

from graphlabels.train import Logger


def test_best_validation_epoch_and_statistics(capsys):
    log = Logger(2)
    log.add_result(0, (90.0, 70.0, 69.0))
    log.add_result(0, (95.0, 71.0, 68.0))
    log.add_result(0, (99.0, 71.0, 60.0))  # tie on val: the first epoch wins
    log.add_result(1, (91.0, 72.0, 70.0))
    assert log.best() == [(95.0, 71.0, 68.0), (91.0, 72.0, 70.0)]
    s = log.statistics()
    assert s["test"] == pytest.approx((69.0, statistics.stdev([68.0, 70.0])))
    log.print_statistics()
    assert "Final Test: 69.00 ± 1.41" in capsys.readouterr().out


def test_logger_errors():
    with pytest.raises(ValueError, match="runs must be >= 1"):
        Logger(0)
    log = Logger(1)
    with pytest.raises(ValueError, match="expected \\(train, val, test\\)"):
        log.add_result(0, (1.0, 2.0))
    with pytest.raises(IndexError, match="run 3 out of range"):
        log.add_result(3, (1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="no results recorded"):
        log.statistics()
