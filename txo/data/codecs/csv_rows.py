"""Strict, fast CSV reading: every row has as many fields as the header, or the load fails.

Why strict: the csv module on its own lets a quote that is never closed
swallow the rest of the file into one field, pads short rows and hides extra
values, so a broken export loads "successfully".  Here the reader runs with
``strict=True`` and every row's length is checked; ``allow_ragged=True`` pads
short rows, but values beyond the header are always an error (they have no
column name, and dropping them would lose data).

Why fast: the default load (a list of dicts) is what most scripts use, so it
is built by one generated loop (a dict display per row, the way
``collections.namedtuple`` generates its code) instead of ``csv.DictReader``,
which is three times slower than pandas.  Only the problem path re-reads the
file, to name the exact line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from txo.errors import ValidationError

if TYPE_CHECKING:
    from _csv import Reader

__all__ = ["check_shape", "read_rows"]

_GENERATED_MAX_COLUMNS = 512
_FIELD_LIMIT = 2**31 - 1  # the largest limit a C long takes everywhere (Windows: 32 bits)
RowBuilder = Callable[[Iterable[list[str]], int, Callable[[list[str]], list[str]]], list[Any]]


class _Malformed(Exception):
    """A row does not fit the header; the slow path finds and explains it."""


def _open(source: Path, encoding: str) -> TextIO:
    return source.open(encoding=encoding, newline="")


def _read(source: Path, encoding: str) -> str:
    with _open(source, encoding) as handle:
        return handle.read()


def _reader(lines: Iterable[str], delimiter: str) -> Reader:
    """A strict csv reader.  The csv module's field limit (128 KiB by default) would make
    a long value that data.save wrote unreadable, so it is raised; the limit is global to
    the csv module, and raising it only ever accepts more (pandas has no such limit)."""
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    return csv.reader(lines, delimiter=delimiter, strict=True)


def _plain_lines(text: str) -> list[str] | None:
    """The non-blank lines of a file without a quote character whose lines end in ``\n``
    or ``\r\n``, else None.  Such a file needs no CSV parser: one line is one row and
    ``str.split`` gives exactly the csv module's fields, three times faster."""
    if '"' in text:
        return None
    if "\r" in text:  # csv writes \r\n: split on it when every line ends so (two C scans)
        if text.count("\r") != text.count("\r\n") or text.count("\n") != text.count("\r\n"):
            return None
        return list(filter(None, text.split("\r\n")))
    return list(filter(None, text.split("\n")))


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    """The file's rows; a blank line gives an empty row (or none at all)."""
    lines = _plain_lines(text)
    if lines is not None:
        return map(str.split, lines, repeat(delimiter))
    return _reader(io.StringIO(text, newline=""), delimiter)


def _rows(reader: Iterator[list[str]], nrows: int | None) -> Iterator[list[str]]:
    """Data rows without blank lines, at most ``nrows`` of them."""
    return islice(filter(None, reader), nrows)


def read_rows(
    source: Path,
    *,
    encoding: str,
    delimiter: str,
    usecols: Sequence[str | int] | None,
    nrows: int | None,
    allow_ragged: bool,
) -> list[dict[str, str]]:
    """``list[dict[str, str]]`` for the file; a malformed file raises ValidationError."""
    reader = _records(_read(source, encoding), delimiter)
    try:
        header = next(filter(None, reader), None)
        if header is None:
            return []
        build = _builder(_columns(header, usecols, source))
        return build(_rows(reader, nrows), len(header), _fixer(len(header), allow_ragged))
    except (csv.Error, _Malformed):
        pass
    explain(source, encoding=encoding, delimiter=delimiter, allow_ragged=allow_ragged)


def check_shape(
    source: Path,
    *,
    encoding: str,
    delimiter: str,
    usecols: Sequence[str | int] | None,
    nrows: int | None,
    allow_ragged: bool,
) -> list[int] | None:
    """Check usecols, quoting and row lengths before pandas reads the file (pandas pads short
    rows silently, turns one extra value per row into an index and words a bad usecols in
    its own terms).  Returns the positions of ``usecols`` (None: every column), so pandas
    takes names and positions mixed, as the rows path does."""
    text = _read(source, encoding)
    lines = _plain_lines(text)
    header: list[str] = []
    if lines is not None:  # count delimiters: no list per row
        if not lines:
            return None  # an empty file: pandas gives an empty frame
        header = lines[0].split(delimiter)
        data = lines[1:] if nrows is None else lines[1 : 1 + nrows]
        lengths = {count + 1 for count in set(map(str.count, data, repeat(delimiter)))}
    else:
        reader = _reader(io.StringIO(text, newline=""), delimiter)
        try:
            header = next(filter(None, reader), [])
            lengths = set(map(len, _rows(reader, nrows)))
        except csv.Error:
            lengths = {-1}
    positions = None
    if usecols is not None and header:
        positions = [index for _, index in _columns(header, usecols, source)]
    width = len(header)
    if any(n < 0 or n > width for n in lengths) or (not allow_ragged and lengths - {width}):
        explain(source, encoding=encoding, delimiter=delimiter, allow_ragged=allow_ragged)
    return positions


def _fixer(width: int, allow_ragged: bool) -> Callable[[list[str]], list[str]]:
    """Called for a row whose length is not ``width``: pad it, or signal the problem."""

    def fix(row: list[str]) -> list[str]:
        if allow_ragged and len(row) < width:
            return row + [""] * (width - len(row))
        raise _Malformed

    return fix


