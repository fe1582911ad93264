"""Record runs of legacy scripts on the project's own ``utils/``: expectations.json + cassettes.

Each run gets a fresh copy of the project (so the user's folder is never written to, apart
from the output folder), is started as ``LEGACY_PYTHON boot.py SPEC`` (:mod:`.boot`) in its
own process group with a timeout, and leaves behind: its exit code, every file it created or
changed (decoded per type, as verify compares them), its WARNING/ERROR log messages, and a
scrubbed cassette of every HTTP exchange.  Nothing is written to ``--out`` before scrubbing.

A project without its own ``utils/`` is recorded with :mod:`txo.compat` as the legacy library
(``import utils`` answered by compat, with the run's ``target``): how txo's own corpus and demo
record themselves, and how a user records scripts whose old library is no longer installed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from txo.migrate.record.cassette_io import HEADER_COMMENT, CommentedJson
from txo.migrate.record.manifest import RunSpec
from txo.migrate.record.scrub import Scrubber, project_secrets
from txo.migrate.verify import DEFAULT_TIMEOUT
from txo.migrate.verify.corpus import EXPECTATIONS_FILE
from txo.migrate.verify.outputs import changed_files, decode, snapshot, strip_timestamps
from txo.migrate.verify.runner import COPY_IGNORED, spawn

__all__ = [
    "CASSETTES",
    "COMPAT_LEGACY",
    "SCHEMA_URL",
    "RecordedRun",
    "kind_for",
    "legacy_library",
    "record_project",
]

CASSETTES = "cassettes"
SCHEMA_URL = "https://txo.dev/schemas/expectations-1.schema.json"
_BOOT = Path(__file__).with_name("boot.py")
#: What ``recorded.legacy_library`` says when txo.compat stood in for a missing ``utils/``.
COMPAT_LEGACY = "txo.compat"
_TXO_HOME = str(Path(__file__).resolve().parents[3])


def legacy_library(project: Path) -> str:
    """``utils/`` when the project has its own legacy library, else :data:`COMPAT_LEGACY`."""
    own = (project / "utils").is_dir() or (project / "utils.py").is_file()
    return "utils/" if own else COMPAT_LEGACY


@dataclass(frozen=True, slots=True)
class RecordedRun:
    """What one recorded run did (already scrubbed), and its expectations entry."""

    spec: RunSpec
    exit_code: int | None
    duration: float
    exchanges: int
    threads: int
    entry: dict[str, Any]
    dropped_log_lines: int = 0
    stderr_tail: tuple[str, ...] = field(default=())


def kind_for(name: str, data: bytes) -> str:
    """How an output file is recorded: gzip_text, xlsx_rows, text (UTF-8) or hex."""
    if name.endswith(".gz"):
        return "gzip_text"
    if name.endswith(".xlsx"):
        return "xlsx_rows"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "hex"
    return "text"


def _output_entry(name: str, data: bytes, scrubber: Scrubber) -> dict[str, Any]:
    kind = kind_for(name, data)
    try:
        content = decode(kind, data)
    except Exception:  # an unreadable .gz or .xlsx: keep its bytes
        kind, content = "hex", data.hex()
    if isinstance(content, str):
        content = scrubber.text(content)
    entry: dict[str, Any] = {kind: content}
    text = content if isinstance(content, str) else json.dumps(content)
    if kind != "hex" and strip_timestamps(text) != text:
        entry["ignore_timestamps"] = True
    return entry


def _fallback_paths() -> list[str]:
    """Where this interpreter finds vcrpy (and its dependencies), for a legacy one without it."""
    import vcr  # type: ignore[import-untyped]
    import wrapt
    import yaml

    return sorted({str(Path(m.__file__ or "").resolve().parents[1]) for m in (vcr, wrapt, yaml)})


def _log_lines(messages: Sequence[str], copy: Path) -> tuple[list[str], int]:
    """Unique non-empty messages, without those naming the temporary copy or a placeholder."""
    kept: list[str] = []
    dropped = 0
    for message in messages:
        if not message.strip() or message in kept:
            continue
        if str(copy) in message or "<redacted:" in message:
            dropped += 1
            continue
        kept.append(message)
    return kept, dropped


def _ensure_cassette(path: Path) -> int:
    """Write an empty cassette when the run made no HTTP call; return the exchange count."""
    if not path.is_file():
        empty = CommentedJson.serialize({"version": 1, "interactions": []})
        path.write_text(empty, encoding="utf-8")
        return 0
    return len(CommentedJson.deserialize(path.read_text(encoding="utf-8"))["interactions"])


@dataclass(frozen=True, slots=True)
class _Context:
    project: Path
    out: Path
    legacy_python: str
    timeout: float
    secrets: Mapping[str, str]
    legacy: str = "utils/"

    @property
    def on_compat(self) -> bool:
        return self.legacy == COMPAT_LEGACY


def _compat_options(spec: RunSpec) -> list[str]:
    return ["--target", spec.target] if spec.target else []


def _spec_file(ctx: _Context, spec: RunSpec, work: Path, cassette: Path) -> Path:
    file = work / "spec.json"
    data = {
        "script": spec.script,
        "args": list(spec.args),
        "cassette": str(cassette),
        "sidecar": str(work / "sidecar.json"),
        "secrets": dict(ctx.secrets),
        "fallback_paths": _fallback_paths(),
        "compat": _compat_options(spec) if ctx.on_compat else None,
    }
    file.write_text(json.dumps(data), encoding="utf-8")
    return file


def _environment(ctx: _Context, spec: RunSpec) -> dict[str, str]:
    env = dict(os.environ)
    env.update(spec.env)
    env.pop("PROJECT_ROOT", None)  # the copy is the project; never the user's real folder
    if ctx.on_compat:  # so `-m txo.compat` works uninstalled, as verify runs it
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_TXO_HOME, env.get("PYTHONPATH")) if p)
    return env


def _record_one(ctx: _Context, spec: RunSpec, work: Path) -> RecordedRun:
    copy = work / "project"
    shutil.copytree(ctx.project, copy, ignore=shutil.ignore_patterns(*COPY_IGNORED, ".txo-verify"))
    before = snapshot(copy)
    cassette = ctx.out / CASSETTES / f"{spec.id}.yaml"  # JSON is YAML: see cassette_io
    cassette.unlink(missing_ok=True)
    command = [ctx.legacy_python, str(_BOOT), str(_spec_file(ctx, spec, work, cassette))]
    started = time.monotonic()
    code, _out, err = spawn(
        command, copy, _environment(ctx, spec), spec.timeout or ctx.timeout, "txo-migrate record"
    )
    duration = time.monotonic() - started
    scrubber = Scrubber(dict(ctx.secrets))
    sidecar_file = work / "sidecar.json"
    sidecar = json.loads(sidecar_file.read_text("utf-8")) if sidecar_file.is_file() else {}
    lines, dropped = _log_lines(sidecar.get("log", []), copy)
    exchanges = _ensure_cassette(cassette)
    threads = int(sidecar.get("threads", 0))
    outputs = changed_files(copy, before)
    entry: dict[str, Any] = {
        "script": spec.script,
        "args": list(spec.args),
        **({"env": dict(spec.env)} if spec.env else {}),
        **({"timeout": spec.timeout} if spec.timeout else {}),
        **({"target": spec.target} if spec.target else {}),
        "exit_code": code,
        "outputs": {n: _output_entry(n, d, scrubber) for n, d in sorted(outputs.items())},
        "log_contains": lines,
        "cassette": f"{CASSETTES}/{cassette.name}",
        "http_order": "multiset" if threads > 1 else "sequence",
    }
    tail = tuple(scrubber.text(line) for line in err.strip().splitlines()[-5:])
    return RecordedRun(spec, code, duration, exchanges, threads, entry, dropped, tail)


def _write_json(path: Path, data: Any) -> None:
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(temp, path)


def _expectations(ctx: _Context, runs: Sequence[RecordedRun]) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_URL,
        "_about": HEADER_COMMENT,
        "recorded": {
            "tool": "txo-migrate record",
            "legacy_python": ctx.legacy_python,
            "legacy_library": ctx.legacy,
        },
        "project": os.path.relpath(ctx.project, ctx.out),
        "scripts": [r.entry for r in runs],
    }


def record_project(
    project: Path,
    runs: Sequence[RunSpec],
    out: Path,
    *,
    legacy_python: str,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Callable[[RecordedRun], None] | None = None,
) -> list[RecordedRun]:
    """Record every run; write ``out/expectations.json`` and ``out/cassettes/``."""
    project, out = project.resolve(), out.resolve()
    (out / CASSETTES).mkdir(parents=True, exist_ok=True)
    secrets = project_secrets(project)
    ctx = _Context(project, out, legacy_python, timeout, secrets, legacy_library(project))
    recorded = []
    with tempfile.TemporaryDirectory(prefix="txo-record-") as name:
        for index, spec in enumerate(runs):
            work = Path(name) / f"{index:02d}"
            work.mkdir()
            recorded.append(_record_one(ctx, spec, work))
            if progress is not None:
                progress(recorded[-1])
    if any(r.exit_code is None for r in recorded):
        return recorded  # a killed run is not a recording: expectations.json is not written
    _write_json(out / EXPECTATIONS_FILE, _expectations(ctx, recorded))
    return recorded
