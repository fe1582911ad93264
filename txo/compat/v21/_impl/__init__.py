"""Implementations behind the public v2.1 facades (import these inside txo.compat only)."""
