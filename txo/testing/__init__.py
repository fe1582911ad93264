"""Test support shipped with txo: fake clock, fake Business Central API, pytest plugin."""

from txo.testing.clock import FakeClock

__all__ = ["FakeClock"]
