"""``check --add-noqa``: reasoned suppressions that keep the code valid and silence check."""

from __future__ import annotations

from txo.migrate.engine import check_source
from txo.migrate.noqa import DEFAULT_REASON, add_noqa_to_source

SOURCE = '''\
import sys


def f(config):
    x = config.get("a")  # txo: ignore[TXO601] printed on purpose
    y = config.get("b")
    text = f"""{config.get("c")}
    more"""
    z = config.get("d") + \\
        1
    sys.exit(1)
'''


def _codes_by_line(source: str) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for finding in check_source(source, "m.py"):
        found.setdefault(finding.line, set()).add(finding.code)
    return found


def test_adds_reasoned_suppressions_merges_and_skips_what_cannot_take_a_comment() -> None:
    by_line = _codes_by_line(SOURCE)
    assert set(by_line) == {5, 6, 7, 9, 11}
    text, added, skipped = add_noqa_to_source(SOURCE, by_line, DEFAULT_REASON)
    assert (added, skipped) == (3, 2)  # line 7 ends inside a string, line 9 in a continuation
    lines = text.splitlines()
    assert lines[4].endswith("# txo: ignore[TXO101, TXO601] printed on purpose")
    assert lines[5].endswith(f"# txo: ignore[TXO101] {DEFAULT_REASON}")
    assert lines[10].endswith(f"sys.exit(1)  # txo: ignore[TXO201] {DEFAULT_REASON}")
    left = [(f.line, f.code) for f in check_source(text, "m.py")]
    assert left == [(5, "TXO002"), (7, "TXO101"), (9, "TXO101")]  # the stale TXO601 stays visible


def test_crlf_endings_are_kept() -> None:
    source = 'def f(config):\r\n    return config.get("a")\r\n'
    text, added, _ = add_noqa_to_source(source, {2: {"TXO101"}}, "why")
    assert added == 1 and text.endswith('config.get("a")  # txo: ignore[TXO101] why\r\n')
    assert check_source(text, "m.py") == []
