"""Run one recorded legacy script: a fresh project copy, the fake API on loopback, a subprocess.

:func:`run_case` copies the corpus (or a migrated copy of it) into a work folder, replaces
``{{FAKE_BC_URL}}`` in ``config/*.json`` and the environment, starts
:class:`~txo.testing.fake_bc.FakeBusinessCentral` on a
:class:`~txo.testing.server.LoopbackServer` when the run needs it (127.0.0.1 only), runs
``python -m txo.compat SCRIPT ARGS`` in its own process group with a timeout (the whole group
is killed when it expires) and collects everything a comparison needs into a
:class:`ScriptRun`.  A recorded run (one with a cassette) is started through
:mod:`txo.migrate.verify.replay` instead: the same compat entry point, HTTP answered from the
cassette, every request sent logged for the HTTP check, and every file it created or changed
anywhere in the project counted as an output.  Nothing here sleeps: the only waiting is on
the script itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from txo.migrate.verify import DEFAULT_TIMEOUT
from txo.migrate.verify.corpus import EXPECTATIONS_FILE, PLACEHOLDER, Case, Corpus
from txo.migrate.verify.http import SentRequest, read_request_log
from txo.migrate.verify.outputs import changed_files, read_outputs, snapshot

__all__ = [
    "COPY_IGNORED",
    "DEFAULT_TIMEOUT",
    "UNREACHABLE_URL",
    "WARNING_LINE",
    "ScriptRun",
    "command_for",
    "prepare_project",
    "run_case",
    "spawn",
]

#: Folders and files never copied from a corpus: runs start from a clean project.
COPY_IGNORED = (
    EXPECTATIONS_FILE,
    "*.md",
    "__pycache__",
    "output",
    "logs",
    "tmp",
    ".txo-verify",
)
#: What a run that does not need the fake API gets for ``{{FAKE_BC_URL}}``: refused at once.
UNREACHABLE_URL = "http://127.0.0.1:9"
#: A txo removal warning on stderr, naming the v2.1 name (``utils.logger.setup_logger``).
WARNING_LINE = re.compile(r"Txo\w*Warning: (utils[\w.]*) is deprecated")
_DROPPED_ENV = frozenset({"PROJECT_ROOT", "TXO_WARN_V21", "PYTHONWARNINGS"})
_SERVER_GRACE = 5.0


@dataclass(frozen=True, slots=True)
class ScriptRun:
    """What one run did.  ``exit_code`` is None when it was killed at the timeout."""

    case: Case
    exit_code: int | None
    duration: float
    stdout: str
    stderr: str
    logs: str
    outputs: Mapping[str, bytes]
    output_dir_exists: bool
    warnings: frozenset[str]
    api_requests: tuple[str, ...] = ()
    http_sent: tuple[SentRequest, ...] = ()
    http_threads: int = 0

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None

    @property
    def streams(self) -> str:
        """stdout, stderr and every log file, for log-line and secret checks."""
        return self.stdout + self.stderr + self.logs


def prepare_project(source: Path, target: Path, base_url: str) -> Path:
    """Copy ``source`` to ``target`` (runs' leftovers aside) and point its configs at the API."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*COPY_IGNORED))
    for config in sorted((target / "config").glob("*.json")):
        text = config.read_text(encoding="utf-8")
        if PLACEHOLDER in text:
            config.write_text(text.replace(PLACEHOLDER, base_url), encoding="utf-8")
    return target


def _environment(
    corpus: Corpus, case: Case, base_url: str, extra: Mapping[str, str]
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update({k: v.replace(PLACEHOLDER, base_url) for k, v in (*corpus.env, *case.env)})
    txo_home = str(Path(__file__).resolve().parents[3])  # so `-m txo.compat` works uninstalled
    env["PYTHONPATH"] = os.pathsep.join(p for p in (txo_home, env.pop("PYTHONPATH", "")) if p)
    env.update(extra)
    return env


@contextlib.contextmanager
def _fake_api(corpus: Corpus, case: Case, timeout: float) -> Iterator[tuple[str, list[str]]]:
    """(base URL, the API request log) — a live fake on loopback only when the run needs it."""
    if not case.needs_api:
        yield UNREACHABLE_URL, []
        return
    from txo.testing.fake_bc import FakeBusinessCentral
    from txo.testing.server import LoopbackServer

    spec = corpus.fake_api
    assert spec is not None  # load_corpus refuses runs that need it without fake_bc
    fake = FakeBusinessCentral(
        tenant_id=spec.tenant_id, client_id=spec.client_id, client_secret=spec.client_secret
    )
    for token in spec.accept_tokens:
        fake.accept_token(token)
    for name, args in case.fake_setup:
        getattr(fake, name)(*args)
    requests: list[str] = []
    with LoopbackServer(fake.handle, max_seconds=timeout + _SERVER_GRACE) as server:
        yield server.url, requests
    requests.extend(str(r.url) for r in fake.api_requests)


def spawn(
    command: list[str],
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    label: str = "txo-migrate verify",
) -> tuple[int | None, str, str]:
    """Run in a new process group; on timeout kill the whole group.  (code or None, out, err)."""
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=timeout)
            return process.returncode, out, err
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            return None, out, err + f"\n[{label}: killed after {timeout:g} s]\n"


def _logs(root: Path) -> str:
    return "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in sorted(root.glob("logs/*.log"))
    )


def command_for(case: Case, workdir: Path) -> list[str]:
    """``python -m txo.compat [--target T] SCRIPT ARGS``, or the same through replay."""
    target = ["--target", case.target] if case.target else []
    if case.cassette is None:
        return [sys.executable, "-m", "txo.compat", *target, case.script, *case.args]
    spec = workdir / "replay.json"
    data = {
        "script": case.script,
        "args": list(case.args),
        "options": target,
        "cassette": str(case.cassette.resolve()),
        "requests": str(workdir / "requests.jsonl"),
    }
    spec.write_text(json.dumps(data), encoding="utf-8")
    return [sys.executable, "-m", "txo.migrate.verify.replay", str(spec)]


def run_case(
    corpus: Corpus,
    case: Case,
    workdir: Path,
    *,
    source: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    env_extra: Mapping[str, str] | None = None,
) -> ScriptRun:
    """Run ``case`` in ``workdir/project`` (a copy of ``source``, default the corpus project)."""
    with _fake_api(corpus, case, timeout) as (base_url, requests):
        root = prepare_project(source or corpus.source, workdir / "project", base_url)
        before = snapshot(root) if case.cassette is not None else {}
        env = _environment(corpus, case, base_url, env_extra or {})
        started = time.monotonic()
        code, out, err = spawn(command_for(case, workdir), root, env, case.timeout or timeout)
        duration = time.monotonic() - started
    recorded = case.cassette is not None
    sent, threads = read_request_log(workdir / "requests.jsonl")
    return ScriptRun(
        case=case,
        exit_code=code,
        duration=duration,
        stdout=out,
        stderr=err,
        logs=_logs(root),
        outputs=changed_files(root, before) if recorded else read_outputs(root),
        output_dir_exists=(root / "output").exists(),
        warnings=frozenset(WARNING_LINE.findall(err)),
        api_requests=tuple(requests),
        http_sent=sent,
        http_threads=threads,
    )
