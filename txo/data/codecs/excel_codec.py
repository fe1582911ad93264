"""Excel codec (pandas + openpyxl, imported only when an Excel file is used).

Save takes a DataFrame or a list of dicts and writes one sheet
(``sheet_name`` default ``'Sheet1'``, ``index`` default False), or a dict
``{sheet name: DataFrame or rows}`` and writes one sheet per entry, in order.
Sheet names are checked before any file is opened: 1-31 characters, none of
``: \\ / ? * [ ]``, no leading or trailing apostrophe, not ``History`` (reserved),
unique ignoring case (Excel's own rules; openpyxl would write a workbook Excel has
to repair).  Load returns a DataFrame (or a dict of them with ``sheet_name=None``).  ``.xls``
is load-only and needs the ``xlrd`` package: no maintained library writes
the old binary format.  ``.xlsm`` is written by openpyxl without macros.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

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

_ACCEPTED = ("pandas DataFrame", "list of dicts", "tuple of dicts", "dict of sheet name -> those")
_FEATURE = "Reading and writing Excel files"
DEFAULT_SHEET_NAME = "Sheet1"
_SHEET_FORBIDDEN = frozenset(":\\/?*[]")
_SHEET_RULES = (
    "Use 1–31 characters without : \\ / ? * [ ], without a leading or trailing "
    "apostrophe, and not 'History' (Excel's rules for sheet names)."
)


def sheet_name_problem(name: object) -> str | None:
    """Why Excel would refuse ``name`` as a sheet name, or None if it is fine."""
    if not isinstance(name, str) or not name:
        return "is not a non-empty string"
    if len(name) > 31:
        return f"has {len(name)} characters (at most 31)"
    bad = sorted(_SHEET_FORBIDDEN.intersection(name))
    if bad:
        return f"contains {' '.join(bad)}"
    if name.startswith("'") or name.endswith("'"):
        return "starts or ends with an apostrophe"
    if name.casefold() == "history":
        return "is reserved by Excel (its change-tracking sheet)"
    return None


@dataclass(frozen=True, slots=True)
class ExcelSaveOptions:
    """One sheet (``None`` means ``'Sheet1'``); the DataFrame index is left out unless asked."""

    sheet_name: str | None = DEFAULT_SHEET_NAME
    index: bool = False

    def __post_init__(self) -> None:
        problem = None if self.sheet_name is None else sheet_name_problem(self.sheet_name)
        if problem is not None:
            raise OptionValueError(
                "sheet_name", f"the sheet name {problem}.", _SHEET_RULES, "sheet_name='Report'"
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
        if isinstance(obj, Mapping):
            sheets = _checked_sheets(obj, target, opts)
        elif hasattr(obj, "to_excel") or _is_rows(obj):
            sheets = {opts.sheet_name or DEFAULT_SHEET_NAME: obj}
        else:
            raise wrong_type(
                obj, target, self.name, _ACCEPTED, f"data.save(df, Dir.OUTPUT, '{target.name}')"
            )
        pd = self._require("pandas")
        self._require("openpyxl")
        frames = {
            name: value if hasattr(value, "to_excel") else pd.DataFrame(list(value))
            for name, value in sheets.items()
        }
        illegal = self._openpyxl_error("IllegalCharacterError")

        def write(stream: BinaryIO) -> None:
            try:
                with pd.ExcelWriter(stream, engine="openpyxl") as workbook:
                    for name, frame in frames.items():
                        frame.to_excel(workbook, sheet_name=name, index=opts.index)
            except (ValueError, NotImplementedError, illegal) as exc:
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
        except (ValueError, TypeError) as exc:  # TypeError: a dtype pandas does not know
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


def _checked_sheets(
    sheets: Mapping[Any, Any], target: Path, opts: ExcelSaveOptions
) -> Mapping[str, Any]:
    """A ``{sheet name: DataFrame or rows}`` dict Excel can hold, or a ValidationError."""
    example = f"data.save({{'Customers': df1, 'Vendors': df2}}, Dir.OUTPUT, '{target.name}')"
    if opts.sheet_name != DEFAULT_SHEET_NAME:
        return _sheet_error(
            target,
            "sheet_name= was given with a dict of sheets",
            "Leave sheet_name out: the dict's keys name the sheets.",
            example,
        )
    if not sheets:
        return _sheet_error(
            target,
            "the dict of sheets is empty",
            "Pass at least one sheet: {name: DataFrame}.",
            example,
        )
    seen: dict[str, Any] = {}
    for name, value in sheets.items():
        problem = sheet_name_problem(name)
        if problem is not None:
            _sheet_error(target, f"the sheet name {name!r} {problem}", _SHEET_RULES, example)
        if name.casefold() in seen:
            _sheet_error(
                target,
                f"sheets {seen[name.casefold()]!r} and {name!r} have the same name to Excel "
                "(it ignores case)",
                "Give every sheet a different name.",
                example,
            )
        seen[name.casefold()] = name
        if not hasattr(value, "to_excel") and not _is_rows(value):
            _sheet_error(
                target,
                f"sheet {name!r} holds a {type(value).__name__}",
                "Give every sheet a pandas DataFrame or a list of dicts.",
                example,
            )
    return sheets


def _sheet_error(target: Path, problem: str, fix: str, example: str) -> NoReturn:
    raise ValidationError(
        f"Cannot save {target} as a workbook: {problem}.", fix, example, field="data"
    )


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
    """pandas/openpyxl refused a value; the fix and example fit the cause they named."""
    cause = str(exc).removesuffix(".")
    if "timezone" in cause:
        fix = (
            "Excel cells have no time zone: make the datetimes naive first (their UTC clock "
            "time: value.replace(tzinfo=None), or df[column].dt.tz_localize(None) for a "
            "DataFrame column), or save them as ISO text."
        )
        example = (
            "df['when'] = df['when'].dt.tz_localize(None)\n"
            f"data.save(df, Dir.OUTPUT, '{target.name}')"
        )
    elif isinstance(exc, NotImplementedError):
        fix = (
            "Pass index=True (the column levels become header rows), or flatten the columns "
            "to one level first."
        )
        example = f"data.save(df, Dir.OUTPUT, '{target.name}', index=True)"
    else:
        fix = "Remove control characters from text cells and use a sheet name without []:*?/\\."
        example = f"data.save(df, Dir.OUTPUT, '{target.name}', sheet_name='Report')"
    return ValidationError(f"Cannot write {target} as Excel: {cause}.", fix, example, field="data")


def _not_excel(source: Path, exc: Exception) -> ValidationError:
    return ValidationError(
        f"{source} is not a readable Excel workbook: {exc}.",
        "Check that the file really is .xlsx/.xlsm (not CSV or HTML renamed) and is complete.",
        f"data.load(Dir.DATA, '{source.stem}.csv')   # if it is really CSV",
        field="excel_content",
    )


def _bad_read(source: Path, exc: Exception, opts: ExcelLoadOptions) -> ValidationError:
    field = "sheet_name" if "orksheet" in str(exc) else "options"
    return ValidationError(
        f"Cannot read {source} (sheet_name={opts.sheet_name!r}): {exc}.",
        "Check sheet_name (a sheet name or 0-based index), skiprows, usecols, nrows, header "
        "and dtype.",
        f"data.load(Dir.DATA, '{source.name}', sheet_name='Sheet1', skiprows=1)",
        field=field,
    )
