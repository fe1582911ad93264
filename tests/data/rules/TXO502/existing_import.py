"""Reuses an existing Dir import, even under another name."""

from __future__ import annotations

from txo.paths import Dir as D, ProjectPaths

paths = ProjectPaths.discover()
paths.path("output", "report.json")
