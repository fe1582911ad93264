"""txo's pytest plugin: fixtures for configs, fake clocks and the fake BC API."""

from __future__ import annotations

import pytest

from txo.testing.clock import FakeClock


@pytest.fixture
def fake_clock() -> FakeClock:
    """A clock whose sleep advances time instantly."""
    return FakeClock()
