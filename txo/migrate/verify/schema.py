"""The published JSON Schema of ``expectations.json`` (package data beside this module)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["SCHEMA_FILE", "expectations_schema"]

SCHEMA_FILE = "expectations.schema.json"


def expectations_schema() -> dict[str, Any]:
    """The schema as a dict (JSON Schema draft 2020-12)."""
    text = resources.files("txo.migrate.verify").joinpath(SCHEMA_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
