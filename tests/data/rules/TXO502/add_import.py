#!/usr/bin/env python
"""Adds `from txo.paths import Dir` after the existing imports."""

from __future__ import annotations

import json

from txo.paths import ProjectPaths


def save(data_handler, rows):
    data_handler.save(rows, "output", "rows.json")  # keep this comment
    return json.dumps(rows), ProjectPaths
