"""run_script in-process: arguments, exit-code mapping, context services, clean-up."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from txo.config import ConfigProxy
from txo.errors import HelpfulError, InvalidArgumentError
from txo.log import SecretRegistry
from txo.paths import Dir, ProjectPaths
from txo.runner import SESSION_POOL, Arg, ScriptContext, build_parser, call_guarded, run_script
from txo.testing.plugin import MakeProject, TxoProject


def _run(project: TxoProject, main: Any, *extra: str, **kw: Any) -> tuple[int, str]:
    stderr = io.StringIO()
    code = run_script(
        main, "Unit run", argv=project.argv(*extra), root=str(project.root), environ={},
        stderr=stderr, **kw,
    )  # fmt: skip
    return code, stderr.getvalue()


def _log(project: TxoProject) -> str:
    return "".join(p.read_text() for p in (project.root / "logs").glob("*.log"))


def _messages(project: TxoProject) -> list[str]:
    """The message part of every record line (``time - logger - LEVEL - message``)."""
    lines = _log(project).splitlines()
    return [line.split(" - ", 3)[3] for line in lines if line.count(" - ") >= 3]


@pytest.fixture
def project(make_txo_project: MakeProject) -> TxoProject:
    return make_txo_project()


def test_extra_arguments_positional_option_choices_and_flag() -> None:
    parser = build_parser(
        "d",
        [
            Arg("company"),
            Arg("limit", type=int, default=10),
            Arg("mode", choices=["full", "delta"], required=False),
            Arg("dry_run", action="store_true", required=False),
        ],
    )
    args = parser.parse_args(["o", "e", "acme", "--limit", "3", "--mode", "delta", "--dry-run"])
    assert (args.company, args.limit, args.mode, args.dry_run) == ("acme", 3, "delta", True)
    defaults = parser.parse_args(["o", "e", "acme"])
    assert (defaults.limit, defaults.mode, defaults.dry_run) == (10, None, False)
    with pytest.raises(SystemExit):
        parser.parse_args(["o", "e", "acme", "--mode", "bogus"])


def test_context_offers_config_data_and_logger(project: TxoProject) -> None:
    seen: dict[str, Any] = {}

    def main(ctx: ScriptContext) -> None:
        ctx.data.save({"n": 1}, Dir.OUTPUT, "x.json")
        seen["data_is_shared"] = ctx.data is ctx.data
        seen["base"] = ctx.config.require("global", "api-base-url")
        ctx.logger.info("custom line %d", 7)

    code, _ = _run(project, main)
    assert code == 0 and seen["data_is_shared"]
    assert seen["base"] == project.config["global"]["api-base-url"]
    assert json.loads((project.root / "output" / "x.json").read_text()) == {"n": 1}
    assert "custom line 7" in _log(project)


@pytest.mark.parametrize(
    ("raised", "code", "logged"),
    [
        (HelpfulError("Broke", "Mend it", "mend --now"), 1, "Problem: Broke"),
        (KeyboardInterrupt(), 130, "Script interrupted by user"),
        (SystemExit(3), 3, ""),
        (SystemExit("stopped: no rows"), 1, "stopped: no rows"),
        (SystemExit(ValueError("no rows for 2024")), 1, "no rows for 2024"),  # sys.exit(exc)
        (SystemExit(None), 0, ""),
        (RuntimeError("kaboom"), 1, "Unexpected error: kaboom"),
    ],
)
def test_outcomes_map_to_exit_codes(
    project: TxoProject, raised: BaseException, code: int, logged: str
) -> None:
    def main(_ctx: ScriptContext) -> None:
        raise raised

    assert _run(project, main)[0] == code
    if logged:  # the whole message, as written: a wrapped or reworded line would fail
        assert logged in _messages(project)
    assert "Finished: Unit run" not in _messages(project)


def test_an_unexpected_error_logs_its_traceback(project: TxoProject) -> None:
    def main(_ctx: ScriptContext) -> None:
        raise RuntimeError("kaboom")

    assert _run(project, main)[0] == 1
    log = _log(project)
    assert "Traceback (most recent call last):" in log
    assert 'in main\n    raise RuntimeError("kaboom")' in log
    assert "\nRuntimeError: kaboom\n" in log


def test_a_run_logs_its_start_and_end(project: TxoProject) -> None:
    assert _run(project, lambda ctx: None)[0] == 0
    messages = _messages(project)
    start = messages.index("Starting Unit run (txo-test)")
    assert messages.index("Finished: Unit run") > start


def test_bad_arguments_and_help(project: TxoProject, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_script(lambda ctx: None, "Helpful text", argv=["only-org"]) == 2
    assert "usage:" in capsys.readouterr().err
    assert run_script(lambda ctx: None, "Helpful text", argv=["--help"]) == 0
    assert "Helpful text" in capsys.readouterr().out


def test_a_broken_logging_config_is_reported_on_stderr(project: TxoProject) -> None:
    (project.config_dir / "logging-config.json").write_text("{not json")
    code, stderr = _run(project, lambda ctx: None)
    assert code == 1
    assert "logging-config.json" in stderr and "Fix:" in stderr


def test_everything_is_closed_after_the_run(project: TxoProject) -> None:
    seen: dict[str, Any] = {}

    def main(ctx: ScriptContext) -> None:
        seen["pool"] = ctx.container.get("session_pool")

    root_handlers = list(logging.getLogger().handlers)
    assert _run(project, main)[0] == 0
    assert seen["pool"].closed
    assert logging.getLogger().handlers == root_handlers


def test_a_missing_project_root_is_a_helpful_exit_1(tmp_path: Path) -> None:
    stderr = io.StringIO()
    code = run_script(
        lambda ctx: None, "x", argv=["a", "b"], root=str(tmp_path / "nope"), stderr=stderr
    )
    assert code == 1
    assert "not a directory" in stderr.getvalue() and "TXO_PROJECT_ROOT" in stderr.getvalue()


def test_a_service_that_fails_to_close_is_logged_and_fails_the_run(project: TxoProject) -> None:
    class Leaky:
        def close(self) -> None:
            raise OSError("flush failed")

    def main(ctx: ScriptContext) -> None:
        ctx.container.register("leaky", lambda _c: Leaky())
        ctx.container.get("leaky")

    before = list(logging.getLogger().handlers)
    assert _run(project, main)[0] == 1
    assert "Unexpected error: flush failed" in _log(project)
    assert logging.getLogger().handlers == before  # logging was still closed


@pytest.mark.parametrize(
    ("org_id", "env_type"), [("../../etc", "test"), ("txo", "../prod"), ("-x", "test")]
)
def test_invalid_org_or_env_id_exits_2_as_bad_arguments(
    project: TxoProject, org_id: str, env_type: str
) -> None:
    ran: list[bool] = []
    stderr = io.StringIO()
    code = run_script(
        lambda ctx: ran.append(True), "Unit run", argv=["--", org_id, env_type],
        root=str(project.root), environ={}, stderr=stderr,
    )  # fmt: skip
    assert code == 2 and not ran
    output = stderr.getvalue() + _log(project)
    assert "Invalid" in output and "letters, digits" in output


def test_the_context_says_what_the_run_is_for(project: TxoProject) -> None:
    """Services built later from the container get the very objects ``ctx`` offers."""
    seen: dict[str, Any] = {}

    def main(ctx: ScriptContext) -> None:
        seen["ids"] = (ctx.org_id, ctx.env_type, ctx.args.org_id, ctx.args.env_type)
        seen["root"] = ctx.paths.root
        seen["shared"] = [
            ctx.container.get(ProjectPaths) is ctx.paths,
            ctx.container.get(ConfigProxy) is ctx.config,
            ctx.container.get(SecretRegistry) is ctx.secrets,
            ctx.container.get(logging.Logger) is ctx.logger,
        ]

    assert _run(project, main)[0] == 0
    assert seen["ids"] == ("txo", "test", "txo", "test")
    assert seen["root"] == project.root.resolve()
    assert seen["shared"] == [True, True, True, True]


def test_secrets_never_reach_the_log(project: TxoProject) -> None:
    """The secrets file's values and what the script registers are redacted, tracebacks too."""
    own_key = "script-own-api-key-7f3a9c"

    def main(ctx: ScriptContext) -> None:
        ctx.secrets.add(own_key)
        ctx.logger.info("calling partner with %s", own_key)
        raise RuntimeError(f"login refused for {ctx.config.require('_client_secret')}")

    assert _run(project, main)[0] == 1
    log = _log(project)
    assert "calling partner with [REDACTED]" in _messages(project)
    assert "Unexpected error: login refused for [REDACTED]" in _messages(project)
    assert "RuntimeError: login refused for [REDACTED]" in log
    assert own_key not in log and "fake-client-secret-value" not in log


