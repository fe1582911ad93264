"""``python -m txo.compat``: crash output, bad arguments and config messages, as the v3 runner.

Every test runs the compat runner in a child process (it owns the process's
argv, sys.path, logging and warning filters, as a real run does).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from txo.compat.runtime import CompatRuntime

REPO = Path(__file__).resolve().parents[3]
LEGACY_CONFIG = REPO / "migration" / "legacy" / "config" / "legacy-local-config.json"

CRASH_SCRIPT = """\
import sys
from utils.script_runner import parse_args_and_load_config

config = parse_args_and_load_config("Crash with a secret")
secret = config["_client_secret"]
if MODE == "raise":
    raise RuntimeError(f"auth failed: {secret}")
sys.exit(f"fatal: {secret}")
"""

LOAD_SCRIPT = """\
from utils.script_runner import parse_args_and_load_config

config = parse_args_and_load_config("Load a config")
print("loaded", config["_org_id"])
"""


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    log: str


def make_project(root: Path, secret: str = "s3cr3t-value-for-tests") -> Path:
    """A project with ``config/acme-test-config.json`` and its secrets file."""
    (root / "config").mkdir(parents=True, exist_ok=True)
    shutil.copy(LEGACY_CONFIG, root / "config" / "acme-test-config.json")
    secrets = {"client-secret": secret}
    (root / "config" / "acme-test-config-secrets.json").write_text(
        json.dumps(secrets), encoding="utf-8"
    )
    return root


def crash_script(mode: str) -> str:
    return f"MODE = {mode!r}\n" + CRASH_SCRIPT


def run_compat(root: Path, script_text: str, *args: str, name: str = "script.py") -> Run:
    script = root / name
    script.write_text(script_text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PROJECT_ROOT", "TXO_WARN_V21")}
    env["PYTHONPATH"] = str(REPO)
    env["PYTHONIOENCODING"] = "utf-8"
    done = subprocess.run(
        [sys.executable, "-m", "txo.compat", str(script), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )
    logs = sorted((root / "logs").glob("*.log")) if (root / "logs").is_dir() else []
    log = "".join(p.read_text(encoding="utf-8") for p in logs)
    return Run(done.returncode, done.stdout, done.stderr, log)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    yield make_project(tmp_path / "project")


# -- crash output: redacted on the terminal, traceback in the log file ---------------------


def test_uncaught_error_is_redacted_on_stderr_and_logged_with_traceback(project: Path) -> None:
    run = run_compat(project, crash_script("raise"), "acme", "test")
    assert run.code == 1
    assert "s3cr3t-value-for-tests" not in run.stderr + run.stdout + run.log
    assert "auth failed: [REDACTED]" in run.stderr
    assert "Traceback (most recent call last)" in run.log
    assert "RuntimeError: auth failed: [REDACTED]" in run.log


def test_sys_exit_with_a_message_is_redacted_and_logged(project: Path) -> None:
    run = run_compat(project, crash_script("exit"), "acme", "test")
    assert run.code == 1
    assert "s3cr3t-value-for-tests" not in run.stderr + run.stdout + run.log
    assert "fatal: [REDACTED]" in run.stderr
    assert "fatal: [REDACTED]" in run.log


def test_exit_codes_follow_the_v3_runner(project: Path) -> None:
    assert run_compat(project, "import sys\nsys.exit(3)\n").code == 3
    assert run_compat(project, "import sys\nsys.exit()\n").code == 0
    assert run_compat(project, "raise KeyboardInterrupt\n").code == 130
    assert run_compat(project, "print('ok')\n").code == 0


def test_a_crash_before_any_logger_exists_is_still_logged(project: Path) -> None:
    run = run_compat(project, "raise ValueError('boom before logging')\n")
    assert run.code == 1
    assert "ValueError: boom before logging" in run.stderr
    assert "Traceback (most recent call last)" in run.log


_SPECIALS = "\"'\\/?#&=%+@:;, é€中😀"
secret_values = st.one_of(
    st.text(alphabet=st.sampled_from(_SPECIALS + "abcXYZ019"), min_size=6, max_size=24),
    st.integers(min_value=100_000, max_value=10**12).map(str),
    st.text(min_size=6, max_size=24).filter(lambda s: s.strip() == s and s.isprintable()),
).filter(lambda s: len(s.strip()) >= 6 and "REDACTED" not in s)

_COUNTS = {"cases": 0, "leaks": 0}


@settings(
    max_examples=12,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(secret=secret_values, mode=st.sampled_from(["raise", "exit"]))
@example(secret="q\"uo\\te'é", mode="raise")
@example(secret="98765432", mode="exit")
@example(secret="a/b?c=d&e#f%20+@", mode="raise")
def test_no_secret_reaches_the_terminal_or_the_log(
    tmp_path_factory: pytest.TempPathFactory, secret: str, mode: str
) -> None:
    root = make_project(tmp_path_factory.mktemp("fuzz"), secret)
    run = run_compat(root, crash_script(mode), "acme", "test")
    leaked = [sink for sink, text in (("stderr", run.stderr), ("log", run.log)) if secret in text]
    _COUNTS["cases"] += 1
    _COUNTS["leaks"] += bool(leaked)
    print(f"compat runner case {_COUNTS['cases']}: {mode} {secret!r} leaks={leaked}")
    print(f"compat runner redaction: {_COUNTS['cases']} cases, {_COUNTS['leaks']} leaks")
    assert run.code == 1
    assert not leaked
    assert "Traceback" in run.log or mode == "exit"


# -- bad arguments: org/env ids that would leave config/ ----------------------------------


@pytest.mark.parametrize(
    ("org", "env"), [("../../etc", "passwd"), ("acme", "../test"), ("a/b", "test"), ("", "x")]
)
def test_path_traversal_ids_are_bad_arguments(tmp_path: Path, org: str, env: str) -> None:
    root = make_project(tmp_path / "project")
    outside = tmp_path / "etc-passwd-config.json"
    outside.write_text(LEGACY_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "etc-passwd-config.json").write_text(outside.read_text(), encoding="utf-8")
    run = run_compat(root, LOAD_SCRIPT, org, env)
    assert run.code == 2
    assert "loaded" not in run.stdout
    assert "Use letters, digits" in run.stderr


# -- config and data messages: each names its file, the problem and its fix --------------


def test_missing_config_names_the_file_and_how_to_create_it(project: Path) -> None:
    run = run_compat(project, LOAD_SCRIPT, "acme", "nowhere")
    assert run.code == 1
    assert "acme-nowhere-config.json" in run.stderr
    assert "not found" in run.stderr
    assert "Check your config file is valid JSON" not in run.stderr


def test_invalid_json_config_gives_line_column_and_a_json_fix(project: Path) -> None:
    (project / "config" / "acme-test-config.json").write_text('{"global": {,}}', encoding="utf-8")
    run = run_compat(project, LOAD_SCRIPT, "acme", "test")
    assert run.code == 1
    assert "acme-test-config.json" in run.stderr
    assert "line 1, column 13" in run.stderr
    assert "Check your config file is valid JSON and matches the schema" not in run.stderr
    assert "a key in double quotes is expected here" in run.stderr  # the exact problem


def test_invalid_secrets_file_names_the_secrets_file(project: Path) -> None:
    secrets = project / "config" / "acme-test-config-secrets.json"
    secrets.write_text('{"client-secret": "abc', encoding="utf-8")
    run = run_compat(project, LOAD_SCRIPT, "acme", "test")
    assert run.code == 1
    assert "acme-test-config-secrets.json" in run.stderr
    assert "matches the schema" not in run.stderr


def test_nested_secret_names_the_key_and_the_fix(project: Path) -> None:
    secrets = project / "config" / "acme-test-config-secrets.json"
    secrets.write_text('{"client-secret": {"nested": "x"}}', encoding="utf-8")
    run = run_compat(project, LOAD_SCRIPT, "acme", "test")
    assert run.code == 1
    assert "client-secret" in run.stderr
    assert "acme-test-config-secrets.json" in run.stderr
    assert "flat" in run.stderr


def test_schema_violation_names_the_place_and_the_schema(project: Path) -> None:
    config = json.loads(LEGACY_CONFIG.read_text(encoding="utf-8"))
    config["global"]["timeout-seconds"] = "thirty"
    (project / "config" / "acme-test-config.json").write_text(json.dumps(config))
    run = run_compat(project, LOAD_SCRIPT, "acme", "test")
    assert run.code == 1
    assert "timeout-seconds" in run.stderr
    assert "acme-test-config.json" in run.stderr


DATA_SCRIPT = r"""\
from utils.load_n_save import TxoDataHandler
from utils.exceptions import ValidationError

