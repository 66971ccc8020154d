"""``python -m graphlabels`` (and ``torchrun -m graphlabels``): the command line.

The same as the ``graphlabels`` command and ``python -m graphlabels.cli``; the
CLI module is run by name, so that the package itself does not import it.
"""

import runpy

runpy.run_module("graphlabels.cli", run_name="__main__", alter_sys=True)
