"""run_script is the one exit boundary: exit codes 0/1/2/130 seen from a real subprocess."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

CONFIG = {
    "global": {"api-base-url": "https://api.example.com"},
    "script-behavior": {"api-timeouts": {"rest-timeout-seconds": 5}},
}
SECRET = "runner-secret-value-0042"

SCRIPT = """
import sys
from txo.runner import Arg, run_script
from txo.errors import HelpfulError

def main(ctx):
    mode = ctx.args.mode
    if mode == "ok":
        ctx.logger.info("hello from %s-%s", ctx.org_id, ctx.env_type)
    elif mode == "helpful":
        raise HelpfulError("Thing went wrong", "Do the fix", "do --this")
    elif mode == "crash":
        raise RuntimeError("unexpected with " + ctx.config["_client_secret"])
    elif mode == "interrupt":
        raise KeyboardInterrupt
    elif mode == "block":
        print("READY", flush=True)
        sys.stdin.read()
    elif mode == "missing-key":
        ctx.config.require("global", "tenant-id")

raise SystemExit(run_script(main, "Runner test", extra_args=[Arg("mode")]))
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "acme-test-config.json").write_text(json.dumps(CONFIG))
    secrets = {"client-secret": SECRET}
    (tmp_path / "config" / "acme-test-config-secrets.json").write_text(json.dumps(secrets))
    (tmp_path / "script.py").write_text(SCRIPT)
    return tmp_path


def _run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "script.py", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _all_output(project: Path, result: subprocess.CompletedProcess[str]) -> str:
    logs = "".join(p.read_text() for p in (project / "logs").glob("*.log"))
    return result.stdout + result.stderr + logs


def test_success_exits_0_and_logs_to_daily_file(project: Path) -> None:
    result = _run(project, "acme", "test", "ok")
    assert result.returncode == 0, result.stderr
    assert "hello from acme-test" in _all_output(project, result)
    assert list((project / "logs").glob("app_*.log"))


def test_helpful_error_exits_1_with_three_parts_and_no_traceback(project: Path) -> None:
    result = _run(project, "acme", "test", "helpful")
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "Problem: Thing went wrong" in out and "Fix: Do the fix" in out and "do --this" in out
    assert "Traceback" not in out


def test_missing_config_key_exits_1_naming_path_and_file(project: Path) -> None:
    result = _run(project, "acme", "test", "missing-key")
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "global.tenant-id" in out and "acme-test-config.json" in out


def test_missing_config_file_exits_1(project: Path) -> None:
    result = _run(project, "nobody", "test", "ok")
    assert result.returncode == 1
    assert "nobody-test-config.json" in result.stdout + result.stderr


def test_unexpected_error_exits_1_with_redacted_traceback(project: Path) -> None:
    result = _run(project, "acme", "test", "crash")
    assert result.returncode == 1
    everything = _all_output(project, result)
    assert "Traceback" in everything and "RuntimeError" in everything
    assert SECRET not in everything


def test_bad_arguments_exit_2_with_usage(project: Path) -> None:
    result = _run(project, "acme")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_help_exits_0(project: Path) -> None:
    result = _run(project, "--help")
    assert result.returncode == 0 and "Runner test" in result.stdout


def test_keyboard_interrupt_exits_130(project: Path) -> None:
    result = _run(project, "acme", "test", "interrupt")
    assert result.returncode == 130
    assert "interrupted" in _all_output(project, result)


def test_real_sigint_exits_130(project: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "script.py", "acme", "test", "block"],
        cwd=project,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    try:
        line = "start"
        while line and "READY" not in line:
            line = proc.stdout.readline()
        assert "READY" in line, proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    finally:
        proc.kill()
        proc.communicate()
