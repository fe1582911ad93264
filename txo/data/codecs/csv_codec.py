"""CSV/TSV codec.

Plain rows (a list of dicts) are written and read with the stdlib ``csv``
module, so pandas is needed only for DataFrames (save) and
``as_dataframe=True`` (load).  Loading gives ``list[dict[str, str]]``: every
value is text, as in the file.  ``.tsv`` defaults to a tab delimiter.
Rows end with ``\\r\\n`` (RFC 4180, the csv module's and Excel's choice): with
that terminator the csv module quotes a value holding a lone ``\\r`` or
``\\n``, so every string round-trips.  A UTF-8 BOM is skipped on load
(default ``encoding='utf-8-sig'``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from txo.data.codecs.base import (
    EXCEL_PIP_LINE,
    ImportModule,
    OptionValueError,
    Writer,
    check_encoding,
    check_nrows,
    default_import_module,
    parse_options,
    require_module,
    undecodable,
    unencodable,
    wrong_type,
)
from txo.data.codecs.csv_rows import check_shape, read_rows
from txo.errors import ValidationError

__all__ = ["CsvCodec", "CsvLoadOptions", "CsvSaveOptions"]

_ACCEPTED = ("list of dicts", "tuple of dicts", "pandas DataFrame")


def _check_delimiter(delimiter: str | None) -> None:
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise OptionValueError(
            "delimiter",
            "must be a single character.",
            "Use one character, e.g. ',' ';' or a tab.",
            "delimiter=';'",
        )


@dataclass(frozen=True, slots=True)
class CsvSaveOptions:
    """``index`` applies to DataFrames, ``fieldnames`` to rows (default: keys in order seen)."""

    delimiter: str | None = None
    encoding: str = "utf-8"
    index: bool = False
    fieldnames: Sequence[str] | None = None
    lineterminator: str = "\r\n"

    def __post_init__(self) -> None:
        _check_delimiter(self.delimiter)
        check_encoding("encoding", self.encoding)


@dataclass(frozen=True, slots=True)
class CsvLoadOptions:
    """``usecols``: names or positions; ``nrows``: data rows; ``dtype``: DataFrames only.

    ``allow_ragged`` pads rows with fewer fields than the header ('' or NaN); a row
    with more fields is always an error (see :mod:`txo.data.codecs.csv_rows`).
    """

    delimiter: str | None = None
    encoding: str = "utf-8-sig"
    usecols: Sequence[str | int] | None = None
    nrows: int | None = None
    as_dataframe: bool = False
    dtype: Any = None
    allow_ragged: bool = False

    def __post_init__(self) -> None:
        _check_delimiter(self.delimiter)
        check_encoding("encoding", self.encoding)
        check_nrows(self.nrows)


class CsvCodec:
    """``.csv`` and ``.tsv`` files."""

    name: str = "csv"
    extensions: tuple[str, ...] = (".csv", ".tsv")

    def __init__(self, import_module: ImportModule = default_import_module) -> None:
        self._import_module = import_module

    def encoder(self, obj: Any, target: Path, **options: Any) -> Writer:
        """Rows go through ``csv.DictWriter``; a DataFrame through its own ``to_csv``."""
        opts = parse_options(
            CsvSaveOptions, options, codec=self.name, operation="save", target=target
        )
        delimiter = opts.delimiter or _default_delimiter(target)
        if hasattr(obj, "to_csv"):
            return _frame_writer(obj, opts, delimiter, target)
        rows = _checked_rows(obj, target)
        fieldnames = list(opts.fieldnames) if opts.fieldnames is not None else _keys(rows)
        return _rows_writer(rows, fieldnames, opts, delimiter, target)

    def load(self, source: Path, **options: Any) -> Any:
        """``list[dict[str, str]]``, or a DataFrame with ``as_dataframe=True``."""
        opts = parse_options(
            CsvLoadOptions, options, codec=self.name, operation="load", target=source
        )
        delimiter = opts.delimiter or _default_delimiter(source)
        if opts.as_dataframe:
            return self._read_frame(source, opts, delimiter)
        try:
            return read_rows(
                source,
                encoding=opts.encoding,
                delimiter=delimiter,
                usecols=opts.usecols,
                nrows=opts.nrows,
                allow_ragged=opts.allow_ragged,
            )
        except UnicodeDecodeError as exc:
            raise undecodable(source, opts.encoding, exc) from None

    def _read_frame(self, source: Path, opts: CsvLoadOptions, delimiter: str) -> Any:
        pd = require_module(
            self._import_module,
            "pandas",
            pip_line=EXCEL_PIP_LINE,
            feature="Loading CSV as a DataFrame",
        )
        try:
            positions = check_shape(
                source,
                encoding=opts.encoding,
                delimiter=delimiter,
                usecols=opts.usecols,
                nrows=opts.nrows,
                allow_ragged=opts.allow_ragged,
            )
            return pd.read_csv(
                source,
                sep=delimiter,
                encoding=opts.encoding,
                usecols=positions,
                nrows=opts.nrows,
                dtype=opts.dtype,
            )
        except pd.errors.EmptyDataError:
            return pd.DataFrame()
        except UnicodeDecodeError as exc:
            raise undecodable(source, opts.encoding, exc) from None
        except ValueError as exc:  # a dtype that does not fit, or a ParserError (see below)
            if opts.dtype is not None and not isinstance(exc, pd.errors.ParserError):
                raise _bad_dtype(source, str(exc), opts.dtype) from None
            raise _bad_csv(source, str(exc)) from None


def _default_delimiter(path: Path) -> str:
    return "\t" if path.suffix.lower() == ".tsv" else ","


def _checked_rows(obj: Any, target: Path) -> Sequence[Mapping[str, Any]]:
    if not isinstance(obj, list | tuple):
        raise wrong_type(
            obj, target, "csv", _ACCEPTED, f"data.save([{{'id': 1}}], Dir.OUTPUT, '{target.name}')"
        )
    for position, row in enumerate(obj):
        if not isinstance(row, Mapping):
            raise ValidationError(
                f"Cannot save to {target}: row {position} is a {type(row).__name__}, not a dict.",
                f"Make every row a dict of column -> value ({', '.join(_ACCEPTED)} are accepted).",
                "data.save([{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}], Dir.OUTPUT, 'x.csv')",
                field="data",
            )
    return obj


def _keys(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every key, in the order first seen, so ragged rows still get a full header."""
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


