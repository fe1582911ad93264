"""run_script in-process: arguments, exit-code mapping, context services, clean-up."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from txo.errors import HelpfulError
from txo.paths import Dir
from txo.runner import Arg, ScriptContext, build_parser, run_script
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
    assert logged in _log(project)


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
