import json
import os
import subprocess
import sys

import pytest

from graphlabels.cli import main
from graphlabels.distributed import free_port

LAUNCHER = ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")


COMMANDS = (["train"], ["lnu"], ["propagate", "--method", "cs"], ["label-free"])


@pytest.mark.parametrize("command", COMMANDS)
def test_distributed_needs_a_batch_size(command, capsys):
    assert main([*command, "cora", "--distributed"]) == 2
    assert (
        "graphlabels: error: --distributed trains on neighbour-sampled mini-batches: "
        "pass --batch-size too" in capsys.readouterr().err
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_distributed_needs_a_launcher(command, monkeypatch, capsys):
    for k in LAUNCHER:
        monkeypatch.delenv(k, raising=False)
    assert main([*command, "cora", "--distributed", "--batch-size", "64"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("graphlabels: error: --distributed needs a launcher: RANK")
    assert "Start the job with torchrun, e.g. `torchrun --nproc-per-node 2" in err


def test_label_propagation_trains_nothing_to_distribute(capsys):
    argv = ["propagate", "cora", "--method", "lp", "--distributed"]
    assert main([*argv, "--batch-size", "64"]) == 2
    assert (
        "graphlabels: error: --distributed trains the C&S base model data-parallel; "
        "--method lp trains nothing" in capsys.readouterr().err
    )


def _torchrun(*args: str) -> list[str]:
    return [
        *(sys.executable, "-m", "torch.distributed.run"),
        *("--nproc-per-node", "2"),
        *("--rdzv-backend", "c10d", "--rdzv-endpoint", f"127.0.0.1:{free_port()}"),
        *("-m", "graphlabels", *args),
    ]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LAUNCHER}
    return {**env, "OMP_NUM_THREADS": "1", "GRAPHLABELS_DIST_TIMEOUT": "60"}


def test_torchrun_propagate_cs_trains_the_base_data_parallel(tmp_path, data_root):
    out = tmp_path / "cs.json"
    cmd = _torchrun(
        *("propagate", "cora", "--method", "cs", "--root", str(data_root)),
        *("--runs", "2", "--epochs", "30", "--batch-size", "128", "--fanout", "5,5"),
        *("--distributed", "--quiet", "--json", str(out)),
    )
    proc = subprocess.run(
        cmd, env=_env(), capture_output=True, text=True, timeout=400, cwd=tmp_path
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert proc.stdout.count("cora mlp+cs: test") == 1  # rank 0 alone reports
    rec = json.loads(out.read_text())
    assert rec["processes"] == 2 and rec["batch_size"] == 128
    assert len(rec["base_test_acc"]) == 2
    # as with one process: an MLP on Cora's features alone reaches about 55-60,
    # and C&S adds the graph
    assert rec["base_test_acc_mean"] > 45.0
    assert rec["test_acc_mean"] > rec["base_test_acc_mean"]


def test_checkpoints_are_for_distributed_training(capsys, tmp_path):
    argv = ["train", "cora", "--batch-size", "64", "--checkpoint-dir", str(tmp_path)]
    assert main(argv) == 2
    assert "--checkpoint-dir is for --distributed training: pass --distributed" in (
        capsys.readouterr().err
    )
    assert main(["train", "cora", "--checkpoint-every", "0"]) == 2
    assert "argument --checkpoint-every: expected an integer >= 1, got '0'" in (
        capsys.readouterr().err
    )


def test_torchrun_restarts_a_killed_job_from_its_checkpoint(tmp_path, data_root):
    ck, out = tmp_path / "ck", tmp_path / "out.json"
    env = {
        **{k: v for k, v in os.environ.items() if k not in LAUNCHER},
        "OMP_NUM_THREADS": "1",
        "GRAPHLABELS_DIST_TIMEOUT": "60",
        # rank 1 kills itself after its first batch of epoch 2 (0-based), once
        "GRAPHLABELS_TEST_KILL_AT_EPOCH": "2",
        # a fresh store per attempt: the shared rendezvous store can hand the
        # restarted ranks the first attempt's addresses
        "TORCH_DISABLE_SHARE_RDZV_TCP_STORE": "1",
    }
    cmd = [
        *(sys.executable, "-m", "torch.distributed.run"),
        *("--nproc-per-node", "2", "--max-restarts", "1"),
        *("--rdzv-backend", "c10d", "--rdzv-endpoint", f"127.0.0.1:{free_port()}"),
        *("-m", "graphlabels", "train", "cora", "--root", str(data_root)),
        *("--model", "sage", "--batch-size", "256", "--fanout", "5,5"),
        *("--epochs", "4", "--runs", "1", "--threads", "1", "--quiet"),
        *("--distributed", "--checkpoint-dir", str(ck), "--checkpoint-every", "1"),
        *("--json", str(out)),
    ]
    proc = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=400, cwd=tmp_path
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    # the first attempt: rank 1 killed (torchrun then stops rank 0 itself, so
    # rank 0's own message may or may not come first)
    assert "exitcode: -9" in log and "local_rank: 1" in log
    # the second attempt resumed after epoch 2 and finished; rank 0 alone reports
    assert (
        f"resumed from checkpoint {ck / 'train-0000.pt'}: 2 epochs done, "
        "continuing at epoch 3 of 4" in log
    )
    assert proc.stdout.count("cora sage (") == 1
    assert proc.stdout.count("data-parallel on 2 processes") == 2  # per attempt
    rec = json.loads(out.read_text())
    assert rec["processes"] == 2 and rec["runs"] == 1
    assert rec["hyperparameters"]["epochs"] == 4 and rec["batch_size"] == 256
