import math
import signal

import pytest
import torch
from train_workers import RecordingTrainer, fit, launch, make_graph, make_model

from graphlabels import distributed
from graphlabels.train import MiniBatchTrainer, Trainer, mean_std

SETTINGS = dict(batch_size=64, fanouts=(5, 5), lr=0.01, prefetch=0)


def test_is_a_trainer_and_copies_a_minibatch_trainer():
    mini = MiniBatchTrainer(batch_size=32, fanouts=(3, 3), epochs=4, lr=0.1)
    trainer = distributed.DistributedTrainer.from_trainer(mini, checkpoint_every=2)
    assert isinstance(trainer, Trainer)
    assert (trainer.batch_size, trainer.fanouts, trainer.epochs, trainer.lr) == (
        32,
        (3, 3),
        4,
        0.1,
    )
    assert trainer.checkpoint_every == 2 and trainer.checkpoint_dir is None


@pytest.mark.parametrize("seed", [3, None])
def test_outside_a_job_it_is_the_minibatch_trainer(seed):
    graph = make_graph({"graph": "csbm"})
    results = []
    for cls in (MiniBatchTrainer, distributed.DistributedTrainer):
        torch.manual_seed(0)  # the initial weights (and, seed=None, the draws)
        model = make_model("sage", graph)
        results.append(cls(epochs=3, **SETTINGS)(model, graph, seed=seed))
    mini, dist = results
    torch.testing.assert_close(dist.logits, mini.logits, rtol=0, atol=0)
    assert (dist.best_epoch, dist.epochs_run) == (mini.best_epoch, mini.epochs_run)


def _same_on_every_rank(per_rank):
    """Every run's parameters after every step, and its result, are identical."""
    first = per_rank[0]
    for other in per_rank[1:]:
        for a, b in zip(first, other, strict=True):
            assert len(a["checksums"]) == len(b["checksums"]) > 0
            assert a["checksums"] == b["checksums"]
            for p, q in zip(a["params"], b["params"], strict=True):
                torch.testing.assert_close(p, q, rtol=0, atol=0)
            torch.testing.assert_close(a["logits"], b["logits"], rtol=0, atol=0)
            for key in ("test_acc", "val_acc", "best_epoch", "epochs_run"):
                assert a[key] == b[key]


def test_two_ranks_on_cora_match_one_process(data_root):
    # GCN and SAGE, 3 seeds each: the mean test accuracy of 2 processes lies
    # within 5 standard errors of the difference of the means of 1 process
    # (about the two-sided 99.5% quantile of Student's t with 4 degrees of freedom)
    spec = {
        "graph": "cora",
        "root": str(data_root),
        "models": ["gcn", "sage"],
        "seeds": [0, 1, 2],
        "trainer": dict(
            epochs=12, patience=None, eval_every=3, **{**SETTINGS, "batch_size": 70}
        ),
    }
    per_rank = distributed.spawn(fit, 2, (spec,), timeout=600)
    _same_on_every_rank(per_rank)
    one = fit(0, spec)
    # batch_size is global: 2 ranks take as many steps per epoch as 1 process
    assert [len(r["checksums"]) for r in per_rank[0]] == [
        len(r["checksums"]) for r in one
    ]
    for name in spec["models"]:
        a = [r["test_acc"] for r in one if r["model"] == name]
        b = [r["test_acc"] for r in per_rank[0] if r["model"] == name]
        (ma, sa), (mb, sb) = mean_std(a), mean_std(b)
        se = math.sqrt(sa**2 / len(a) + sb**2 / len(b))
        assert min(ma, mb) > 65.0, (name, a, b)
        assert abs(ma - mb) <= 5 * se, (name, a, b)


def test_four_ranks_stop_at_the_same_epoch(tmp_path):
    from graphlabels.data.ondisk import write_ondisk

    # every rank maps the same on-disk graph; random training targets make
    # validation stop improving within a few epochs
    spec = {
        "graph": "ondisk",
        "path": str(write_ondisk(make_graph({"graph": "csbm"}), tmp_path / "g")),
        "models": ["sage"],
        "seeds": [0],
        "noise": True,
        "trainer": dict(epochs=30, patience=2, **{**SETTINGS, "batch_size": 48}),
    }
    per_rank = distributed.spawn(fit, 4, (spec,), timeout=300)
    _same_on_every_rank(per_rank)
    runs = [r[0] for r in per_rank]
    assert {r["epochs_run"] for r in runs} == {runs[0]["epochs_run"]}
    assert runs[0]["epochs_run"] < 30
    assert runs[0]["epochs_run"] == runs[0]["best_epoch"] + 3


def _train_csbm(rank, checkpoint_dir):
    graph = make_graph({"graph": "csbm"})
    torch.manual_seed(0)
    trainer = RecordingTrainer(epochs=6, **SETTINGS, checkpoint_dir=checkpoint_dir)
    return trainer(make_model("sage", graph), graph, seed=0).test_acc


def test_a_killed_rank_ends_the_others_with_a_clear_message(tmp_path):
    # rank 1 kills itself after its first batch of epoch 2 (0-based)
    env = {"GRAPHLABELS_TEST_KILL_AT_EPOCH": "2"}
    ck = tmp_path / "ck"
    out = launch(
        _train_csbm,
        2,
        (str(ck),),
        out=str(tmp_path),
        seconds=60,
        timeout=300,
        env=env,
    )
    assert out[1] is None  # killed: wrote nothing
    err = out[0]["error"]
    assert err.startswith("PeerFailure: rank 0 of 2: a collective failed, so another")
    assert "Collectives wait at most 60 s (GRAPHLABELS_DIST_TIMEOUT" in err
    assert f"Resume from the checkpoint {ck / 'train-0000.pt'}" in err
    assert out[0]["seconds"] < 60  # a closed connection fails at once
    assert distributed.load_checkpoint(ck / "train-0000.pt")["epoch"] == 1


def test_a_hung_rank_ends_the_others_after_the_timeout(tmp_path):
    env = {
        "GRAPHLABELS_TEST_KILL_AT_EPOCH": "1",
        "GRAPHLABELS_TEST_KILL_SIGNAL": signal.SIGSTOP.name,
    }
    out = launch(
        _train_csbm,
        2,
        (None,),
        out=str(tmp_path),
        seconds=5,
        timeout=300,
        env=env,
        wait=[0],
    )
    err = out[0]["error"]
    assert "rank 0 of 2: a collective failed" in err
    assert "Collectives wait at most 5 s" in err
    assert "No checkpoint to resume from: pass checkpoint_dir" in err
    assert out[0]["seconds"] >= 5
