"""Shared pytest setup: txo's own fixtures come from its pytest plugin (``pytest11`` entry point).

Hypothesis runs without per-example deadlines: the machines are shared and
noisy, and a deadline is a wall-clock assertion in disguise. Under ``make mutation``
(``TXO_MUTATION=1``) its examples are derandomized, so a mutant's verdict can be reproduced.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from txo.compat.runtime import CompatRuntime, install, reset
from txo.testing.redis_server import redis_server_binary

settings.register_profile("txo", deadline=None, print_blob=True)
settings.register_profile("mutation", deadline=None, derandomize=True, database=None)
settings.load_profile("mutation" if os.environ.get("TXO_MUTATION") == "1" else "txo")


@pytest.fixture
def compat_runtime(tmp_path: Path) -> Iterator[CompatRuntime]:
    """A fresh compat runtime rooted at ``tmp_path``, installed for the test and closed after.

    Its clock is the real one; a test that waits assigns a FakeClock to ``.clock``.
    """
    runtime = install(CompatRuntime(root=tmp_path, target="2.1", environ={}))
    yield runtime
    reset()


@pytest.fixture(scope="session")
def redis_binary() -> str:
    """The ``redis-server`` the fleet's Redis tests start: they skip where it is missing, but
    fail under ``TXO_REQUIRE_REDIS=1`` (set by ``.ci/run``, which installs it)."""
    binary = redis_server_binary()
    if binary is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("TXO_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return binary
