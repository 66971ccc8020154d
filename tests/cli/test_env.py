import torch

from graphlabels.cli import main
from graphlabels.cli.env import collect


def test_env_reports_versions(capsys):
    info = collect()
    assert info["torch"] == torch.__version__
    assert info["cuda available"] == str(torch.cuda.is_available())
    assert main(["env"]) == 0
    out = capsys.readouterr().out
    assert "python" in out and "torch-geometric" in out