@contextmanager
def _text_stream(stream: BinaryIO, encoding: str, target: Path) -> Iterator[io.TextIOWrapper]:
    """A text view of ``stream`` that leaves ``stream`` open; encoding errors explained."""
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        yield text
        text.flush()
    except UnicodeEncodeError as exc:
        raise unencodable(target, encoding, exc.reason, "rows") from exc
    finally:
        text.detach()


def _rows_writer(
    rows: Sequence[Mapping[str, Any]],
    fieldnames: list[str],
    opts: CsvSaveOptions,
    delimiter: str,
    target: Path,
) -> Writer:
    def write(stream: BinaryIO) -> None:
        with _text_stream(stream, opts.encoding, target) as text:
            writer = csv.DictWriter(
                text, fieldnames, delimiter=delimiter, lineterminator=opts.lineterminator
            )
            if fieldnames:
                writer.writeheader()
            try:
                writer.writerows(rows)
            except UnicodeEncodeError:
                raise  # a ValueError too, but _text_stream explains it: the encoding lacks a char
            except (ValueError, csv.Error) as exc:
                raise _bad_rows(target, exc) from exc

    return write


def _frame_writer(frame: Any, opts: CsvSaveOptions, delimiter: str, target: Path) -> Writer:
    def write(stream: BinaryIO) -> None:
        with _text_stream(stream, opts.encoding, target) as text:
            frame.to_csv(text, sep=delimiter, index=opts.index, lineterminator=opts.lineterminator)

    return write


def _bad_rows(target: Path, exc: Exception) -> ValidationError:
    return ValidationError(
        f"Cannot write the rows to {target}: {exc}.",
        "Give every row only keys that are in fieldnames (or leave fieldnames out).",
        "data.save(rows, Dir.OUTPUT, 'x.csv', fieldnames=['id', 'name'])",
        field="data",
    )


def _bad_dtype(source: Path, detail: str, dtype: Any) -> ValidationError:
    return ValidationError(
        f"Cannot read {source} with dtype={dtype!r}: {detail}.",
        "Give dtype= types that fit every value of their columns, or leave dtype out "
        "and convert the columns afterwards.",
        f"data.load(Dir.DATA, '{source.name}', as_dataframe=True, dtype=str)",
        field="dtype",
    )


def _bad_csv(source: Path, detail: str) -> ValidationError:
    """pandas' own parse error: check_shape passed, but pandas skips lines of spaces that the
    csv module counts as rows, so with nrows it can read on into a row the check never saw."""
    return ValidationError(
        f"Cannot read {source} as CSV: {detail}.",
        "Check the delimiter and quoting (pass delimiter= if it is not the default).",
        f"data.load(Dir.DATA, '{source.name}', delimiter=';')",
        field="csv_content",
    )
