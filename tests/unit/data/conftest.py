"""The data suites' shared fixture: a DataHandler over a fresh project folder."""

from pathlib import Path

import pytest

from txo.data import DataHandler
from txo.paths import ProjectPaths


@pytest.fixture
def data(tmp_path: Path) -> DataHandler:
    """A DataHandler rooted at ``tmp_path`` (suites that need a clock define their own)."""
    return DataHandler(ProjectPaths(tmp_path))
