"""Scorecard rendering and the box-drawing tables every human report uses."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from txo.migrate.scorecard import build_scorecard
from txo.migrate.scorecard.render import (
    compare_table,
    render_json,
    render_text,
    suppressions_line,
    verdict,
)
from txo.migrate.table import ASCII, UNICODE, Column, box_for, paint, render_table, use_color


def test_table_aligns_columns_and_draws_a_box() -> None:
    text = render_table(
        [Column("name"), Column("n", ">"), Column("mid", "^")],
        [["alpha", "1", "x"], ["b", "100", "yyy"]],
    )
    assert text == (
        "┌───────┬─────┬─────┐\n"
        "│ name  │ n   │ mid │\n"
        "├───────┼─────┼─────┤\n"
        "│ alpha │   1 │  x  │\n"
        "│ b     │ 100 │ yyy │\n"
        "└───────┴─────┴─────┘\n"
    )


def test_table_cuts_long_cells_and_rejects_ragged_rows() -> None:
    text = render_table(["c"], [["abcdefghij"]], max_cell=5, box=ASCII)
    assert "| abcd… |" in text and text.startswith("+-------+")
    with pytest.raises(ValueError, match="row has 2 cells"):
        render_table(["c"], [["a", "b"]])


def test_paint_colours_only_when_asked() -> None:
    text = "PASS FAIL — PASSED"
    assert paint(text, color=False) == text
    painted = paint(text, color=True)
    assert "\x1b[1;32mPASS\x1b[0m" in painted and "\x1b[1;31mFAIL\x1b[0m" in painted
    assert painted.endswith(" PASSED")


def test_no_colour_off_a_terminal_or_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert not use_color(io.StringIO())
    assert use_color(Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Tty())


def test_ascii_boxes_for_streams_that_cannot_encode_unicode() -> None:
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    assert box_for(latin) is ASCII
    assert box_for(utf8) is UNICODE


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_two_scorecards_side_by_side(tmp_path: Path) -> None:
    _tree(tmp_path, {"new/a.py": "x = 1\n", "old/b.py": "CACHE = {}\nCACHE['k'] = 1\n"})
    new = build_scorecard(tmp_path / "new", root=tmp_path)
    old = build_scorecard(tmp_path / "old", root=tmp_path)
    text = compare_table(new, old, labels=("v3", "v2.1"))
    row = next(line for line in text.splitlines() if "global mutable" in line)
    assert [c.strip() for c in row.split("│")[1:-1]] == [
        "5", "no global mutable state", "0 TXO301", "PASS  0", "FAIL  1",
    ]  # fmt: skip
    assert "│ v3 " in text and "│ v2.1 " in text


def test_text_report_names_suppressions_and_a_verdict(tmp_path: Path) -> None:
    source = "import sys\n\n\ndef f():\n    sys.exit(1)  # txo: ignore[TXO201]\n"
    card = build_scorecard(_tree(tmp_path, {"lib/m.py": source}) / "lib", root=tmp_path)
    text = render_text(card)
    assert suppressions_line(card) == (
        "lib: 1 `# txo: ignore` suppression(s), 0 with a reason (TXO201 ×1) in lib. "
        "Without a reason: lib/m.py:5."
    )
    assert suppressions_line(card) in text
    assert verdict(card) == "PASS: lib: 5 of 7 metrics pass, 2 not measured"
    data = json.loads(render_json(card))
    assert data["suppressions"] == [
        {"path": "lib/m.py", "line": 5, "codes": ["TXO201"], "reason": ""}
    ]


def test_json_report_redacts_secret_text_from_suppression_reasons(tmp_path: Path) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX3Ry"
    source = f"import sys\n\n\ndef f():\n    sys.exit(1)  # txo: ignore[TXO201] Bearer {token}\n"
    card = build_scorecard(_tree(tmp_path, {"lib/m.py": source}) / "lib", root=tmp_path)
    data = json.loads(render_json(card))
    assert token not in json.dumps(data)
    assert data["suppressions"][0]["reason"].startswith("Bearer [REDACTED]")