@pytest.mark.parametrize(("overrides", "size"), [({}, 50), ({"max-size": 7}, 7)])
def test_the_session_pool_size_comes_from_script_behavior(
    make_txo_project: MakeProject, overrides: dict[str, int], size: int
) -> None:
    project = make_txo_project(overrides={"script-behavior": {"session-pool": overrides}})
    seen: dict[str, Any] = {}

    def main(ctx: ScriptContext) -> None:
        seen["max_size"] = ctx.container.get(SESSION_POOL).max_size

    assert _run(project, main)[0] == 0
    assert seen["max_size"] == size


def test_extra_arguments_reach_the_script(project: TxoProject) -> None:
    seen: dict[str, Any] = {}

    def main(ctx: ScriptContext) -> None:
        seen["args"] = (ctx.args.company, ctx.args.count, ctx.args.mode)

    extra = [Arg("company"), Arg("count", type=int), Arg("mode", default="delta")]
    assert _run(project, main, "acme", "3", extra_args=extra)[0] == 0
    assert seen["args"] == ("acme", 3, "delta")
    code, _ = _run(project, main, "acme", "three", extra_args=extra)
    assert code == 2  # a positional keeps its type: argparse rejects "three"


@pytest.mark.parametrize(
    ("name", "option", "dest"),
    [
        ("limit", "--limit", "limit"),
        ("--limit", "--limit", "limit"),
        ("page_size", "--page-size", "page_size"),
        ("page-size", "--page-size", "page_size"),
        ("XML_file", "--XML-file", "XML_file"),
    ],
)
def test_option_names_become_dashed_flags_and_underscored_attributes(
    name: str, option: str, dest: str
) -> None:
    parser = build_parser("d", [Arg(name, default="fallback")])
    assert getattr(parser.parse_args(["o", "e", option, "given"]), dest) == "given"
    assert getattr(parser.parse_args(["o", "e"]), dest) == "fallback"


