"""The demo's record → verify section: record legacy runs once, then replay them under compat.

Two recordings, each made against the fake Business Central API on loopback and verified
after the server is stopped (so a replay that reached the network would fail):

* the stand-in legacy project (``tests/data/legacy_standin``: its own ``requests``-based
  ``utils/``), recorded on that library, verified under ``python -m txo.compat``;
* the legacy corpus (``migration/legacy``) recorded with txo.compat itself as the legacy
  library (a copy without ``utils/``, so compat answers ``import utils``), each run with the
  corpus's own arguments, environment and compat target, then verified: the corpus recorded
  and replayed with its HTTP requests compared.

Runs whose corpus entry sets up server-side faults (``fake_setup``) are left out of the
recording: one recording shares one fake API, which cannot fail on cue for one run only.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from txo.migrate.table import Box
from txo.migrate.verify import VerifyReport, load_corpus, verify_corpus
from txo.migrate.verify.corpus import PLACEHOLDER, Corpus
from txo.migrate.verify.render import render_text

__all__ = [
    "STANDIN",
    "STANDIN_RUNS",
    "Workflow",
    "record_corpus",
    "record_standin",
    "render_workflow",
]

STANDIN = Path("tests/data/legacy_standin")
#: The stand-in runs whose behaviour compat keeps (``which_utils`` reports who answered).
STANDIN_RUNS = (
    "scripts/sync_customers.py standin api",
    "scripts/local_report.py standin api",
    "scripts/parallel_fetch.py standin api",
    "scripts/token_and_secrets.py standin api",
    "scripts/page_customers.py standin api",  # v2.1's $top/$skip paging, replayed on compat
)
_STANDIN_URL = "{{API_URL}}"


@dataclass(frozen=True, slots=True)
class Workflow:
    """One record → verify: what ``record`` printed and exited with, and verify's report."""

    name: str
    project: Path
    record_code: int
    record_text: str
    report: VerifyReport | None
    left_out: tuple[str, ...] = ()
    #: How the runs were given to ``record`` (shown after the command).
    runs_from: str = "txo-record.json"

    @property
    def ok(self) -> bool:
        return self.record_code == 0 and self.report is not None and self.report.ok

    @property
    def exchanges(self) -> int:
        """HTTP requests the replays sent (token requests included)."""
        if self.report is None:
            return 0
        return sum(len(r.run.http_sent) for r in self.report.results)


def _record(project: Path, runs: tuple[str, ...], timeout: float) -> tuple[int, str]:
    """``txo-migrate record PROJECT [--run …]``: its exit code and what it printed."""
    from txo.migrate.record.cli import add_record_arguments, run_record

    parser = argparse.ArgumentParser()
    add_record_arguments(parser)
    argv = [str(project), "--timeout", str(timeout), *(a for r in runs for a in ("--run", r))]
    out = io.StringIO()
    code = run_record(parser.parse_args(argv), stdout=out, stderr=out)
    return code, out.getvalue()


def _verify(recording: Path, timeout: float) -> VerifyReport | None:
    if not (recording / "expectations.json").is_file():
        return None  # record failed: nothing to verify
    return verify_corpus(recording, timeout=timeout)


def _with_fake_api(
    spec: tuple[str, str, str],
    tokens: tuple[str, ...],
    prepare: Callable[[str], Path],
    record: Callable[[Path], tuple[int, str]],
) -> tuple[Path, int, str]:
    """Copy the project for a live fake API, record it, stop the server: (project, code, text)."""
    from txo.testing.fake_bc import FakeBusinessCentral
    from txo.testing.server import LoopbackServer

    tenant, client, secret = spec
    fake = FakeBusinessCentral(tenant_id=tenant, client_id=client, client_secret=secret)
    for token in tokens:
        fake.accept_token(token)
    with LoopbackServer(fake.handle) as server:
        project = prepare(str(server.url))
        code, text = record(project)
    return project, code, text


def record_standin(root: Path, work: Path, timeout: float) -> Workflow:
    """Record the stand-in project on its own ``utils/``, then verify it under compat."""
    source = root / STANDIN
    secrets = json.loads((source / "config" / "standin-api-config-secrets.json").read_text())

    def prepare(url: str) -> Path:
        project = work / "erp-scripts"
        shutil.copytree(source, project)
        config = project / "config" / "standin-api-config.json"
        config.write_text(config.read_text().replace(_STANDIN_URL, url))
        return project

    spec = ("standin-tenant", "standin-client", str(secrets["client-secret"]))
    project, code, text = _with_fake_api(
        spec,
        (str(secrets["az-token"]),),
        prepare,
        lambda p: _record(p, STANDIN_RUNS, timeout),
    )
    report = _verify(project / ".txo-verify", timeout)
    runs = f"{len(STANDIN_RUNS)} --run options"
    return Workflow("stand-in project", project, code, text, report, runs_from=runs)


