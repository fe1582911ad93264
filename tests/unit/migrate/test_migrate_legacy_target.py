"""``legacy-target``: which template release the checked scripts target, and what it changes.

With 2.1 (the default, as ``python -m txo.compat``) a 3.1-only name is reported as "not
in 2.1"; with 3.1 it is plain deprecated 3.1 API, and a single DataFrame saved to .xlsx
is flagged because 3.1 and v3 name its sheet differently.  The setting comes from
``[tool.txo-migrate]`` or ``--legacy-target`` (which wins); a value outside 2.1/3.1 is an
error naming the valid ones.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timezone
from pathlib import Path

import pytest

from txo.migrate.cli import main
from txo.migrate.engine import check_source
from txo.migrate.options import DEFAULT_LEGACY_TARGET, LEGACY_TARGETS, CheckOptions
from txo.migrate.pyproject import SettingsError, resolve
from txo.migrate.rules.v31_dropins import GET_UTC_TIMESTAMP, TIMESTAMP_FORMAT
from txo.migrate.rules.v31_workbook import V3_SHEET, V31_SHEET

SCRIPT = """\
from utils.load_n_save import TxoDataHandler


def export(frame):
    handler = TxoDataHandler()
    handler.save(frame, "output", "report.xlsx")
    return TxoDataHandler.get_utc_timestamp()
"""


def _messages(target: str) -> list[str]:
    options = CheckOptions(codes=frozenset({"TXO501"}), legacy_target=target)
    return [f.message for f in check_source(SCRIPT, "script.py", options)]


def test_the_default_target_is_the_compat_layers() -> None:
    from txo.compat.runtime import DEFAULT_TARGET

    assert DEFAULT_LEGACY_TARGET == DEFAULT_TARGET and CheckOptions().legacy_target == "2.1"
    assert LEGACY_TARGETS == ("2.1", "3.1")


def test_target_21_says_the_scripts_use_31_api() -> None:
    messages = _messages("2.1")
    assert len(messages) == 2  # the class import and get_utc_timestamp; the sheet is 2.1's
    assert "`utils.load_n_save.TxoDataHandler.get_utc_timestamp` is not in 2.1" in messages[1]
    assert "your scripts use v3.1 API" in messages[1]


def test_target_31_words_it_as_31_api_and_keeps_the_31_sheet_name() -> None:
    messages = _messages("3.1")
    assert len(messages) == 3
    assert "is deprecated v3.1 API" in messages[2] and "not in 2.1" not in messages[2]
    assert "writes sheet 'Data' in 3.1" in messages[1] and "sheet_name='Data'" in messages[1]


def test_an_unknown_target_is_refused_with_the_valid_values() -> None:
    with pytest.raises(ValueError, match=r"'3\.0'; valid values: 2\.1, 3\.1"):
        CheckOptions(legacy_target="3.0")


@pytest.mark.parametrize(("value", "expected"), [('"3.1"', "3.1"), ("2.1", "2.1")])
def test_read_from_pyproject(tmp_path: Path, value: str, expected: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.txo-migrate]\nlegacy-target = {value}\n")
    assert resolve(None, False, tmp_path).legacy_target == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('legacy-target = "3.0"', r'unknown legacy-target \'3.0\'.*Use one of "2.1", "3.1"'),
        ('legacy-target = ["3.1"]', "unknown legacy-target"),
        ('legacy_target = "3.1"', "did you mean 'legacy-target'"),
    ],
)
def test_bad_values_in_pyproject_are_helpful_errors(
    tmp_path: Path, body: str, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.txo-migrate]\n{body}\n")
    with pytest.raises(SettingsError, match=re.compile(message, re.DOTALL)):
        resolve(None, False, tmp_path)


def _project(tmp_path: Path, target: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[tool.txo-migrate]\nlegacy-target = "{target}"\n')
    (tmp_path / "script.py").write_text(SCRIPT)
    return tmp_path


def test_check_reads_the_setting_and_the_flag_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_project(tmp_path, "3.1"))
    assert main(["check", "--select", "TXO501", "script.py"]) == 1
    assert "writes sheet 'Data' in 3.1" in capsys.readouterr().out
    assert main(["check", "--select", "TXO501", "--legacy-target", "2.1", "script.py"]) == 1
    out = capsys.readouterr().out
    assert "sheet 'Data'" not in out and "is not in 2.1" in out


def test_an_unknown_flag_value_lists_the_valid_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_project(tmp_path, "2.1"))
    assert main(["check", "--legacy-target", "3", "script.py"]) == 2
    assert "invalid choice: '3' (choose from '2.1', '3.1')" in capsys.readouterr().err


def test_fix_follows_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_project(tmp_path, "2.1"))
    main(["fix", "--select", "TXO501", "script.py"])
    on_21 = capsys.readouterr().err
    main(["fix", "--select", "TXO501", "--legacy-target", "3.1", "script.py"])
    on_31 = capsys.readouterr().err
    # the same two fixes; on 3.1 the sheet-name advice is one more finding left to a human
    assert "of 2 finding(s)" in on_21 and "of 3 finding(s)" in on_31


def test_the_timestamp_rewrite_is_the_registered_replacement_and_the_31_format() -> None:
    from txo.compat.registry import SHIMS

    replacement = SHIMS[GET_UTC_TIMESTAMP].replacement
    assert replacement == f"datetime.now(timezone.utc).strftime('{TIMESTAMP_FORMAT}')"
    value: str = eval(replacement, {"datetime": datetime, "timezone": timezone})
    shape = re.compile(r"\d{4}-\d\d-\d\dT\d{6}Z")
    assert shape.fullmatch(value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from txo.compat.v21.load_n_save import TxoDataHandler

        assert shape.fullmatch(TxoDataHandler.get_utc_timestamp())  # what the compat layer gives
    assert datetime.strptime(value, TIMESTAMP_FORMAT).replace(tzinfo=UTC) <= datetime.now(UTC)


def test_the_sheet_names_are_the_libraries() -> None:
    from txo.data.codecs.excel_codec import DEFAULT_SHEET_NAME

    assert V3_SHEET == DEFAULT_SHEET_NAME and V31_SHEET == "Data"
