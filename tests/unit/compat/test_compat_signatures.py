"""v2.1 signatures accept both the 2.1.0 and the 2.1.1 call forms."""

from __future__ import annotations

import inspect
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from txo.compat.runtime import CompatRuntime
from txo.compat.v21._impl import load_n_save, logger, path_helpers, script_runner
from txo.compat.v21._impl.load_n_save import TxoDataHandler

pd = pytest.importorskip("pandas")


@pytest.fixture
def project(tmp_path: Path, compat_runtime: CompatRuntime) -> Iterator[Path]:
    (tmp_path / "config").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "semi.csv").write_text("a;b\n1;x\n2;y\n", encoding="latin-1")
    yield tmp_path


def test_save_accepts_210_indent_and_211_kwargs(project: Path) -> None:  # bug 1
    TxoDataHandler.save([1, 2], "output", "a.json", indent=2)
    TxoDataHandler.save([1, 2], "output", "b.json", compact=True, sort_keys=True)
    TxoDataHandler.save("text", "output", "c.txt", encoding="utf-8", ensure_newline=True)
    assert (project / "output" / "a.json").read_text() == "[\n  1,\n  2\n]"
    assert (project / "output" / "b.json").read_text() == "[1,2]"
    assert (project / "output" / "c.txt").read_text() == "text\n"
    with pytest.raises(TypeError, match=r"unexpected keyword"):
        TxoDataHandler.save([1], "output", "d.json", no_such_option=True)


def test_load_csv_positional_forms(project: Path) -> None:
    v211 = TxoDataHandler.load_csv("data", "semi.csv", ";", "latin-1")
    v210 = TxoDataHandler.load_csv("data", "semi.csv", "latin-1", ";")
    by_name = TxoDataHandler.load_csv("data", "semi.csv", delimiter=";", encoding="latin-1")
    assert list(v211.columns) == list(v210.columns) == list(by_name.columns) == ["a", "b"]
    assert v211["b"].tolist() == ["x", "y"]


def test_load_excel_skip_rows_and_skiprows(project: Path) -> None:
    frame = pd.DataFrame([{"h": "header"}, {"h": "a"}, {"h": "b"}])
    TxoDataHandler.save(frame, "output", "x.xlsx")
    assert TxoDataHandler.load_excel("output", "x.xlsx", skip_rows=1).shape == (2, 1)
    assert TxoDataHandler.load_excel("output", "x.xlsx", skiprows=1).shape == (2, 1)
    assert TxoDataHandler.load_excel("output", "x.xlsx", 0, 1).shape == (2, 1)


def test_save_gzip_level_none_or_zero_is_nine(project: Path) -> None:
    for level in (None, 0, 9, 1):
        TxoDataHandler.save_gzip(b"x" * 100, "output", f"l{level}.gz", compression_level=level)
    written = {level: (project / "output" / f"l{level}.gz").read_bytes() for level in (None, 0, 1)}
    nine = (project / "output" / "l9.gz").read_bytes()
    assert written[None] == written[0] == nine  # the gzip header has mtime=0: same bytes
    assert written[1] != nine  # the level does reach the codec
    with pytest.raises(ValueError, match=r"0-9"):
        TxoDataHandler.save_gzip(b"x", "output", "bad.gz", compression_level=11)


def test_get_path_accepts_210_singular_aliases(project: Path) -> None:
    assert path_helpers.get_path("log", "a.log") == project / "logs" / "a.log"
    assert path_helpers.get_path("schema", "s.json", ensure_parent=False).parent.name == "schemas"
    with pytest.raises(ValueError, match=r"Invalid category 'nope'. Must be exactly one of"):
        path_helpers.get_path("nope", "x")


def test_setup_logger_and_set_context_accept_210_org_id(project: Path) -> None:
    first = logger.setup_logger(org_id="acme")
    assert first is logger.setup_logger() is logger.TxoLogger()
    assert first.org_id == "acme"
    first.set_context(org_id="other")
    assert first.org_id == "other"
    record = _record()
    assert logger.ContextFilter("x").filter(record)
    assert record.org_id == "x" and record.elapsed_ms >= 0  # type: ignore[attr-defined]


def _record() -> logging.LogRecord:
    return logging.LogRecord("TxoApp", logging.INFO, __file__, 1, "m", None, None)


def test_script_runner_signatures() -> None:
    runner = inspect.signature(script_runner.ScriptRunner)
    assert runner.parameters["require_token"].default is False  # 2.1.1; 2.1.0 passed True
    wrapper = inspect.signature(script_runner.parse_args_and_load_config)
    assert list(wrapper.parameters) == ["description", "require_token"]
    custom = inspect.signature(script_runner.parse_custom_args_and_load_config)
    assert list(custom.parameters) == ["description", "custom_args", "require_token"]


@pytest.mark.parametrize("require_token", ["", ", require_token=False", ", True"])
def test_parse_args_and_load_config_call_forms(tmp_path: Path, require_token: str) -> None:
    (tmp_path / "config").mkdir()
    config = '{"global": {}, "script-behavior": {}}'
    (tmp_path / "config" / "o-e-config.json").write_text(config)
    (tmp_path / "config" / "o-e-config-secrets.json").write_text('{"az-token": "tok-12345678"}')
    script = tmp_path / "s.py"
    script.write_text(
        "from utils.script_runner import parse_args_and_load_config\n"
        f"c = parse_args_and_load_config('d'{require_token})\n"
        "print(sorted(k for k in c if k.startswith('_')), c['_token'] is not None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "txo.compat", str(script), "o", "e"],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    token_expected = "True" in require_token
    assert result.stdout.strip().endswith(str(token_expected))
    assert "['_az_token', '_env_type', '_org_id', '_token']" in result.stdout


def test_module_level_names_of_load_n_save() -> None:
    assert TxoDataHandler.DEFAULT_JSON_INDENT == 2
    assert TxoDataHandler.FORMAT_EXTENSIONS[".rapidstart"] == "gzip"
    assert TxoDataHandler.detect_format("X.XLSM") == "excel"
    assert load_n_save.DecimalEncoder().encode({"d": __import__("decimal").Decimal("1.5")}) == (
        '{"d": 1.5}'
    )