def _manifest(corpus: Corpus, url: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The corpus runs as a record manifest (fault-injected runs left out) and those left out."""
    runs, left_out = [], []
    for case in corpus.cases:
        if case.fake_setup:
            left_out.append(case.label)
            continue
        env = {k: v.replace(PLACEHOLDER, url) for k, v in (*corpus.env, *case.env)}
        run: dict[str, Any] = {"script": case.script, "args": list(case.args), "env": env}
        if case.target:
            run["target"] = case.target
        runs.append(run)
    return {"runs": runs}, tuple(left_out)


def record_corpus(root: Path, work: Path, timeout: float) -> Workflow:
    """Record the legacy corpus with txo.compat as the legacy library, then verify it."""
    corpus = load_corpus(root / "migration" / "legacy")
    assert corpus.fake_api is not None  # the corpus's API scripts need it
    api = corpus.fake_api
    left_out: tuple[str, ...] = ()

    def prepare(url: str) -> Path:
        nonlocal left_out
        from txo.migrate.verify.runner import prepare_project

        project = prepare_project(corpus.root, work / "legacy-corpus", url)
        manifest, left_out = _manifest(corpus, url)
        (project / "txo-record.json").write_text(json.dumps(manifest, indent=2))
        return project

    project, code, text = _with_fake_api(
        (api.tenant_id, api.client_id, api.client_secret),
        api.accept_tokens,
        prepare,
        lambda p: _record(p, (), timeout),
    )
    report = _verify(project / ".txo-verify", timeout)
    return Workflow("legacy corpus on txo.compat", project, code, text, report, left_out)


def _indent(text: str, flow: Workflow) -> str:
    """Indented, with the temporary folder left out of paths (``erp-scripts/.txo-verify``)."""
    text = text.replace(f"{flow.project.parent}/", "")
    return "".join(f"  {line}\n" for line in text.rstrip("\n").splitlines())


def _without_notes(text: str) -> str:
    """verify's text without its "Notes (not failures)" block (counted instead)."""
    kept, notes, inside = [], 0, False
    for line in text.splitlines():
        if line.startswith("Notes (not failures)"):
            inside = True
            continue
        if inside and line.startswith("  "):
            notes += 1
            continue
        if inside:
            kept.append(f"({notes} notes not shown: deprecation warnings, token requests, …)")
        inside = False
        kept.append(line)
    return "\n".join(kept) + "\n"


def _first_and_last_run(text: str) -> str:
    """record's output with only its first and last ``recorded …`` runs (and their notes)."""
    groups: list[list[str]] = []  # a run line with its indented notes, or another line
    for line in text.rstrip("\n").splitlines():
        if line.startswith("    ") and groups and groups[-1][0].startswith("recorded "):
            groups[-1].append(line)
        else:
            groups.append([line])
    runs = [i for i, group in enumerate(groups) if group[0].startswith("recorded ")]
    hidden = runs[1:-1]
    if not hidden:
        return text
    kept = [g for i, g in enumerate(groups) if i not in hidden]
    at = runs[0] + 1
    kept.insert(at, [f"… {len(hidden)} more runs recorded …"])
    return "".join(f"{line}\n" for group in kept for line in group)


def render_workflow(flow: Workflow, box: Box, brief: bool) -> str:
    """What ``record`` printed, then what ``verify`` printed (``brief``: shortened)."""
    record = _first_and_last_run(flow.record_text) if brief else flow.record_text
    name = flow.project.name
    command = f"$ txo-migrate record {name}    # runs from {flow.runs_from}\n"
    parts = [f"{flow.name}:\n", command, _indent(record, flow)]
    if flow.left_out:
        faults = ", ".join(flow.left_out)
        parts.append(f"  (not recorded: {faults} — needs server-side faults on cue)\n")
    if flow.report is None:
        return "".join([*parts, "  nothing to verify: record failed\n"])
    verify = render_text(flow.report, box)
    verify = _without_notes(verify) if brief else verify
    parts += [f"$ txo-migrate verify {name}/.txo-verify\n", _indent(verify, flow), "\n"]
    return "".join(parts)
