"""Box-drawing tables for the kit's human reports (``verify``, ``scorecard``, the demo).

Cells are plain single-line strings; widths are measured before any colour is
added, so columns stay aligned.  :func:`paint` colours the words PASS and
FAIL (and the not-measured marker) only when asked; the callers ask only for
a terminal (:func:`use_color`), so piped output never carries escape codes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

__all__ = [
    "ASCII",
    "NOT_MEASURED",
    "UNICODE",
    "Box",
    "Column",
    "box_for",
    "paint",
    "render_table",
    "truncate",
    "use_color",
]

NOT_MEASURED = "—"
_WORDS = re.compile(r"(?<![\w-])(PASS|FAIL|—)(?![\w-])")
_COLORS = (("PASS", "\x1b[1;32m"), ("FAIL", "\x1b[1;31m"), (NOT_MEASURED, "\x1b[33m"))
_RESET = "\x1b[0m"


@dataclass(frozen=True, slots=True)
class Box:
    """The characters a table is drawn with: horizontal, vertical, then the corners and joints."""

    h: str
    v: str
    top: tuple[str, str, str]
    mid: tuple[str, str, str]
    bottom: tuple[str, str, str]


UNICODE = Box("─", "│", ("┌", "┬", "┐"), ("├", "┼", "┤"), ("└", "┴", "┘"))
ASCII = Box("-", "|", ("+", "+", "+"), ("+", "+", "+"), ("+", "+", "+"))


@dataclass(frozen=True, slots=True)
class Column:
    """A column header and its alignment: ``<`` left, ``>`` right, ``^`` centred."""

    header: str
    align: str = "<"


def truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, ending in an ellipsis when cut."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _rule(widths: Sequence[int], box: Box, ends: tuple[str, str, str]) -> str:
    left, joint, right = ends
    return left + joint.join(box.h * (w + 2) for w in widths) + right


def _line(cells: Sequence[str], widths: Sequence[int], aligns: Sequence[str], box: Box) -> str:
    parts = [
        f" {cell:{align}{width}} " for cell, width, align in zip(cells, widths, aligns, strict=True)
    ]
    return box.v + box.v.join(parts) + box.v


def render_table(
    columns: Sequence[Column | str],
    rows: Sequence[Sequence[str]],
    *,
    box: Box = UNICODE,
    max_cell: int = 60,
) -> str:
    """The table as text (ending in a newline); cells longer than ``max_cell`` are cut."""
    cols = [c if isinstance(c, Column) else Column(c) for c in columns]
    body = [[truncate(str(cell), max_cell) for cell in row] for row in rows]
    for row in body:
        if len(row) != len(cols):
            raise ValueError(f"row has {len(row)} cells, the table {len(cols)} columns")
    widths = [max([len(c.header)] + [len(row[i]) for row in body]) for i, c in enumerate(cols)]
    aligns = [c.align for c in cols]
    lines = [
        _rule(widths, box, box.top),
        _line([c.header for c in cols], widths, ["<"] * len(cols), box),
        _rule(widths, box, box.mid),
        *(_line(row, widths, aligns, box) for row in body),
        _rule(widths, box, box.bottom),
    ]
    return "\n".join(lines) + "\n"


def paint(text: str, *, color: bool) -> str:
    """Colour PASS green, FAIL red and the not-measured dash yellow (when ``color``)."""
    if not color:
        return text
    codes = dict(_COLORS)
    return _WORDS.sub(lambda m: f"{codes[m.group(1)]}{m.group(1)}{_RESET}", text)


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set or ``TERM=dumb``."""
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def box_for(stream: TextIO) -> Box:
    """Unicode box drawing when the stream can encode it, else plain ASCII."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return UNICODE if encoding.startswith(("utf", "cp65001")) else ASCII
