"""Shared pytest setup: txo's own fixtures come from its pytest plugin."""

pytest_plugins = ["txo.testing.plugin"]
