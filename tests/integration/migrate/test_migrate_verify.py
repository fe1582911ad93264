"""``txo-migrate verify`` end to end: the corpus report, a tiny synthetic corpus, exit codes.

The full corpus runs once per session (``legacy_verify``, with ``--after-fix``); the CLI tests
use a two-script corpus written to ``tmp_path`` so each case costs one short subprocess.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from txo.migrate.cli import main
from txo.migrate.verify import VerifyReport, load_corpus, run_case
from txo.migrate.verify.render import render_json, render_text, to_dict

CORPUS = Path(__file__).resolve().parents[3] / "migration" / "legacy"
# Every migrated script must behave as before: fix's safe moves preserve behaviour (HelpfulError
# moves to v3 only where it is caught, since its str() layout differs where it is raised).
KNOWN_NOT_EQUIVALENT: frozenset[str] = frozenset()

pytestmark = pytest.mark.loopback

HELLO = '''"""A tiny v2.1-style script."""

import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

from utils.exceptions import HelpfulError
from utils.logger import setup_logger

logger = setup_logger()


def main():
    mode = sys.argv[2]
    if mode == "hang":
        threading.Event().wait()
    if mode == "leak":
        print(Path("config/x-api-config-secrets.json").read_text())
    fixed = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    stamp = datetime.now(timezone.utc) if mode == "now" else fixed
    Path("output").mkdir(exist_ok=True)
    Path("output/hello.txt").write_text(f"hello {sys.argv[1]} at {stamp.isoformat()}\\n")
    logger.info("said hello")
    if mode == "fail":
        raise HelpfulError("it failed", "do not fail", "hello x ok")


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
'''
PING = '''"""Calls the API named in its config."""

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

url = json.loads(Path("config/x-api-config.json").read_text())["global"]["api-base-url"]
try:
    status = urllib.request.urlopen(url + "/companies", timeout=10).status
except urllib.error.HTTPError as exc:
    status = exc.code
Path("output").mkdir()
Path("output/status.txt").write_text(str(status))
sys.exit(0)
'''
TARGET = '''"""Writes the legacy release the compat layer runs it as."""

from pathlib import Path

from txo.compat.runtime import current

Path("output").mkdir()
Path("output/target.txt").write_text(current().target)
'''
WARNINGS = ["utils.exceptions.HelpfulError", "utils.logger.setup_logger"]
STAMPED = "hello x at 2024-01-02T03:04:05+00:00\n"


def _case(mode: str, **changes: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "script": "scripts/hello.py",
        "args": ["x", mode],
        "exit_code": 0,
        "warnings": WARNINGS,
        "outputs": {"output/hello.txt": {"text": STAMPED}},
        "log_contains": ["said hello"],
    }
    case.update(changes)
    return case


def write_corpus(root: Path, cases: list[dict[str, Any]]) -> Path:
    (root / "scripts").mkdir(parents=True)
    (root / "config").mkdir()
    (root / "scripts" / "hello.py").write_text(HELLO, encoding="utf-8")
    (root / "scripts" / "ping.py").write_text(PING, encoding="utf-8")
    (root / "scripts" / "target.py").write_text(TARGET, encoding="utf-8")
    config = {"global": {"api-base-url": "{{FAKE_BC_URL}}/api/v2.0"}}
    (root / "config" / "x-api-config.json").write_text(json.dumps(config), encoding="utf-8")
    (root / "config" / "x-api-config-secrets.json").write_text('{"api-key": "mini-secret-42"}')
    expectations = {
        "fake_bc": {"tenant_id": "t", "client_id": "c", "client_secret": "mini-client-secret"},
        "env": {"MINI_URL": "{{FAKE_BC_URL}}"},
        "scripts": cases,
    }
    (root / "expectations.json").write_text(json.dumps(expectations), encoding="utf-8")
    return root


def verify(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["verify", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- the legacy corpus (one session run) -------------------------------------------


def test_corpus_text_report_lists_every_run_and_both_tables(legacy_verify: VerifyReport) -> None:
    text = render_text(legacy_verify)
    for result in legacy_verify.results:
        assert result.case.label[:30] in text
    assert "After `txo-migrate fix --unsafe-fixes`" in text
    assert "still run under `python -m txo.compat`" in text
    assert "\x1b[" not in text
    assert text.count("┌") == 2


def test_corpus_json_report_round_trips(legacy_verify: VerifyReport) -> None:
    data = json.loads(render_json(legacy_verify))
    assert data["summary"] == {
        "runs": len(legacy_verify.results),
        "passed": len(legacy_verify.results),
    }
    assert all(run["ok"] for run in data["runs"])
    assert {run["exit_code"]["expected"] for run in data["runs"]} == {0, 1, 2}
    assert len(data["after_fix"]) == len(data["runs"])
    assert data == to_dict(legacy_verify)


def test_every_run_is_bounded_by_the_timeout(legacy_verify: VerifyReport) -> None:
    assert all(0 < r.run.duration < legacy_verify.timeout for r in legacy_verify.results)
    assert not any(r.run.timed_out for r in legacy_verify.results)


def test_after_fix_keeps_exit_codes_and_drops_warnings_for_moved_names(
    legacy_verify: VerifyReport,
) -> None:
    migrations = legacy_verify.migrations
    assert migrations is not None
    for m in migrations:
        assert m.fix.error is None and m.fix.total > 0, m.case.id
        assert m.exit_same, (m.case.id, m.after.stderr[-2000:])
        assert not m.left_moved, m.case.id
        assert m.after.warnings <= m.before.warnings
        assert m.left_compat == m.after.warnings
    before = sum(len(m.before.warnings) for m in migrations)
    after = sum(len(m.after.warnings) for m in migrations)
    assert after < before
    assert any(m.fix.moved for m in migrations)


def test_after_fix_reports_what_is_not_equivalent(legacy_verify: VerifyReport) -> None:
    migrations = legacy_verify.migrations
    assert migrations is not None
    odd = {m.case.name for m in migrations if not m.equivalent}
    assert odd <= KNOWN_NOT_EQUIVALENT
    for m in migrations:
        if not m.equivalent:
            assert m.different_outputs == ("output/errors.json",)
    assert legacy_verify.ok == (not odd)


def test_cli_runs_one_corpus_script(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = verify(capsys, str(CORPUS), "--script", "09_missing_config", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [run["id"] for run in data["runs"]] == ["09_missing_config"]
    assert data["after_fix"] is None


# --- a synthetic corpus ---------------------------------------------------------------


def test_matching_runs_exit_0_with_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "c", [_case("ok"), _case("fail", exit_code=1)])
    code, out, _ = verify(capsys, str(corpus))
    assert code == 0, out
    assert out.count("PASS   │ hello") == 2
    assert "1 → 1" in out
    assert "\x1b[" not in out
    assert "PASS: 2/2 runs behave as recorded" in out


def test_differences_exit_1_and_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = _case(
        "fail",
        warnings=["utils.logger.setup_logger", "utils.path_helpers.Dir"],
        outputs={"output/hello.txt": {"text": "bye\n"}, "output/other.txt": {"text": ""}},
        log_contains=["never logged"],
    )
    code, out, _ = verify(capsys, str(write_corpus(tmp_path / "c", [wrong])))
    assert code == 1
    assert "FAIL   │ hello" in out
    assert "exit code 1, expected 0" in out
    assert "missing output output/other.txt" in out
    assert "output/hello.txt differs: line 1: expected 'bye', got 'hello x at" in out
    assert "expected warning not seen: utils.path_helpers.Dir" in out
    assert "unexpected warning: utils.exceptions.HelpfulError" in out
    assert "log line not found: 'never logged'" in out


def test_timestamps_are_ignored_only_where_the_expectation_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loose = _case("now", ignore_timestamps=True)
    strict = _case("now")
    code, out, _ = verify(capsys, str(write_corpus(tmp_path / "c", [loose, strict])), "--jobs", "1")
    assert code == 1
    lines = [line for line in out.splitlines() if "│ hello" in line]
    assert lines[0].startswith("│ PASS") and lines[1].startswith("│ FAIL")


def test_a_leaked_secret_fails_and_is_never_quoted_in_full(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = verify(capsys, str(write_corpus(tmp_path / "c", [_case("leak")])))
    assert code == 1
    assert "1 leaked" in out and "secret leaked: mini…" in out
    assert "mini-secret-42" not in out


def test_a_hanging_script_is_killed_at_the_timeout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "c", [_case("hang")])
    code, out, _ = verify(capsys, str(corpus), "--timeout", "0.5", "--format", "json")
    run = json.loads(out)["runs"][0]
    assert code == 1
    assert run["timed_out"] is True and run["exit_code"]["actual"] is None
    assert run["checks"]["exit"]["summary"] == "0 → killed"


def test_after_fix_on_a_copy_keeps_raised_helpful_error_and_logger_on_compat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "c", [_case("ok")])
    code, out, _ = verify(capsys, str(corpus), "--after-fix", "--format", "json")
    migrated = json.loads(out)["after_fix"][0]
    assert code == 0, out
    assert migrated["equivalent"] is True
    assert migrated["warnings"]["moved_to_v3"] == []  # HelpfulError is raised: its str() differs
    assert migrated["warnings"]["left_on_compat"] == [
        "utils.exceptions.HelpfulError",
        "utils.logger.setup_logger",
    ]
    assert migrated["warnings"]["left_for_moved_names"] == []
    assert "from utils" in (corpus / "scripts" / "hello.py").read_text()  # the original is kept


def test_a_run_that_needs_the_api_gets_the_fake_on_loopback(tmp_path: Path) -> None:
    ping = {
        "script": "scripts/ping.py",
        "args": ["x", "api"],
        "exit_code": 0,
        "warnings": [],
        "outputs": {"output/status.txt": {"text": "401"}},
    }
    corpus = load_corpus(write_corpus(tmp_path / "c", [ping, _case("ok")]))
    api_case, local_case = corpus.cases
    assert api_case.needs_api and not local_case.needs_api
    run = run_case(corpus, api_case, tmp_path / "work", timeout=30)
    assert run.exit_code == 0, run.stderr
    assert run.outputs["output/status.txt"] == b"401"  # no bearer token: the fake says 401
    assert [url.rpartition("/")[2] for url in run.api_requests] == ["companies"]
    config = (tmp_path / "work" / "project" / "config" / "x-api-config.json").read_text()
    assert "http://127.0.0.1:" in config and "{{FAKE_BC_URL}}" not in config
    assert "mini-secret-42" in corpus.secrets and "mini-client-secret" in corpus.secrets


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "not a folder"),
        (lambda p: p, "has no expectations.json"),
    ],
)
def test_a_folder_that_is_not_a_corpus_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, message: str
) -> None:
    code, out, err = verify(capsys, str(make(tmp_path)))
    assert code == 2 and out == ""
    assert message in err


def test_an_unknown_script_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "c", [_case("ok")])
    code, _, err = verify(capsys, str(corpus), "--script", "nope")
    assert code == 2
    assert "no script named nope" in err and "(hello)" in err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"exit_code": "zero"}, "scripts[0].exit_code must be a int"),
        ({"outputs": {"o.txt": {"png": ""}}}, "needs exactly one of gzip_text, hex, text"),
        ({"script": "scripts/none.py"}, "script not found"),
        ({"fake_setup": {"explode": []}}, "expected one of fail_next, throttle"),
        ({"target": "3.0"}, "scripts[0].target: one of 2.1, 3.1"),
    ],
)
def test_malformed_expectations_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, Any], message: str
) -> None:
    corpus = write_corpus(tmp_path / "c", [_case("ok", **change)])
    code, _, err = verify(capsys, str(corpus))
    assert code == 2
    assert message in err


def test_a_bad_timeout_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = verify(capsys, str(CORPUS), "--timeout", "0")
    assert code == 2
    assert "expected more than 0 seconds" in err


def _target_case(expected: str, **changes: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "script": "scripts/target.py",
        "args": ["x", "local"],
        "exit_code": 0,
        "outputs": {"output/target.txt": {"text": expected}},
    }
    case.update(changes)
    return case


def test_each_run_can_target_a_legacy_release(tmp_path: Path) -> None:
    cases = [
        _target_case("2.1"),
        _target_case("3.1", target="3.1"),
        _target_case("2.1", target="2.1", env={"TXO_COMPAT_TARGET": "3.1"}),
        _target_case("3.1", env={"TXO_COMPAT_TARGET": "3.1"}),
    ]
    corpus = load_corpus(write_corpus(tmp_path / "c", cases))
    assert [c.id for c in corpus.cases] == ["target", "target@3.1", "target@2.1", "target"]
    assert corpus.cases[1].label == "target @3.1"
    for i, case in enumerate(corpus.cases):
        run = run_case(corpus, case, tmp_path / f"w{i}", timeout=60)
        assert run.exit_code == 0, run.stderr
        assert run.outputs == {"output/target.txt": str(case.outputs[0].content).encode()}


def test_the_report_never_quotes_a_corpus_secret_in_a_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A script that writes the secret into an output: the diff is shown, the secret is not."""
    root = write_corpus(tmp_path / "c", [])
    leaky = "from pathlib import Path\n" + (
        'Path("output").mkdir()\n'
        'secret = Path("config/x-api-config-secrets.json").read_text()\n'
        'Path("output/hello.txt").write_text("key " + secret)\n'
    )
    (root / "scripts" / "leaky.py").write_text(leaky, encoding="utf-8")
    case = {
        "script": "scripts/leaky.py",
        "args": ["x", "api"],
        "exit_code": 0,
        "warnings": [],
        "outputs": {"output/hello.txt": {"text": "key none"}},
        "log_contains": [],
    }
    expectations = json.loads((root / "expectations.json").read_text(encoding="utf-8"))
    (root / "expectations.json").write_text(json.dumps({**expectations, "scripts": [case]}))
    for fmt in ("text", "json"):
        code, out, _ = verify(capsys, str(root), "--format", fmt)
        assert code == 1
        assert "output/hello.txt" in out  # the difference is still named
        assert "mini-secret-42" not in out, out
