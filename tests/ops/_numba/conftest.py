"""numba kernel tests: skipped as a whole where numba is not installed."""

import pytest

pytest.importorskip("numba")
