"""Shared pytest setup: txo's own fixtures come from its pytest plugin (``pytest11`` entry point).

Hypothesis runs without per-example deadlines: the machines are shared and
noisy, and a deadline is a wall-clock assertion in disguise.
"""

from hypothesis import settings

settings.register_profile("txo", deadline=None, print_blob=True)
settings.load_profile("txo")
