"""Baselines: accept today's findings, report only new ones.

A baseline is a JSON file of finding fingerprints (with code, path and
message beside each, for people reading it).  Fingerprints ignore line
numbers, so moving code does not resurrect a baselined finding; a finding
that appears more often than the baseline recorded is reported.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from txo.migrate.findings import Finding

__all__ = ["BaselineError", "apply_baseline", "load_baseline", "write_baseline"]

_VERSION = 1


class BaselineError(ValueError):
    """The baseline file is missing or not a txo-migrate baseline."""


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    """Write every finding's fingerprint to `path`; returns how many were written."""
    entries = [
        {"fingerprint": f.fingerprint, "code": f.code, "path": f.path, "message": f.message}
        for f in sorted(findings, key=lambda f: f.sort_key)
    ]
    data = {"tool": "txo-migrate", "version": _VERSION, "findings": entries}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return len(entries)


def load_baseline(path: Path) -> Counter[str]:
    """The fingerprints in a baseline file, with how often each was recorded."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BaselineError(
            f"baseline file {path} does not exist; create it with --write-baseline {path}"
        ) from exc
    except (OSError, ValueError) as exc:
        raise BaselineError(f"cannot read baseline file {path}: {exc}") from exc
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries
    ):
        raise BaselineError(
            f"{path} is not a txo-migrate baseline (expected an object with a "
            '"findings" list of {"fingerprint": ...} entries); recreate it with --write-baseline'
        )
    return Counter(e["fingerprint"] for e in entries)


def apply_baseline(
    findings: Sequence[Finding], baseline: Counter[str]
) -> tuple[list[Finding], int]:
    """Findings not covered by the baseline, and how many were covered."""
    remaining = Counter(baseline)
    kept: list[Finding] = []
    hidden = 0
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            hidden += 1
        else:
            kept.append(finding)
    return kept, hidden
