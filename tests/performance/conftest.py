"""Shared set-up for the performance suites (benchmarks and memory).

Benchmarks: every target is a ratio between two benchmarks of the same run,
tagged with :func:`tools.bench.tag` (the pytest-benchmark group names
the target, the ``role`` extra-info names the side);
``python -m tools.bench`` turns a run into the report.  Under
``--benchmark-disable`` (``make test``) each benchmarked function runs once
and the test asserts what it returned, so no test here times anything.

Memory: sizes come from ``TXO_MEMORY_SCALE`` — ``quick`` (default, for CI)
or ``full`` (``make memory``) — see :class:`tools.memory.MemoryScale`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools.memory import MemoryScale
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.server import LoopbackServer


@pytest.fixture(scope="session")
def memory_scale() -> MemoryScale:
    return MemoryScale.from_env()


@pytest.fixture
def loopback_bc() -> Iterator[tuple[FakeBusinessCentral, LoopbackServer]]:
    """A fake BC tenant on a real 127.0.0.1 socket (system clock, auth required)."""
    fake = FakeBusinessCentral()
    with LoopbackServer(fake.handle, max_requests=200_000, max_seconds=300.0) as server:
        yield fake, server
