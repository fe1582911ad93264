"""What txo's ``pytest11`` entry point loads: registers :mod:`txo.testing.plugin` at configure.

pytest imports entry-point plugins before pytest-cov starts measuring; registering the
fixtures module from ``pytest_configure`` instead keeps its import (and the fake API's) inside
the measured run.  ``import_plugin`` skips a module a conftest already listed in
``pytest_plugins``, so old projects that enabled the plugin by hand keep working.
"""

from __future__ import annotations

import pytest

PLUGIN = "txo.testing.plugin"


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.import_plugin(PLUGIN)
