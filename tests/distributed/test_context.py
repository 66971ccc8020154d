import time

import pytest
import torch.multiprocessing as mp
from workers import describe, fail_on, sleep_forever

from graphlabels import distributed
from graphlabels.distributed import context


@pytest.mark.parametrize("world", [2, 4])
def test_spawned_ranks_see_each_other(world):
    out = distributed.spawn(describe, world, timeout=120)
    assert [o["rank"] for o in out] == list(range(world))
    assert {o["world"] for o in out} == {world}
    assert [o["main"] for o in out] == [True] + [False] * (world - 1)
    assert {o["sum"] for o in out} == {world * (world + 1) / 2}
    assert {o["mean"] for o in out} == {(world - 1) / 2}
    assert {o["backend"] for o in out} == {"gloo"}


def test_outside_a_job_single_process_defaults():
    assert (distributed.rank(), distributed.world_size()) == (0, 1)
    assert distributed.is_main()
    import torch

    t = torch.ones(2)
    assert distributed.all_reduce(t) is t


def test_a_failing_rank_ends_the_job_without_waiting_for_the_timeout():
    # Whichever rank is reported first: the one that raised, or its peer whose
    # barrier lost the connection. Neither waits for the 60 s collective timeout.
    start = time.monotonic()
    with pytest.raises(
        mp.ProcessRaisedException,
        match="rank 1 fails|Connection (reset|closed)",
    ):
        distributed.spawn(fail_on, 2, (1,), timeout=120, collective_timeout=60)
    assert time.monotonic() - start < 60


def test_the_whole_job_is_bounded_in_time():
    with pytest.raises(TimeoutError, match="did not finish in 5 s; all were killed"):
        distributed.spawn(sleep_forever, 2, timeout=5)


def test_init_without_a_launcher_names_torchrun(monkeypatch):
    for k in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(k, raising=False)
    with pytest.raises(RuntimeError, match="Start the job with torchrun"):
        distributed.init()


@pytest.mark.parametrize("text", ["0", "-3", "soon"])
def test_bad_timeout_in_the_environment(monkeypatch, text):
    monkeypatch.setenv("GRAPHLABELS_DIST_TIMEOUT", text)
    with pytest.raises(ValueError, match="GRAPHLABELS_DIST_TIMEOUT must be a positive"):
        context.timeout()


def test_timeout_default_and_override(monkeypatch):
    monkeypatch.delenv("GRAPHLABELS_DIST_TIMEOUT", raising=False)
    assert context.timeout() == distributed.DEFAULT_TIMEOUT
    monkeypatch.setenv("GRAPHLABELS_DIST_TIMEOUT", "12.5")
    assert context.timeout().total_seconds() == 12.5


def test_spawn_rejects_bad_arguments():
    with pytest.raises(ValueError, match="world_size must be >= 1"):
        distributed.spawn(describe, 0)
    with pytest.raises(ValueError, match="timeout must be > 0"):
        distributed.spawn(describe, 2, timeout=0)
