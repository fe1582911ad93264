"""SARIF 2.1.0, for code-scanning uploads.

URIs are relative to the run's root (``%SRCROOT%``); each result carries a
``partialFingerprints`` entry that does not depend on the line number, so a
finding keeps its identity when code above it moves.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from txo.migrate.findings import Finding
from txo.migrate.report import Report
from txo.migrate.rules import RULES

__all__ = ["FINGERPRINT_KEY", "render", "to_dict"]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "txoFingerprint/v1"
_BASE_ID = "%SRCROOT%"


def _version() -> str:
    try:
        return metadata.version("txo")
    except metadata.PackageNotFoundError:
        return "0"


def _root_uri(root: str) -> str:
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.description()},
            "help": {"text": rule.description()},
            "defaultConfiguration": {"level": rule.level},
        }
        for rule in RULES
    ]


def _artifact(path: str) -> dict[str, str]:
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(str(posix)), "uriBaseId": _BASE_ID}


def _region(f: Finding) -> dict[str, int]:
    region = {"startLine": f.line, "startColumn": f.col}
    if (
        f.end_line is not None
        and f.end_col is not None
        and (f.end_line, f.end_col) >= (f.line, f.col)
    ):
        region |= {"endLine": f.end_line, "endColumn": f.end_col}
    return region


def _result(f: Finding, index: dict[str, int], levels: dict[str, str]) -> dict[str, Any]:
    location = {"physicalLocation": {"artifactLocation": _artifact(f.path), "region": _region(f)}}
    return {
        "ruleId": f.code,
        "ruleIndex": index[f.code],
        "level": levels[f.code],
        "message": {"text": f.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
    }


def to_dict(report: Report) -> dict[str, Any]:
    """The SARIF log as plain data."""
    index = {rule.code: i for i, rule in enumerate(RULES)}
    levels = {rule.code: rule.level for rule in RULES}
    notifications = [
        {"level": "error", "message": {"text": f"{path}: {message}"}}
        for path, message in report.errors
    ]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "txo-migrate", "version": _version(), "rules": _rules()}},
        "originalUriBaseIds": {_BASE_ID: {"uri": _root_uri(report.root)}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index, levels) for f in report.findings],
        "invocations": [
            {
                "executionSuccessful": not report.errors,
                "toolExecutionNotifications": notifications,
            }
        ],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2) + "\n"