def _columns(
    header: list[str], usecols: Sequence[str | int] | None, source: Path
) -> list[tuple[str, int]]:
    """(name, index) of every column to keep; a repeated name keeps its last column."""
    position = {name: index for index, name in enumerate(header)}
    if usecols is None:
        return list(position.items())
    names = [header[c] if isinstance(c, int) and 0 <= c < len(header) else c for c in usecols]
    missing = [c for c in names if c not in position]
    if missing:
        raise ValidationError(
            f"Column(s) {missing} in usecols are not in {source}; its header is {header}.",
            "Use names from the header (or 0-based positions).",
            f"data.load(Dir.DATA, '{source.name}', usecols={header[:2]!r})",
            field="usecols",
        )
    return [(str(name), position[str(name)]) for name in names]


def _builder(columns: list[tuple[str, int]]) -> RowBuilder:
    """The row loop for these columns: generated for speed, generic when very wide."""
    if len(columns) > _GENERATED_MAX_COLUMNS:
        return _generic_builder(columns)
    params = "".join(f", k{i}" for i in range(len(columns)))
    items = ", ".join(f"k{i}: r[{index}]" for i, (_, index) in enumerate(columns))
    source = (
        f"def build(rows, width, fix{params}):\n"
        "    out = []\n"
        "    append = out.append\n"
        "    for r in rows:\n"
        "        if len(r) != width:\n"
        "            r = fix(r)\n"
        f"        append({{{items}}})\n"
        "    return out\n"
    )
    namespace: dict[str, Any] = {}
    exec(
        compile(source, "<txo csv rows>", "exec"), namespace
    )  # the source holds only ints and k<i>
    generated = namespace["build"]
    names = [name for name, _ in columns]

    def build(rows: Iterable[list[str]], width: int, fix: Callable[[list[str]], list[str]]) -> Any:
        return generated(rows, width, fix, *names)

    return build


def _generic_builder(columns: list[tuple[str, int]]) -> RowBuilder:
    def build(rows: Iterable[list[str]], width: int, fix: Callable[[list[str]], list[str]]) -> Any:
        out = []
        for row in rows:
            fitted = row if len(row) == width else fix(row)
            out.append({name: fitted[index] for name, index in columns})
        return out

    return build


def explain(source: Path, *, encoding: str, delimiter: str, allow_ragged: bool) -> NoReturn:
    """Re-read the file row by row and raise the error for its first problem."""
    with _open(source, encoding) as handle:
        reader = _reader(handle, delimiter)
        start, header = 1, None
        header_line = 1  # pragma: no mutate - never read: set with the header before any check
        try:
            for row in reader:
                if row and header is None:
                    header, header_line = row, reader.line_num
                elif row and (len(row) > len(header or ()) or not allow_ragged):
                    _check_length(source, row, header or [], start, header_line)
                start = reader.line_num + 1
        except csv.Error as exc:
            raise _quoting_error(source, start, str(exc)) from None
    # pragma: no mutate block - unreachable: both passes parse alike (kept for safety)
    raise ValidationError(  # pragma: no cover - the fast path saw a problem this pass did not
        f"Cannot read {source} as CSV: the rows do not fit the header.",
        "Check that every row has as many fields as the header.",
        "a,b,c\n1,2,3",
        field="csv_content",
    )


def _check_length(source: Path, row: list[str], header: list[str], line: int, hline: int) -> None:
    if len(row) == len(header):
        return
    if len(row) < len(header):
        fix = (
            "Add the missing values (an empty value is fine: 1,,3), or pass "
            "allow_ragged=True to pad short rows with ''."
        )
        example = f"data.load(Dir.DATA, '{source.name}', allow_ragged=True)"
    else:
        fix = (
            "Remove the extra values, quote values that contain the delimiter "
            '(1,"2,5",3), or add column names to the header; if the file uses another '
            "delimiter, pass delimiter=."
        )
        example = f"data.load(Dir.DATA, '{source.name}', delimiter=';')"
    raise ValidationError(
        f"Cannot read {source} as CSV: line {line} has {len(row)} fields but the header "
        f"(line {hline}) has {len(header)}.",
        fix,
        example,
        field="csv_content",
    )


def _quoting_error(source: Path, line: int, detail: str) -> ValidationError:
    if "unexpected end of data" in detail:
        return ValidationError(
            f"Cannot read {source} as CSV: the quoted field in the row starting on line {line} "
            "is never closed (the file ends inside it).",
            'Add the closing double quote (") at the end of that value; a quote inside a '
            'quoted value is written twice ("").',
            '1,"a value, with a comma",2\n3,"she said ""hi""",4',
            field="csv_content",
        )
    if "expected after" in detail:
        return ValidationError(
            f"Cannot read {source} as CSV: in the row starting on line {line}, a closing quote "
            "is followed by more text before the delimiter.",
            "Quote the whole value and write each quote inside it twice, or remove the stray "
            "quote.",
            '1,"x""y",3',
            field="csv_content",
        )
    # pragma: no mutate block - unreachable today: with strict=True and no field limit the csv
    # module raises only the two errors above; kept for an error a later Python adds
    return ValidationError(  # pragma: no cover
        f"Cannot read {source} as CSV: the row starting on line {line} is malformed ({detail}).",
        "Check the quoting on that line; pass delimiter= if the file does not use the default.",
        'a,b\n1,"quoted, value"',
        field="csv_content",
    )
