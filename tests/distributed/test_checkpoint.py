import logging

import pytest
import torch
from train_workers import RecordingTrainer, make_graph, make_model

from graphlabels.distributed import (
    DistributedTrainer,
    checkpoint_path,
    load_checkpoint,
    save_checkpoint,
)

SETTINGS = dict(batch_size=64, fanouts=(5, 5), lr=0.01, patience=None, prefetch=0)


@pytest.fixture(scope="module")
def graph():
    return make_graph({"graph": "csbm"})


def test_save_is_atomic_and_load_round_trips(tmp_path):
    path = checkpoint_path(tmp_path / "ck", 3)
    assert path.name == "train-0003.pt" and load_checkpoint(path) is None
    save_checkpoint(path, {"epoch": 1, "w": torch.arange(3.0)})
    # a save that fails half-way keeps the previous checkpoint, and no temp file
    with pytest.raises(Exception):  # noqa: B017 (whatever torch.save raises)
        save_checkpoint(path, {"epoch": 2, "bad": lambda: None})
    assert [p.name for p in path.parent.iterdir()] == ["train-0003.pt"]
    state = load_checkpoint(path, None)
    assert state["epoch"] == 1 and torch.equal(state["w"], torch.arange(3.0))


def test_load_refuses_other_files_and_other_trainings(tmp_path):
    bad = tmp_path / "train-0000.pt"
    bad.write_text("not a checkpoint")
    with pytest.raises(ValueError, match="is not a readable checkpoint"):
        load_checkpoint(bad)
    torch.save({"epoch": 1}, bad)
    with pytest.raises(ValueError, match="is not a graphlabels checkpoint of format"):
        load_checkpoint(bad)
    save_checkpoint(bad, {"fingerprint": {"lr": 0.01, "seed": 1}})
    with pytest.raises(
        ValueError,
        match=r"written by a different training \(lr: 0.01 there, 0.02 now\): pass",
    ):
        load_checkpoint(bad, {"lr": 0.02, "seed": 1})


def _train(graph, epochs, seed=5, **kwargs):
    torch.manual_seed(seed)
    model = make_model("sage", graph)
    trainer = RecordingTrainer(epochs=epochs, **SETTINGS, **kwargs)
    return trainer, trainer(model, graph, seed=seed)


def test_a_resumed_training_equals_an_uninterrupted_one(graph, tmp_path, caplog):
    _, whole = _train(graph, 6)
    first, part = _train(graph, 3, checkpoint_dir=tmp_path)
    assert part.epochs_run == 3 and len(first.checksums) > 3
    with caplog.at_level(logging.INFO, logger="graphlabels.distributed"):
        second, rest = _train(graph, 6, checkpoint_dir=tmp_path)
    path = tmp_path / "train-0000.pt"
    assert (
        f"resumed from checkpoint {path}: 3 epochs done, continuing at epoch 4 of 6"
        in caplog.text
    )
    assert len(second.checksums) == len(first.checksums)  # epochs 4-6 only
    # model, optimiser, RNG and best-validation state all came back
    torch.testing.assert_close(rest.logits, whole.logits, rtol=0, atol=0)
    assert (rest.best_epoch, rest.epochs_run) == (whole.best_epoch, 6)
    # a finished training only rebuilds its result
    again, same = _train(graph, 6, checkpoint_dir=tmp_path)
    assert again.checksums == []
    torch.testing.assert_close(same.logits, whole.logits, rtol=0, atol=0)


def test_each_training_of_a_process_has_its_own_checkpoint(graph, tmp_path):
    trainer = DistributedTrainer(epochs=1, **SETTINGS, checkpoint_dir=tmp_path)
    for seed in (0, 1):
        trainer(make_model("gcn", graph), graph, seed=seed)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "train-0000.pt",
        "train-0001.pt",
    ]
    # the same folder with other settings: refused, naming what differs
    other = DistributedTrainer(
        epochs=1, **{**SETTINGS, "lr": 0.02}, checkpoint_dir=tmp_path
    )
    with pytest.raises(ValueError, match="lr: 0.01 there, 0.02 now"):
        other(make_model("gcn", graph), graph, seed=0)


def test_checkpoint_every_is_checked():
    with pytest.raises(ValueError, match="checkpoint_every must be >= 1 epochs"):
        DistributedTrainer(checkpoint_every=0)
