"""The template's v3.1.x ``utils`` API under txo.compat: one test per row of the delta table."""

from __future__ import annotations

import importlib
import json
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from txo.compat.registry import SHIMS
from txo.compat.runtime import CompatRuntime
from txo.compat.warnings import TxoV4RemovalWarning
from txo.testing.clock import FakeClock

pd = pytest.importorskip("pandas")
openpyxl = pytest.importorskip("openpyxl")

SCHEMA = Path(__file__).resolve().parents[3] / "migration/legacy/schemas/org-env-config-schema.json"
# 2026-03-04T05:06:07Z
WALL = 1_772_600_767.0


def _v31(module: str) -> Any:
    """The public compat module (``utils.<module>``), as a script would import it."""
    return importlib.import_module(f"txo.compat.v21.{module}")


def _quiet(obj: Any, name: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(obj, name)


@pytest.fixture
def project(tmp_path: Path, compat_runtime: CompatRuntime) -> Iterator[Path]:
    compat_runtime.clock = FakeClock(wall_start=WALL)
    (tmp_path / "config").mkdir()
    yield tmp_path


@pytest.fixture
def handler(project: Path) -> Any:
    return _quiet(_v31("load_n_save"), "TxoDataHandler")


def _sheets(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_every_v31_row_is_a_shim_entry() -> None:
    v31 = {name for name, shim in SHIMS.items() if shim.since == "3.1"}
    assert v31 == {
        "utils.load_n_save.TxoDataHandler.get_utc_timestamp",
        "utils.load_n_save.TxoDataHandler.save_with_timestamp",
        "utils.load_n_save.TxoDataHandler.save",
        "utils.path_helpers.setup_import_path",
        "utils.oauth_helpers.OAuthClient.clear_cache",
        "utils.rate_limit_manager.logger",
        "utils.config_loader.ConfigLoader.load_config",
        "utils.validate_tko_compliance.main",
        "utils.validate_tko_compliance.TkoComplianceValidator",
    }


def test_get_utc_timestamp_is_static_utc_and_warns(handler: Any) -> None:
    with pytest.warns(TxoV4RemovalWarning, match="get_utc_timestamp") as caught:
        stamp = handler.get_utc_timestamp()
    assert stamp == "2026-03-04T050607Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}Z", stamp)
    assert caught[0].filename == __file__


def test_save_with_timestamp_inserts_before_the_last_dot(handler: Any, project: Path) -> None:
    with pytest.warns(TxoV4RemovalWarning, match="save_with_timestamp"):
        plain = handler.save_with_timestamp({"a": 1}, "output", "r.v1.json")
        stamped = handler.save_with_timestamp(
            {"a": 1}, "output", "r.v1.json", add_timestamp=True, indent=4
        )
    assert plain == project / "output" / "r.v1.json"
    assert stamped == project / "output" / "r.v1_2026-03-04T050607Z.json"
    assert json.loads(stamped.read_text()) == {"a": 1}
    assert stamped.read_text().startswith('{\n    "a"')


def test_multi_sheet_workbook(handler: Any, project: Path) -> None:
    sheets = {"Items": pd.DataFrame({"sku": ["A", "B"]}), "Totals": pd.DataFrame({"n": [2]})}
    assert handler.validate_format(sheets, "x.xlsx") is True
    with pytest.warns(TxoV4RemovalWarning, match=r"TxoDataHandler\.save "):
        path = handler.save(sheets, "output", "book.xlsx")
    assert _sheets(path) == {"Items": [("sku",), ("A",), ("B",)], "Totals": [("n",), (2,)]}


@pytest.mark.parametrize("name", ["x" * 32, "a/b", "a\\b", "what?", "st*r", "[x]"])
def test_bad_sheet_names_raise_validation_error(handler: Any, name: str) -> None:
    validation_error = _quiet(_v31("exceptions"), "ValidationError")
    with pytest.warns(TxoV4RemovalWarning), pytest.raises(validation_error, match="Sheet name"):
        handler.save({name: pd.DataFrame({"a": [1]})}, "output", "bad.xlsx")


@pytest.mark.parametrize(("target", "sheet"), [("2.1", "Sheet1"), ("3.1", "Data")])
def test_default_sheet_name_follows_the_target(
    handler: Any, compat_runtime: CompatRuntime, target: Any, sheet: str
) -> None:
    compat_runtime.target = target
    path = handler.save(pd.DataFrame({"a": [1]}), "output", "one.xlsx")
    assert list(_sheets(path)) == [sheet]
    named = handler.save(pd.DataFrame({"a": [1]}), "output", "two.xlsx", sheet_name="Mine")
    assert list(_sheets(named)) == ["Mine"]


def test_setup_import_path_puts_the_root_on_sys_path(project: Path) -> None:
    before = list(sys.path)
    try:
        with pytest.warns(TxoV4RemovalWarning, match="setup_import_path"):
            setup_import_path = _v31("path_helpers").setup_import_path
        setup_import_path()
        setup_import_path()
        assert sys.path[0] == str(project)
        assert sys.path.count(str(project)) == 1
    finally:
        sys.path[:] = before


def test_clear_cache_works_on_the_class_and_on_an_instance(project: Path) -> None:
    oauth = _v31("oauth_helpers")
    client_class = _quiet(oauth, "OAuthClient")
    with pytest.warns(TxoV4RemovalWarning, match=r"OAuthClient\.clear_cache"):
        client_class.clear_cache()
    client = client_class("tenant")
    with warnings.catch_warnings():
        warnings.simplefilter("error", TxoV4RemovalWarning)
        client.clear_cache()  # the 2.1 form stays silent beyond the class's own warning


def test_rate_limit_manager_logger(project: Path) -> None:
    with pytest.warns(TxoV4RemovalWarning, match=r"rate_limit_manager\.logger"):
        logger = _v31("rate_limit_manager").logger
    assert logger is _quiet(_v31("logger"), "setup_logger")()


def _bad_config(project: Path) -> None:
    (project / "schemas").mkdir()
    (project / "schemas" / SCHEMA.name).write_text(SCHEMA.read_text())
    config = {"global": {"tenant-id": ""}, "script-behavior": {"api-delay-seconds": "soon"}}
    (project / "config" / "o-e-config.json").write_text(json.dumps(config))


@pytest.mark.parametrize("target", ["2.1", "3.1"])
def test_schema_violation_is_both_helpful_and_validation_error(
    project: Path, compat_runtime: CompatRuntime, target: Any
) -> None:
    compat_runtime.target = target
    _bad_config(project)
    loader = _quiet(_v31("config_loader"), "ConfigLoader")("o", "e")
    helpful = _quiet(_v31("exceptions"), "HelpfulError")
    validation = _quiet(_v31("exceptions"), "ValidationError")
    with pytest.raises(validation) as caught:
        loader.load_config()
    assert isinstance(caught.value, helpful)
    text = str(caught.value)
    if target == "3.1":
        expected = "Schema validation failed at 'script-behavior > api-delay-seconds': "
        assert text.startswith(expected)
    else:
        assert "Problem: Schema validation failed for o-e" in text


def test_tko_validator_import_names_its_replacement() -> None:
    module = _v31("validate_tko_compliance")
    with pytest.warns(TxoV4RemovalWarning), pytest.raises(ImportError, match="txo-migrate check"):
        module.TkoComplianceValidator  # noqa: B018


def test_tko_validator_cli_delegates_to_txo_migrate_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n")
    with pytest.warns(TxoV4RemovalWarning, match="validate_tko_compliance.main"):
        validate = _v31("validate_tko_compliance").main
    assert validate([str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "replaced by `txo-migrate check`" in captured.err
    assert "All checks passed" in captured.out
