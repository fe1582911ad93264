"""``[tool.txo-migrate]``: discovery, validation with a nearest-key hint, and precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from txo.migrate.pyproject import SettingsError, ToolSettings, find_pyproject, resolve
from txo.migrate.rules import KNOWN_CODES

TABLE = """\
[project]
name = "scripts"

[tool.txo-migrate]
select = ["TXO1", "TXO5"]
extend-select = ["TXO601"]
ignore = ["TXO502"]
exclude = ["vendored"]
entry-points = ["jobs.sync:main"]
baseline = "baseline.json"
max-function-lines = 80

[tool.txo-migrate.per-file-ignores]
"scripts/*.py" = ["TXO101"]
"""


def _write(folder: Path, text: str, name: str = "pyproject.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_found_from_a_subfolder_and_read(tmp_path: Path) -> None:
    _write(tmp_path, TABLE)
    found = find_pyproject(tmp_path / "scripts" / "deep")
    assert found == tmp_path / "pyproject.toml"
    tool = resolve(None, False, tmp_path / "scripts")
    assert tool.source == found and tool.base == tmp_path.resolve()
    assert tool.codes() == {"TXO101", "TXO501", "TXO601"}
    assert tool.exclude == ("vendored",) and tool.entry_points == ("jobs.sync:main",)
    assert tool.baseline == tmp_path.resolve() / "baseline.json"
    assert tool.max_function_lines == 80
    assert tool.ignored_in(tmp_path / "scripts" / "a.py") == {"TXO101"}
    assert tool.ignored_in(tmp_path / "lib" / "a.py") == frozenset()


def test_pyproject_without_the_table_is_skipped(tmp_path: Path) -> None:
    _write(tmp_path, TABLE)
    _write(tmp_path / "sub", '[project]\nname = "x"\n')
    assert find_pyproject(tmp_path / "sub") == tmp_path / "pyproject.toml"


def test_command_line_wins(tmp_path: Path) -> None:
    tool = resolve(_write(tmp_path, TABLE), False, tmp_path)
    assert tool.codes(select=["TXO2"]) == {"TXO201"}
    assert tool.codes(extend_select=["TXO3"]) >= {"TXO301", "TXO101"}
    assert "TXO101" not in tool.codes(ignore=["TXO1"])


def test_isolated_and_explicit_config(tmp_path: Path) -> None:
    _write(tmp_path, TABLE)
    assert resolve(None, True, tmp_path).codes() == KNOWN_CODES
    other = _write(tmp_path, 'select = ["TXO4"]\n', "team.toml")
    assert resolve(other, False, tmp_path).codes() == {"TXO401"}
    with pytest.raises(SettingsError, match="does not exist"):
        resolve(tmp_path / "missing.toml", False, tmp_path)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('extend_select = ["TXO1"]', "did you mean 'extend-select'"),
        ('selct = ["TXO1"]', "did you mean 'select'"),
        ('colour = "red"', "Valid keys: select"),
        ('select = "TXO1"', "select must be a list of strings"),
        ('select = ["TXO999"]', "unknown rule selector"),
        ("max-function-lines = 0", "at least 1"),
        ("[tool.txo-migrate.per-file-ignores]\n'a.py' = 'TXO1'", "must be a list"),
        ("select = [", "not valid TOML"),
    ],
)
def test_bad_settings_are_helpful_errors(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, f"[tool.txo-migrate]\n{body}\n")
    with pytest.raises(SettingsError, match=message) as caught:
        resolve(None, False, tmp_path)
    assert str(path) in str(caught.value) and "Example:" in str(caught.value)


def test_defaults_without_a_file(tmp_path: Path) -> None:
    tool = resolve(None, False, tmp_path)
    assert tool == ToolSettings(base=tmp_path.resolve()) or tool.source is not None
