"""txo-migrate: the v2.1 -> v3.0 migration kit.

``check`` is a fast, ``ast``-based checker for the anti-patterns the v3.0
roadmap removes (soft-fail config ``.get()``, exits in library code, global
mutable state, long functions, deprecated v2.1 names, secrets in logs), with
ruff-style stable codes, suppression comments, baselines and text, JSON,
SARIF and GitHub output.  Use it from the command line (``txo-migrate check
PATH``) or from Python with :func:`check_source` / :func:`check_files`.
"""

from __future__ import annotations

from txo.migrate.engine import check_file, check_files, check_source
from txo.migrate.findings import FileResult, Finding
from txo.migrate.options import CheckOptions

__all__ = ["CheckOptions", "FileResult", "Finding", "check_file", "check_files", "check_source"]
