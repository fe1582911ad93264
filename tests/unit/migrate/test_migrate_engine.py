"""The engine: parsing, suppressions, fingerprints, discovery, parallel runs, failure isolation."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

import pytest

from txo.migrate.engine import (
    RuleSet,
    check_file,
    check_files,
    check_source,
    module_matches,
    module_name,
)
from txo.migrate.files import discover
from txo.migrate.options import CheckOptions
from txo.migrate.rules import KNOWN_CODES, Rule, select_codes
from txo.migrate.rules.base import Handler
from txo.migrate.rules.txo101_config_get import SoftConfigGet

GET = "def f(config):\n    return config.get('a'){comment}\n"


def found(source: str, **options: object) -> list[tuple[str, int]]:
    opts = CheckOptions(**options)  # type: ignore[arg-type]
    return [(f.code, f.line) for f in check_source(source, "m.py", opts)]


# --- suppressions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("", [("TXO101", 2)]),
        ("  # txo: ignore[TXO101]", []),
        ("  # txo: ignore[txo101] reason: optional by design", []),
        ("  # txo: ignore", []),
        ("  # txo: ignore[TXO201]", [("TXO101", 2), ("TXO002", 2)]),
        ("  # txo: ignore[TXO101,TXO601]", [("TXO002", 2)]),
        ("  # txo: ignore[TXO123]", [("TXO101", 2), ("TXO002", 2)]),
    ],
)
def test_suppressions(comment: str, expected: list[tuple[str, int]]) -> None:
    assert found(GET.format(comment=comment)) == expected


def test_unused_suppression_message_names_the_code() -> None:
    (finding,) = check_source("x = 1  # txo: ignore[TXO601]\n")
    assert finding.code == "TXO002" and "TXO601" in finding.message and finding.col == 8


def test_suppression_of_a_rule_that_did_not_run_is_not_unused() -> None:
    codes = select_codes(["TXO0", "TXO2"])
    assert found(GET.format(comment="  # txo: ignore[TXO101]"), codes=codes) == []


def test_unused_suppressions_not_reported_when_txo002_ignored() -> None:
    assert found("x = 1  # txo: ignore\n", codes=select_codes(None, ["TXO002"])) == []


def test_directive_text_inside_a_string_is_not_a_comment() -> None:
    src = 'def f(config):\n    return config.get("# txo: ignore")\n'
    assert found(src) == [("TXO101", 2)]


def test_entry_point_comment() -> None:
    src = (
        "import sys\n\n\ndef main():  # txo: entry-point\n    sys.exit(1)\n\n\n"
        "def g():\n    sys.exit(1)\n"
    )
    assert found(src) == [("TXO201", 9)]


# --- parse failures --------------------------------------------------------------


def test_syntax_error_is_a_finding_with_position() -> None:
    (finding,) = check_source("x = 1\ndef f(:\n    pass\n", "bad.py")
    assert (finding.code, finding.line, finding.col) == ("TXO001", 2, 7)
    assert finding.message.startswith("syntax error") and finding.fingerprint


@pytest.mark.parametrize(
    "source",
    ["x = 1\0\n", "(" * 300 + ")" * 300 + "\n", "if True:\n  x = 1\n y = 2\n", "x = '\n"],
)
def test_unparseable_sources_never_crash(source: str) -> None:
    assert [f.code for f in check_source(source)] == ["TXO001"]


def test_deeply_nested_expression_is_walked_without_recursion() -> None:
    # 2,500 nested BinOps: deeper than Python's recursion limit, still parseable.
    src = "def f(token):\n    print(" + " + ".join(["token"] * 2500) + ")\n"
    assert [f.code for f in check_source(src)] == ["TXO601"]


def test_syntax_error_not_reported_when_not_selected() -> None:
    assert found("def f(:\n", codes=select_codes(["TXO1"])) == []


def test_undecodable_file_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes(b"x = '\xe9'\n")
    result = check_file(path, "latin.py", CheckOptions())
    assert [f.code for f in result.findings] == ["TXO001"] and result.error is None


def test_coding_cookie_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes(b"# -*- coding: latin-1 -*-\ndef f(token):\n    print('\xe9', token)\n")
    result = check_file(path, "latin.py", CheckOptions())
    assert [(f.code, f.line) for f in result.findings] == [("TXO601", 3)]


def test_columns_count_characters_not_bytes() -> None:
    (finding,) = check_source("def f(config):\n    s = 'é€'; config.get('a')\n")
    assert finding.col == 15


# --- fingerprints ------------------------------------------------------------------


def test_fingerprint_survives_moving_the_line() -> None:
    (before,) = check_source(GET.format(comment=""), "m.py")
    (after,) = check_source("\n\n# moved\n" + GET.format(comment=""), "m.py")
    assert before.line != after.line and before.fingerprint == after.fingerprint


def test_fingerprint_differs_by_path_and_repeat() -> None:
    src = "def f(config):\n    config.get('a')\n    config.get('a')\n"
    first, second = check_source(src, "a.py")
    (other, _) = check_source(src, "b.py")
    assert len({first.fingerprint, second.fingerprint, other.fingerprint}) == 3


# --- selection, module names ---------------------------------------------------------


def test_select_by_prefix_and_ignore() -> None:
    assert select_codes(["TXO5"]) == {"TXO501", "TXO502"}
    assert select_codes(["all"], ["TXO0"]) == KNOWN_CODES - {"TXO001", "TXO002"}
    with pytest.raises(ValueError, match="unknown rule selector"):
        select_codes(["TXO9"])


@pytest.mark.parametrize(
    ("path", "module"),
    [("txo/migrate/cli.py", "txo.migrate.cli"), ("pkg/__init__.py", "pkg"), ("./a.py", "a")],
)
def test_module_name(path: str, module: str) -> None:
    assert module_name(path) == module


def test_module_matches_suffixes_only_on_dots() -> None:
    assert module_matches("migrate.cli", "txo.migrate.cli")
    assert not module_matches("grate.cli", "txo.migrate.cli")


# --- discovery and running files ---------------------------------------------------


def _tree(root: Path) -> None:
    for rel in ["a.py", "pkg/b.py", "pkg/notes.txt", ".hidden/c.py", ".venv/lib/d.py",
                "pkg/__pycache__/e.py", "legacy/old.py", "venv/f.py"]:  # fmt: skip
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def test_discover_skips_hidden_cache_and_excluded(tmp_path: Path) -> None:
    _tree(tmp_path)
    items = discover([str(tmp_path)], tmp_path, ["legacy"])
    assert [display for _, display in items] == ["a.py", "pkg/b.py"]


def test_discover_explicit_files_and_missing_paths(tmp_path: Path) -> None:
    _tree(tmp_path)
    explicit = tmp_path / "pkg" / "notes.txt"
    items = discover([str(explicit), str(tmp_path / "a.py"), str(tmp_path / "a.py")], tmp_path)
    assert [d for _, d in items] == ["a.py", "pkg/notes.txt"]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        discover([str(tmp_path / "missing")], tmp_path)


def test_parallel_and_sequential_runs_agree(tmp_path: Path) -> None:
    for i in range(60):
        (tmp_path / f"m{i:02}.py").write_text(
            f"_c{i} = []\n\n\ndef f(config):\n    _c{i}.append(config.get('k'))\n"
        )
    items = discover([str(tmp_path)], tmp_path)
    sequential = check_files(items, CheckOptions(), jobs=1)
    parallel = check_files(items, CheckOptions(), jobs=2)
    assert sequential == parallel
    assert sum(len(r.findings) for r in parallel) == 120


def test_progress_callback_counts_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    seen: list[int] = []
    check_files(
        [(str(tmp_path / "a.py"), "a.py")] * 3, CheckOptions(), jobs=1, progress=seen.append
    )
    assert sum(seen) == 3


class _Broken(Rule):
    code = "TXO101"

    def handlers(self) -> Mapping[type[ast.AST], Handler]:
        return {ast.Name: self._boom}

    def _boom(self, node: ast.Name) -> None:
        raise RuntimeError("rule bug")


def test_a_rule_crash_is_an_error_result_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = y\n")
    ruleset = RuleSet(((_Broken, None), (SoftConfigGet, None)))
    result = check_file(tmp_path / "a.py", "a.py", CheckOptions(), ruleset)
    assert result.findings == () and result.error is not None and "rule bug" in result.error