try:
    TxoDataHandler().load_json("data", "bad.json")
except ValidationError as exc:
    print("MESSAGE:" + str(exc) + "\nFIX:" + exc.how_to_fix)
"""


def test_data_errors_say_it_once_with_position_and_fix(project: Path) -> None:
    (project / "data").mkdir()
    (project / "data" / "bad.json").write_text('{"a": 1,,}', encoding="utf-8")
    run = run_compat(project, DATA_SCRIPT)
    message = run.stdout.partition("MESSAGE:")[2]
    assert message, run.stderr
    assert message.count("Invalid JSON") == 1, message
    assert "bad.json" in message
    assert "line 1, column" in message
    assert "Check the data against what the operation expects" not in message
    assert 'Write every key in double quotes: "key".' in message.partition("FIX:")[2]


def test_compat_config_loader_refuses_ids_that_leave_config(
    tmp_path: Path, compat_runtime: CompatRuntime
) -> None:
    from txo.compat.v21._impl.config_loader import ConfigLoader
    from txo.errors import ConfigError

    with pytest.raises(ConfigError, match="becomes part of a file name"):
        ConfigLoader("../../etc", "passwd").load_config()


def test_the_31_validator_script_runs_txo_migrate_check(project: Path) -> None:
    (project / "utils").mkdir()
    (project / "checked").mkdir()
    (project / "checked" / "ok.py").write_text("x = 1\n", encoding="utf-8")
    script = "raise SystemExit('the template validator must not run')\n"
    run = run_compat(
        project, script, str(project / "checked"), name="utils/validate_tko_compliance.py"
    )
    assert run.code == 0, run.stderr
    assert "utils.validate_tko_compliance.main is deprecated" in run.stderr
    assert "replaced by `txo-migrate check`" in run.stderr
    assert "All checks passed" in run.stdout
