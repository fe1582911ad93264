"""Excel codec (pandas + openpyxl, imported only when an Excel file is used).

Save takes a DataFrame or a list of dicts and writes one sheet
(``sheet_name`` default ``'Sheet1'``, ``index`` default False).  Load
returns a DataFrame (or a dict of them with ``sheet_name=None``).  ``.xls``
is load-only and needs the ``xlrd`` package: no maintained library writes
the old binary format.  ``.xlsm`` is written by openpyxl without macros.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from txo.data.codecs.base import (
    EXCEL_PIP_LINE,
    ImportModule,
    OptionValueError,
    Writer,
    check_nrows,
    default_import_module,
    parse_options,
    require_module,
    wrong_type,
)
from txo.errors import ValidationError

__all__ = ["ExcelCodec", "ExcelLoadOptions", "ExcelSaveOptions"]

_ACCEPTED = ("pandas DataFrame", "list of dicts", "tuple of dicts")
_FEATURE = "Reading and writing Excel files"
DEFAULT_SHEET_NAME = "Sheet1"


@dataclass(frozen=True, slots=True)
class ExcelSaveOptions:
    """One sheet (``None`` means ``'Sheet1'``); the DataFrame index is left out unless asked."""

    sheet_name: str | None = DEFAULT_SHEET_NAME
    index: bool = False

    def __post_init__(self) -> None:
        name = self.sheet_name
        if name is not None and (not isinstance(name, str) or not 0 < len(name) <= 31):
            raise OptionValueError(
                "sheet_name",
                "must be a name of 1–31 characters.",
                "Use a short sheet name (Excel allows at most 31 characters).",
                "sheet_name='Report'",
            )


@dataclass(frozen=True, slots=True)
class ExcelLoadOptions:
    """The subset of ``pandas.read_excel`` v2.1 scripts used, plus ``header`` and ``dtype``."""

    sheet_name: str | int | None = 0
    skiprows: int | Sequence[int] | None = None
    usecols: str | Sequence[str | int] | None = None
    nrows: int | None = None
    header: int | Sequence[int] | None = 0
    dtype: Any = None

    def __post_init__(self) -> None:
        check_nrows(self.nrows)


class ExcelCodec:
    """``.xlsx .xlsm`` files (and ``.xls`` for loading)."""

    name: str = "excel"
    extensions: tuple[str, ...] = (".xlsx", ".xlsm", ".xls")

    def __init__(self, import_module: ImportModule = default_import_module) -> None:
        self._import_module = import_module

    def encoder(self, obj: Any, target: Path, **options: Any) -> Writer:
        """Check the data and the dependencies before any file is opened."""
        opts = parse_options(
            ExcelSaveOptions, options, codec=self.name, operation="save", target=target
        )
        if target.suffix.lower() == ".xls":
            raise _xls_write_refused(target)
        if not hasattr(obj, "to_excel") and not _is_rows(obj):
            raise wrong_type(
                obj, target, self.name, _ACCEPTED, f"data.save(df, Dir.OUTPUT, '{target.name}')"
            )
        pd = self._require("pandas")
        self._require("openpyxl")
        frame = obj if hasattr(obj, "to_excel") else pd.DataFrame(list(obj))
        illegal = self._openpyxl_error("IllegalCharacterError")

        def write(stream: BinaryIO) -> None:
            try:
                frame.to_excel(
                    stream,
                    sheet_name=opts.sheet_name or DEFAULT_SHEET_NAME,
                    index=opts.index,
                    engine="openpyxl",
                )
            except (ValueError, illegal) as exc:
                raise _unwritable(target, exc) from exc

        return write

    def load(self, source: Path, **options: Any) -> Any:
        """A DataFrame of the chosen sheet; only empty cells become missing values."""
        opts = parse_options(
            ExcelLoadOptions, options, codec=self.name, operation="load", target=source
        )
        pd = self._require("pandas")
        engine = self._engine_for(source)
        try:
            return pd.read_excel(
                source,
                sheet_name=opts.sheet_name,
                skiprows=opts.skiprows,
                usecols=opts.usecols,
                nrows=opts.nrows,
                header=opts.header,
                dtype=opts.dtype,
                engine=engine,
                # Excel cells are typed: a text cell saying "NaN" or "NA" is text, not missing.
                keep_default_na=False,
                na_values=[""],
            )
        except (zipfile.BadZipFile, self._openpyxl_error("InvalidFileException")) as exc:
            raise _not_excel(source, exc) from None
        except ValueError as exc:
            raise _bad_read(source, exc, opts) from None

    def _engine_for(self, source: Path) -> str:
        if source.suffix.lower() == ".xls":
            require_module(
                self._import_module,
                "xlrd",
                pip_line="pip install xlrd",
                feature="Reading old .xls workbooks",
            )
            return "xlrd"
        self._require("openpyxl")
        return "openpyxl"

    def _require(self, module: str) -> Any:
        return require_module(
            self._import_module, module, pip_line=EXCEL_PIP_LINE, feature=_FEATURE
        )

    def _openpyxl_error(self, name: str) -> type[Exception]:
        """An exception class of ``openpyxl.utils.exceptions``."""
        error: type[Exception] = getattr(self._require("openpyxl.utils.exceptions"), name)
        return error


def _is_rows(obj: Any) -> bool:
    return isinstance(obj, list | tuple) and all(isinstance(row, Mapping) for row in obj)


def _xls_write_refused(target: Path) -> ValidationError:
    return ValidationError(
        f"Cannot write {target}: the old .xls format is load-only "
        "(no maintained Python library writes it).",
        "Save as .xlsx instead; Excel opens it the same way.",
        f"data.save(df, Dir.OUTPUT, '{target.stem}.xlsx')",
        field="name",
    )


def _unwritable(target: Path, exc: Exception) -> ValidationError:
    return ValidationError(
        f"Cannot write {target} as Excel: {exc}.",
        "Remove control characters from text cells and use a sheet name without []:*?/\\.",
        f"data.save(df, Dir.OUTPUT, '{target.name}', sheet_name='Report')",
        field="data",
    )


def _not_excel(source: Path, exc: Exception) -> ValidationError:
    return ValidationError(
        f"{source} is not a readable Excel workbook: {exc}.",
        "Check that the file really is .xlsx/.xlsm (not CSV or HTML renamed) and is complete.",
        f"data.load(Dir.DATA, '{source.stem}.csv')   # if it is really CSV",
        field="excel_content",
    )


def _bad_read(source: Path, exc: ValueError, opts: ExcelLoadOptions) -> ValidationError:
    field = "sheet_name" if "orksheet" in str(exc) else "options"
    return ValidationError(
        f"Cannot read {source} (sheet_name={opts.sheet_name!r}): {exc}.",
        "Check sheet_name (a sheet name or 0-based index), skiprows, usecols and nrows.",
        f"data.load(Dir.DATA, '{source.name}', sheet_name='Sheet1', skiprows=1)",
        field=field,
    )
