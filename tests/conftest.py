"""Shared pytest setup: txo's own fixtures come from its pytest plugin.

Hypothesis runs without per-example deadlines: the machines are shared and
noisy, and a deadline is a wall-clock assertion in disguise.
"""

from hypothesis import settings

pytest_plugins = ["txo.testing.plugin"]

settings.register_profile("txo", deadline=None, print_blob=True)
settings.load_profile("txo")
