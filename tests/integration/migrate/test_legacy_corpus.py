"""Every legacy corpus script runs unchanged under ``python -m txo.compat``.

The harness is the product's own: ``txo-migrate verify`` (:mod:`txo.migrate.verify`) copies
the corpus to a temporary folder, points its configs at the fake Business Central API on
loopback, runs each script of migration/legacy/expectations.json in a subprocess and collects
exit code, streams, logs and output files.  This module runs it once per session (the
``legacy_verify`` fixture) and asserts on the results with its own oracle: the exit code, the
output files (content), the exact set of deprecation warnings read from stderr, the key log
lines, and that no secret from the corpus configs appears in any stream, log or output — and
that verify's own verdict agrees.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from txo.migrate.verify import CaseResult, VerifyReport, decode, load_corpus, run_case

CORPUS = Path(__file__).resolve().parents[3] / "migration" / "legacy"
EXPECTATIONS = json.loads((CORPUS / "expectations.json").read_text(encoding="utf-8"))
CASES = load_corpus(CORPUS).cases
WARNING_LINE = re.compile(r"TxoV\d+RemovalWarning: (utils[\w.]*) is deprecated")
TOKEN_PREFIX = "fake-access-token-"

pytestmark = pytest.mark.loopback


def _secrets() -> set[str]:
    values = {EXPECTATIONS["fake_bc"]["client_secret"], *EXPECTATIONS["fake_bc"]["accept_tokens"]}
    for file in (CORPUS / "config").glob("*-secrets.json"):
        values.update(str(v) for v in json.loads(file.read_text(encoding="utf-8")).values())
    return values


@pytest.fixture(params=[c.id for c in CASES])
def corpus_run(request: pytest.FixtureRequest, legacy_verify: VerifyReport) -> CaseResult:
    """Each script ran once (in the session's verify); the checks below inspect that run."""
    return legacy_verify.result_for(request.param)


def test_the_loaded_cases_are_the_recorded_ones() -> None:
    raw = EXPECTATIONS["scripts"]
    assert [(c.script, list(c.args)) for c in CASES] == [(r["script"], r["args"]) for r in raw]
    for case, record in zip(CASES, raw, strict=True):
        assert case.exit_code == record["exit_code"]
        assert case.warnings is not None  # the hand-written corpus records its warnings
        assert sorted(case.warnings) == record["warnings"]
        assert list(case.log_contains) == record["log_contains"]
        assert {o.path: {o.kind: o.content} for o in case.outputs} == record["outputs"]


def test_exit_code(corpus_run: CaseResult) -> None:
    case, run = corpus_run.case, corpus_run.run
    assert run.exit_code == case.exit_code, run.stderr[-3000:]
    assert corpus_run.check("exit").ok


def test_output_files_content(corpus_run: CaseResult) -> None:
    case, run = corpus_run.case, corpus_run.run
    assert sorted(run.outputs) == sorted(o.path for o in case.outputs)
    for expected in case.outputs:
        actual: Any = decode(expected.kind, run.outputs[expected.path])
        assert actual == expected.content, expected.path
    assert corpus_run.check("outputs").ok, corpus_run.check("outputs").details


def test_exact_warnings(corpus_run: CaseResult) -> None:
    case, run = corpus_run.case, corpus_run.run
    assert case.warnings is not None
    assert sorted(set(WARNING_LINE.findall(run.stderr))) == sorted(case.warnings)
    assert run.warnings == case.warnings
    assert corpus_run.check("warnings").ok


def test_log_lines_and_no_secret_leaks(corpus_run: CaseResult) -> None:
    case, run = corpus_run.case, corpus_run.run
    streams = run.streams
    for line in case.log_contains:
        assert line in streams
    outputs = "".join(data.decode("utf-8", errors="replace") for data in run.outputs.values())
    for secret in _secrets():
        assert secret not in streams, f"secret leaked into a log or stream: {secret[:6]}…"
        assert secret not in outputs, f"secret leaked into an output file: {secret[:6]}…"
    assert TOKEN_PREFIX not in streams + outputs
    assert corpus_run.check("log").ok
    assert corpus_run.check("secrets").ok


def test_verify_agrees_every_run_matches(legacy_verify: VerifyReport) -> None:
    assert legacy_verify.runs_ok
    assert [r.case.id for r in legacy_verify.results] == [c.id for c in CASES]


def test_every_v21_module_is_covered() -> None:
    used = {w.split(".")[1] for case in EXPECTATIONS["scripts"] for w in case["warnings"]}
    package_names = {"HelpfulError", "TxoDataHandler", "create_rest_api"}
    assert {
        "path_helpers", "logger", "exceptions", "load_n_save", "config_loader", "script_runner",
        "oauth_helpers", "api_common", "rate_limit_manager", "rest_api_helpers", "api_factory",
        "concurrency", "url_helpers",
    } <= used  # fmt: skip
    assert used & package_names, "a script imports from the package itself (from utils import …)"
    assert len({case["script"] for case in EXPECTATIONS["scripts"]}) >= 12


def test_paging_follows_next_links(legacy_verify: VerifyReport) -> None:
    case = next(c for c in CASES if "03_rest_read" in c.script)
    run = legacy_verify.result_for(case.id).run
    pages = [url for url in run.api_requests if "skiptoken" in url]
    assert run.exit_code == 0
    assert len(pages) >= 2  # 5 customers in pages of 2


def test_strict_mode_turns_warnings_into_errors(tmp_path: Path) -> None:
    corpus = load_corpus(CORPUS)
    run = run_case(corpus, corpus.cases[0], tmp_path, env_extra={"TXO_WARN_V21": "error"})
    assert run.exit_code == 1
    assert "TxoV4RemovalWarning" in run.stdout + run.stderr  # the legacy console is stdout
    assert not run.output_dir_exists
    assert not (tmp_path / "project" / "output").exists()


def test_the_corpus_covers_both_compat_targets() -> None:
    v31_scripts = [c for c in CASES if "_v31_" in c.script]
    assert v31_scripts and all(c.target == "3.1" for c in v31_scripts)
    both = {
        c.script
        for c in CASES
        if {d.target for d in CASES if d.script == c.script} >= {"2.1", "3.1"}
    }
    assert both, "a v2.1 script touching a 2.1/3.1 conflict runs under both targets"
    for script in both:
        logs = {c.target: set(c.log_contains) for c in CASES if c.script == script}
        assert logs["2.1"] != logs["3.1"]  # each target's own recorded result
