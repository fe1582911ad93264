"""Shared by the logging suites: they install handlers on the root logger and change levels."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from txo.paths import ProjectPaths

TOUCHED = (
    "txo", "txo.test", "httpx", "httpcore", "urllib3", "third.party", "TxoApp",
    "my_script.module", "py.warnings",
)  # fmt: skip


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Put the global logging state back as it was: these tests change the root logger."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in TOUCHED}
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    """A project folder with an empty ``config/``."""
    (tmp_path / "config").mkdir()
    return ProjectPaths(tmp_path)
