"""migration/GUIDE.md's name-by-name table is generated from SHIMS and must match it."""

from __future__ import annotations

from pathlib import Path

import pytest

from txo.compat.guide import BEGIN, END, main, render_table, update_guide
from txo.compat.registry import SHIMS

GUIDE = Path(__file__).resolve().parents[3] / "migration" / "GUIDE.md"


def test_guide_table_matches_registry() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert update_guide(text) == text, "run: python -m txo.compat.guide"
    for name, shim in SHIMS.items():
        kind = f" ({shim.kind})" if shim.kind != "name" else ""
        assert f"| `{name}`{kind} | `{shim.replacement}` | TXO501 | 4.0 | {shim.since} |" in text


def test_check_mode(tmp_path: Path) -> None:
    assert main(["--check", "--guide", str(GUIDE)]) == 0
    stale = tmp_path / "GUIDE.md"
    stale.write_text(f"# g\n{BEGIN}\n| old |\n{END}\n", encoding="utf-8")
    assert main(["--check", "--guide", str(stale)]) == 1
    assert main(["--guide", str(stale)]) == 0
    assert render_table() in stale.read_text(encoding="utf-8")


def test_guide_documents_every_bug_fix_and_the_required_sections() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for number in range(1, 10):
        assert f"\n| {number} | " in text
    for needle in (
        "python -m txo.compat",
        "TXO_WARN_V21=error",
        "Removal timeline",
        "before → after",
    ):
        assert needle in text


def test_update_guide_needs_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        update_guide("no markers here")
