"""Which runs ``txo-migrate record`` makes: ``--run`` options or the project's manifest.

The manifest is ``PROJECT/txo-record.json``::

    {"runs": [{"script": "scripts/sync.py", "args": ["acme", "prod"],
               "env": {"SYNC_MODE": "dry"}, "timeout": 120}]}

``args`` are ``ORG ENV [extras]``; ``env``, ``timeout`` (seconds) and ``target`` (the legacy
release verify runs it as, ``2.1`` or ``3.1``: ``python -m txo.compat --target``) are optional.
``txo-migrate record --init`` writes a starter manifest from the scripts it finds.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from txo.errors import HelpfulError
from txo.migrate.verify.corpus import TARGETS

__all__ = ["MANIFEST_FILE", "RunSpec", "load_manifest", "parse_run", "starter_manifest"]

MANIFEST_FILE = "txo-record.json"
_SKIPPED_FOLDERS = frozenset({"utils", "tests", "test", ".txo-verify", "__pycache__", ".venv"})
_EXAMPLE = '{"runs": [{"script": "scripts/sync.py", "args": ["acme", "prod"]}]}'


@dataclass(frozen=True, slots=True)
class RunSpec:
    """One run to record: the script (project-relative), its arguments, env and timeout."""

    script: str
    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    timeout: float | None = None
    target: str | None = None

    @property
    def id(self) -> str:
        """File-name safe and unique per run: the stem, the arguments after ORG ENV, @target."""
        extra = "-".join(self.args[2:])
        at = f"@{self.target}" if self.target else ""
        raw = Path(self.script).stem + ("-" + extra if extra else "") + at
        return "".join(c if c.isalnum() or c in "-_.@" else "_" for c in raw)


def parse_run(text: str, project: Path) -> RunSpec:
    """``"scripts/sync.py acme prod [extras]"`` → a RunSpec (the script must exist)."""
    parts = shlex.split(text)
    if len(parts) < 3:
        raise HelpfulError(
            f"--run {text!r} needs a script and at least ORG ENV",
            "Give the script path relative to the project, then its arguments.",
            '--run "scripts/sync.py acme prod"',
        )
    return _checked(RunSpec(parts[0], tuple(parts[1:])), project, "--run")


def _checked(spec: RunSpec, project: Path, where: str) -> RunSpec:
    if not (project / spec.script).is_file():
        raise HelpfulError(
            f"{where}: script not found: {project / spec.script}",
            "Script paths are relative to the project folder.",
            '--run "scripts/sync.py acme prod"',
        )
    return spec


def _bad(where: str, what: str) -> HelpfulError:
    return HelpfulError(f"{MANIFEST_FILE}: {where} {what}", "Fix the manifest entry.", _EXAMPLE)


def _run(raw: Any, index: int, project: Path) -> RunSpec:
    where = f"runs[{index}]"
    if not isinstance(raw, dict):
        raise _bad(where, "must be an object")
    script, args = raw.get("script"), raw.get("args")
    if not isinstance(script, str):
        raise _bad(where, "needs a 'script' string")
    if not isinstance(args, list) or len(args) < 2 or not all(isinstance(a, str) for a in args):
        raise _bad(where, "needs 'args': a list of strings, at least ORG and ENV")
    env = raw.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise _bad(where, "'env' must map names to strings")
    timeout = raw.get("timeout")
    if timeout is not None and (not isinstance(timeout, int | float) or timeout <= 0):
        raise _bad(where, "'timeout' must be a number of seconds above 0")
    target = raw.get("target")
    if target is not None and target not in TARGETS:
        raise _bad(where, f"'target' must be one of {', '.join(TARGETS)}")
    spec = RunSpec(script, tuple(args), tuple(sorted(env.items())), timeout, target)
    return _checked(spec, project, f"{MANIFEST_FILE} {where}")


def load_manifest(project: Path) -> tuple[RunSpec, ...]:
    """The runs listed in ``PROJECT/txo-record.json`` (HelpfulError if missing or malformed)."""
    file = project / MANIFEST_FILE
    if not file.is_file():
        raise HelpfulError(
            f"no runs given and {file} does not exist",
            "Give runs with --run, or write a starter manifest with `txo-migrate record --init`.",
            f'txo-migrate record {project} --run "scripts/sync.py acme prod"',
        )
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HelpfulError(f"cannot read {file}: {exc}", "Fix the JSON.", _EXAMPLE) from None
    runs = data.get("runs") if isinstance(data, dict) else None
    if not isinstance(runs, list) or not runs:
        raise _bad("the file", "needs a non-empty 'runs' list")
    return tuple(_run(raw, i, project) for i, raw in enumerate(runs))


def _org_env(project: Path) -> list[str]:
    """ORG ENV from the first ``config/ORG-ENV-config.json`` (else placeholders to edit)."""
    for file in sorted((project / "config").glob("*-config.json")):
        stem = file.name[: -len("-config.json")]
        if "-" in stem:
            org, env = stem.rsplit("-", 1)
            return [org, env]
    return ["ORG", "ENV"]


def _scripts(project: Path) -> list[str]:
    folder = project / "scripts"
    found = sorted(folder.rglob("*.py")) if folder.is_dir() else sorted(project.glob("*.py"))
    return [
        p.relative_to(project).as_posix()
        for p in found
        if not _SKIPPED_FOLDERS & set(p.relative_to(project).parts[:-1]) and p.name != "__init__.py"
    ]


def starter_manifest(project: Path, scripts: Sequence[str] = ()) -> dict[str, Any]:
    """A manifest listing every script found (``scripts/`` or the top level), to edit."""
    args = _org_env(project)
    return {
        "_about": (
            "Runs for `txo-migrate record`: args are ORG ENV [extras]; env and timeout "
            "(seconds) are optional. Remove scripts that must not run against your API."
        ),
        "runs": [
            {"script": s, "args": args, "env": {}, "timeout": 60}
            for s in (scripts or _scripts(project))
        ],
    }