def test_help_keeps_the_description_layout_and_explains_the_ids(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    description = "Sync customers.\n\nSteps:\n  1. read from BC\n  2. write output/"
    assert run_script(lambda ctx: None, description, argv=["--help"]) == 0
    out = capsys.readouterr().out
    assert description in out  # not re-wrapped into one paragraph
    assert re.search(r"^  org_id +Organization ID \(e\.g\., 'txo'\)$", out, re.MULTILINE)
    assert re.search(
        r"^  env_type +Environment type \(e\.g\., 'test', 'prod'\)$", out, re.MULTILINE
    )


def test_the_project_root_comes_from_the_given_environment(
    project: TxoProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``environ`` replaces the process environment, so a caller can point a run elsewhere."""
    monkeypatch.setenv("TXO_PROJECT_ROOT", str(tmp_path / "not-this-one"))
    monkeypatch.chdir(tmp_path)
    seen: dict[str, Path] = {}
    stderr = io.StringIO()

    def main(ctx: ScriptContext) -> None:
        seen["root"] = ctx.paths.root

    environ = {"TXO_PROJECT_ROOT": str(project.root)}
    code = run_script(main, "x", argv=project.argv(), environ=environ, stderr=stderr)
    assert code == 0, stderr.getvalue()
    assert seen["root"] == project.root.resolve()


class _EnvironThatRaises(Mapping[str, str]):
    """An environment whose lookup raises: something goes wrong before logging is up."""

    def __init__(self, raised: BaseException) -> None:
        self.raised = raised

    def __getitem__(self, key: str) -> str:
        raise self.raised

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


@pytest.mark.parametrize(
    ("raised", "code", "printed"),
    [
        (KeyboardInterrupt(), 130, "Script interrupted by user\n"),
        (SystemExit("stopped early"), 1, "stopped early\n"),
        (RuntimeError("disk on fire"), 1, "Unexpected error: RuntimeError('disk on fire')\n"),
        (HelpfulError("Broke", "Mend it"), 1, "Problem: Broke\nFix: Mend it\n"),
    ],
)
def test_before_logging_starts_the_outcome_goes_to_stderr(
    raised: BaseException, code: int, printed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stderr = io.StringIO()
    environ = _EnvironThatRaises(raised)
    assert (
        run_script(lambda ctx: None, "x", argv=["a", "b"], environ=environ, stderr=stderr) == code
    )
    assert stderr.getvalue() == printed
    assert capsys.readouterr() == ("", "")  # only the stream the caller gave


@pytest.mark.parametrize(
    ("raised", "code", "calls"),
    [
        (InvalidArgumentError("Bad id", "Use letters"), 2, [("report", False)]),
        (HelpfulError("Broke", "Mend it"), 1, [("report", False)]),
        (RuntimeError("kaboom"), 1, [("report", True)]),
        (KeyboardInterrupt(), 130, [("log", logging.INFO, "Script interrupted by user")]),
        (SystemExit("stopped"), 1, [("log", logging.ERROR, "stopped")]),
        (SystemExit(ValueError("bad")), 1, [("log", logging.ERROR, "bad")]),
        (SystemExit(4), 4, []),
        (SystemExit(), 0, []),
    ],
)
def test_call_guarded_reports_each_outcome_through_its_callbacks(
    raised: BaseException, code: int, calls: list[tuple[Any, ...]]
) -> None:
    """The contract legacy scripts' runner relies on: ``traceback`` is a bool, not truthiness."""
    seen: list[tuple[Any, ...]] = []

    def body() -> int:
        raise raised

    def report(exc: BaseException, *, traceback: bool) -> None:
        assert exc is raised and isinstance(traceback, bool)
        seen.append(("report", traceback))

    def log(level: int, message: str) -> None:
        seen.append(("log", level, message))

    assert call_guarded(body, report, log) == code
    assert seen == calls
    assert call_guarded(lambda: 0, report, log) == 0 and seen == calls


@pytest.mark.parametrize(
    ("action", "absent", "given"),
    [("store_true", False, True), ("store_false", True, False), ("count", None, 1)],
)
def test_a_flag_is_an_option_even_when_declared_required(
    action: str, absent: bool | None, given: bool | int
) -> None:
    """``Arg("force", action="store_true")`` must not be a positional that is always set."""
    parser = build_parser("d", [Arg("force", action=action)])
    assert parser.parse_args(["o", "e"]).force is absent
    assert parser.parse_args(["o", "e", "--force"]).force == given
    with pytest.raises(SystemExit):
        parser.parse_args(["o", "e", "force"])  # not a positional that swallows a word
