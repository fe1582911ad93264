"""v2.1 ``utils.load_n_save``: ``TxoDataHandler`` over :class:`txo.data.DataHandler`.

Every method is static (scripts may still write ``TxoDataHandler()``).
Reading and writing go through v3's codecs and atomic writes; this module
only keeps v2.1's dispatch, messages and error classes.

* Bug 1 fixed: ``save`` accepts the union of the 2.1.0 and 2.1.1 keyword
  arguments (``indent``, ``index``, ``sheet_name``, ``encoding``, …) and
  passes each callee only what it understands.
* 2.1.0 call forms: ``load_csv(dir, f, encoding, delimiter)`` positionally
  and ``load_excel(..., skip_rows=)`` are accepted.
* v3.1.x: ``get_utc_timestamp``, ``save_with_timestamp`` and multi-sheet
  workbooks (``save({sheet: DataFrame}, d, "x.xlsx")``) work under every
  target; a single DataFrame saved to Excel without ``sheet_name`` goes to
  sheet "Data" under the 3.1 target, "Sheet1" under 2.1.
"""

from __future__ import annotations

import codecs
import importlib
import json
import logging
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any, ClassVar, Literal

from txo import errors as v3
from txo.compat.runtime import current
from txo.compat.v21._impl.exceptions import FileOperationError, ValidationError
from txo.compat.v21._impl.path_helpers import category_name, get_path, v3_paths
from txo.compat.v21._impl.v31_data import is_sheet_dict, save_sheets, timestamped, utc_timestamp
from txo.compat.warnings import shim_of, warn_deprecated
from txo.data import DataFileNotFoundError, DataHandler, atomic_write
from txo.data.codecs.binary_codec import BinaryCodec
from txo.data.codecs.text_codec import TextCodec

__all__ = ["DecimalEncoder", "FileFormat", "TxoDataHandler"]

FileFormat = Literal["json", "text", "csv", "excel", "yaml", "binary", "gzip", "unknown"]
_log = logging.getLogger("TxoApp")
_FORMATS: Mapping[str, FileFormat] = MappingProxyType(
    {
        ".json": "json",
        **dict.fromkeys((".txt", ".log", ".md", ".html", ".xml", ".py"), "text"),
        **dict.fromkeys((".csv", ".tsv"), "csv"),
        **dict.fromkeys((".xlsx", ".xls", ".xlsm"), "excel"),
        **dict.fromkeys((".yaml", ".yml"), "yaml"),
        **dict.fromkeys((".gz", ".rapidstart"), "gzip"),
        **dict.fromkeys((".bin", ".dat", ".pkl"), "binary"),
    }
)
_LAZY = MappingProxyType({"pandas": "pandas", "yaml": "pyyaml", "openpyxl": "openpyxl"})
#: save()'s keyword arguments per callee (2.1.1) plus what 2.1.0's save read.
_SAVE_KWARGS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "json": frozenset({"compact", "sort_keys", "ensure_ascii", "indent"}),
        "text": frozenset({"encoding", "ensure_newline", "line_ending"}),
        "yaml": frozenset({"default_flow_style", "sort_keys"}),
        "gzip": frozenset({"compression_level"}),
        "binary": frozenset(),
        "dataframe": frozenset({"index", "sheet_name"}),
        "workbook": frozenset(),
    }
)
_KWARGS_210 = frozenset({"index", "sheet_name", "indent", "ensure_ascii", "encoding"})


@shim_of("utils.load_n_save.DecimalEncoder")
class DecimalEncoder(json.JSONEncoder):
    """JSON encoder writing ``Decimal`` as ``float`` (v2.1's on-disk format)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def _decimals_to_float(value: Any) -> Any:
    """v2.1 wrote Decimals as floats; v3 writes exact digits, so convert first."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _decimals_to_float(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_decimals_to_float(v) for v in value]
    return value


def _default_sheet_name() -> str:
    """The sheet of a single DataFrame saved without ``sheet_name``: 3.1 'Data', 2.1 'Sheet1'."""
    return "Data" if current().target == "3.1" else TxoDataHandler.DEFAULT_SHEET_NAME


def _handler() -> DataHandler:
    return DataHandler(v3_paths())


def _load(kind: str, directory: str, filename: str, **options: Any) -> Any:
    """v3 load with v2.1's error classes and messages."""
    try:
        return _handler().load(category_name(directory), filename, **options)
    except DataFileNotFoundError as exc:
        raise FileOperationError(
            f"{kind} file not found: {filename}", file_path=exc.file_path, operation="load"
        ) from exc
    except (ValidationError, FileOperationError):
        raise
    except v3.ValidationError as exc:
        field = exc.field if exc.field != "options" else None
        error = ValidationError(_data_problem(kind, directory, filename, exc), field=field)
        error.how_to_fix, error.example = exc.how_to_fix, exc.example
        raise error from exc
    except v3.FileOperationError as exc:
        raise FileOperationError(
            exc.what_went_wrong, file_path=exc.file_path, operation="load"
        ) from exc


def _data_problem(kind: str, directory: str, filename: str, exc: v3.HelpfulError) -> str:
    """v2.1's ``Invalid <kind> in <file>: …`` said once, with the v3 position and reason."""
    full = str(v3_paths().path(category_name(directory), filename))
    detail = exc.what_went_wrong.replace(full, filename)
    if detail.lower().startswith(f"invalid {kind.lower()} in {filename.lower()}"):
        return detail
    return f"Invalid {kind} in {filename}: {detail}"


def _save(directory: str, filename: str, obj: Any, **options: Any) -> Path:
    try:
        path = _handler().save(obj, category_name(directory), filename, **options)
    except (ValidationError, FileOperationError):
        raise
    except v3.ValidationError as exc:
        raise ValidationError(exc.what_went_wrong, field="data") from exc
    except v3.FileOperationError as exc:
        raise FileOperationError(
            exc.what_went_wrong, file_path=exc.file_path, operation="save"
        ) from exc
    return _logged_save(filename, path)


def _write_with(
    codec: TextCodec | BinaryCodec, obj: Any, directory: str, filename: str, **options: Any
) -> Path:
    """Write through one v3 codec whatever the extension (v2.1's save_text/save_binary)."""
    target = get_path(directory, filename)
    writer = codec.encoder(obj, target, **options)
    try:
        with atomic_write(target) as stream:
            writer(stream)
    except OSError as exc:
        raise FileOperationError(
            f"Failed to save {filename}: {exc}", file_path=str(target), operation="save"
        ) from exc
    return _logged_save(filename, target)


def _logged_save(filename: str, path: Path) -> Path:
    """v2.1's INFO line after a save ("Saved JSON to … (N bytes)"); returns ``path``."""
    suffix = Path(filename).suffix.lower()
    kind = _FORMATS[suffix].upper() if suffix in _FORMATS else "file"
    _log.info("Saved %s to %s (%d bytes)", kind, path, path.stat().st_size)
    return path


def _pick(kwargs: Mapping[str, Any], callee: str) -> dict[str, Any]:
    """The kwargs ``callee`` understands; a kwarg no v2.1 version knew raises TypeError."""
    known = _SAVE_KWARGS[callee]
    unknown = set(kwargs) - known - _KWARGS_210 - frozenset().union(*_SAVE_KWARGS.values())
    if unknown:
        raise TypeError(f"save() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    return {k: v for k, v in kwargs.items() if k in known}


def _csv_positional(args: tuple[Any, ...]) -> dict[str, Any]:
    """Positional extras: 2.1.1 ``(delimiter, encoding, …)`` or 2.1.0 ``(encoding, …)``."""
    names = ["delimiter", "encoding", "usecols", "nrows", "chunksize"]
    if args and isinstance(args[0], str) and len(args[0]) > 1 and _is_encoding(args[0]):
        names = ["encoding", "delimiter", "usecols", "nrows", "chunksize"]
    if len(args) > len(names):
        raise TypeError(f"load_csv() takes at most {len(names) + 2} positional arguments")
    return dict(zip(names, args, strict=False))


def _is_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


@shim_of("utils.load_n_save.TxoDataHandler")
class TxoDataHandler:
    """v2.1's data handler: static methods over ``<root>/<directory>/<filename>``."""

    DEFAULT_ENCODING: ClassVar[str] = "utf-8"
    DEFAULT_JSON_INDENT: ClassVar[int] = 2
    DEFAULT_COMPRESSION_LEVEL: ClassVar[int] = 9
    DEFAULT_CSV_DELIMITER: ClassVar[str] = ","
    DEFAULT_SHEET_NAME: ClassVar[str] = "Sheet1"
    FORMAT_EXTENSIONS: ClassVar[Mapping[str, FileFormat]] = _FORMATS

    # --- optional dependencies ------------------------------------------------

    @classmethod
    def _lazy_import(cls, name: str) -> ModuleType:
        """Import pandas, yaml or openpyxl (ImportError says how to install it)."""
        if name not in _LAZY:
            raise ValueError(f"Unknown module for lazy import: {name}")
        try:
            return importlib.import_module(name)
        except ImportError as exc:
            pip = _LAZY[name]
            raise ImportError(f"{pip} not installed. Install with: pip install {pip}") from exc

    @classmethod
    def clear_module_cache(cls) -> None:
        """Nothing to clear: Python's import system caches the modules."""

    @classmethod
    def _get_pandas(cls) -> ModuleType:
        """2.1.0 name of ``_lazy_import('pandas')``."""
        return cls._lazy_import("pandas")

    @classmethod
    def _get_openpyxl(cls) -> ModuleType:
        """2.1.0 name of ``_lazy_import('openpyxl')``."""
        return cls._lazy_import("openpyxl")

    # --- formats --------------------------------------------------------------

    @staticmethod
    def detect_format(filename: str) -> FileFormat:
        suffix = Path(filename).suffix.lower()
        return _FORMATS.get(suffix, "unknown")

    @staticmethod
    def validate_format(data: Any, filename: str, strict: bool = True) -> bool:
        """Does the data type fit the extension?  Strict → ValidationError, else warn + False."""
        fmt = TxoDataHandler.detect_format(filename)
        problem = _format_problem(data, fmt)
        if problem is None:
            return True
        message = f"Format validation failed: {problem} (file: {filename})"
        if strict:
            raise ValidationError(message, field="filename", value=filename)
        _log.warning(message)
        return False

    @staticmethod
    def _validate_extension(filename: str, data: Any) -> bool:
        """2.1.0: warn on a mismatch instead of raising."""
        return TxoDataHandler.validate_format(data, filename, strict=False)

    @staticmethod
    def suggest_extension(data: Any) -> str:
        if isinstance(data, str):
            return ".txt"
        if isinstance(data, bytes):
            return ".bin"
        if isinstance(data, dict | list):
            return ".json"
        if hasattr(data, "to_csv"):
            return ".csv"
        if hasattr(data, "save"):
            return ".xlsx"
        return ".dat"

    # --- generic load/save ----------------------------------------------------

    @staticmethod
    def load(directory: str, filename: str, **kwargs: Any) -> Any:
        """Dispatch on the extension; ``kwargs`` go to text/csv/excel loaders only."""
        if not get_path(directory, filename, ensure_parent=False).exists():
            raise FileNotFoundError(f"File not found: {filename} in {directory}")
        loaders: dict[str, Callable[..., Any]] = {
            "json": lambda: TxoDataHandler.load_json(directory, filename),
            "text": lambda: TxoDataHandler.load_text(directory, filename, **kwargs),
            "csv": lambda: TxoDataHandler.load_csv(directory, filename, **kwargs),
            "excel": lambda: TxoDataHandler.load_excel(directory, filename, **kwargs),
            "yaml": lambda: TxoDataHandler.load_yaml(directory, filename),
            "gzip": lambda: TxoDataHandler.load_gzip(directory, filename),
            "binary": lambda: TxoDataHandler.load_binary(directory, filename),
        }
        fmt = TxoDataHandler.detect_format(filename)
        if fmt not in loaders:
            raise ValidationError(f"Unsupported file format: {filename}", field="filename")
        return loaders[fmt]()

    @staticmethod
    def save(data: Any, directory: str, filename: str, **kwargs: Any) -> Path:
        """Validate strictly, then dispatch on the data type (see the module docstring)."""
        TxoDataHandler.validate_format(data, filename, strict=True)
        fmt = TxoDataHandler.detect_format(filename)
        h = TxoDataHandler
        if fmt == "excel" and is_sheet_dict(data):  # 3.1: one sheet per entry
            warn_deprecated("utils.load_n_save.TxoDataHandler.save")
            index = bool(kwargs["index"]) if "index" in kwargs else False
            target = get_path(directory, filename)
            return _logged_save(filename, save_sheets(data, target, index=index))
        if isinstance(data, str):
            return h.save_text(data, directory, filename, **_pick(kwargs, "text"))
        if isinstance(data, bytes) and fmt == "gzip":
            return h.save_gzip(data, directory, filename, **_pick(kwargs, "gzip"))
        if isinstance(data, bytes):
            return h.save_binary(data, directory, filename, **_pick(kwargs, "binary"))
        if isinstance(data, dict | list) and fmt == "yaml":
            return h.save_yaml(data, directory, filename, **_pick(kwargs, "yaml"))
        if isinstance(data, dict | list):
            return h.save_json(data, directory, filename, **_pick(kwargs, "json"))
        if hasattr(data, "to_csv") and hasattr(data, "to_excel"):
            return h._save_dataframe(data, directory, filename, **_pick(kwargs, "dataframe"))
        if hasattr(data, "save"):
            return h._save_workbook(data, directory, filename)
        raise TypeError(f"Unsupported data type: {type(data).__name__}")

    # --- v3.1 additions -------------------------------------------------------

    @staticmethod
    def get_utc_timestamp() -> str:
        """3.1: the UTC time as ``YYYY-MM-DDTHHMMSSZ`` (for file names)."""
        warn_deprecated("utils.load_n_save.TxoDataHandler.get_utc_timestamp")
        return utc_timestamp()

    @staticmethod
    def save_with_timestamp(
        data: Any, directory: str, filename: str, add_timestamp: bool = False, **kwargs: Any
    ) -> Path:
        """3.1: ``save()``, with ``_<UTC timestamp>`` before the last dot when asked."""
        warn_deprecated("utils.load_n_save.TxoDataHandler.save_with_timestamp")
        name = timestamped(filename) if add_timestamp else filename
        return TxoDataHandler.save(data, directory, name, **kwargs)

    # --- loaders --------------------------------------------------------------

    @staticmethod
    def load_json(directory: str, filename: str) -> Any:
        value = _load("JSON", directory, filename)
        path = get_path(directory, filename, ensure_parent=False)
        _log.info("Loaded JSON from %s (%d bytes)", path, path.stat().st_size)
        return value

    @staticmethod
    def load_text(directory: str, filename: str, encoding: str | None = None) -> str:
        text: str = _load("text", directory, filename, encoding=encoding or "utf-8")
        return text

    @staticmethod
    def load_yaml(directory: str, filename: str) -> Any:
        return _load("YAML", directory, filename)

    @staticmethod
    def load_csv(directory: str, filename: str, *args: Any, **kwargs: Any) -> Any:
        """A DataFrame.  2.1.1: ``(delimiter, encoding, usecols, nrows, chunksize)``;
        2.1.0: ``(encoding, delimiter, …)`` — both accepted, positionally or by name."""
        options = {**_csv_positional(args), **kwargs}
        chunksize = options.pop("chunksize", None)
        encoding = options.pop("encoding", None) or "utf-8"
        if chunksize is not None:
            pd = TxoDataHandler._lazy_import("pandas")
            path = get_path(directory, filename, ensure_parent=False)
            sep = options.pop("delimiter", None) or ","
            return pd.read_csv(path, sep=sep, encoding=encoding, chunksize=chunksize, **options)
        return _load("CSV", directory, filename, as_dataframe=True, encoding=encoding, **options)

    @staticmethod
    def load_excel(
        directory: str,
        filename: str,
        sheet_name: str | int = 0,
        skiprows: int | None = 0,
        usecols: Any = None,
        nrows: int | None = None,
        *,
        skip_rows: int | None = None,
    ) -> Any:
        """A DataFrame (openpyxl engine); 2.1.0's ``skip_rows=`` is accepted."""
        rows = skip_rows if skip_rows is not None else skiprows
        options = {"sheet_name": sheet_name, "skiprows": rows or None, "usecols": usecols}
        return _load("Excel", directory, filename, nrows=nrows, **options)

    @staticmethod
    def load_binary(directory: str, filename: str) -> bytes:
        data: bytes = _load("binary", directory, filename)
        return data

    @staticmethod
    def load_gzip(directory: str, filename: str) -> bytes:
        data: bytes = _load("gzip", directory, filename)
        return data

    # --- writers --------------------------------------------------------------

    @staticmethod
    def save_json(
        data: Any,
        directory: str,
        filename: str,
        compact: bool = False,
        sort_keys: bool = False,
        ensure_ascii: bool = False,
        indent: int | None = 2,
    ) -> Path:
        """dict or list only; indent 2 (``compact`` → ``(',', ':')``); Decimal → float."""
        if not isinstance(data, dict | list):
            raise TypeError(f"save_json requires dict or list, got {type(data).__name__}")
        flags = {"compact": compact, "sort_keys": sort_keys, "ensure_ascii": ensure_ascii}
        options = {name: bool(value) for name, value in flags.items()}  # v2.1 took any truthy
        return _save(directory, filename, _decimals_to_float(data), indent=indent, **options)

    @staticmethod
    def save_text(
        content: str,
        directory: str,
        filename: str,
        encoding: str | None = None,
        ensure_newline: bool = False,
        line_ending: Literal["unix", "windows"] | None = None,
    ) -> Path:
        if not isinstance(content, str):
            raise TypeError(f"save_text requires str, got {type(content).__name__}")
        options = {"ensure_newline": ensure_newline, "line_ending": line_ending}
        return _write_with(
            TextCodec(), content, directory, filename, encoding=encoding or "utf-8", **options
        )

    @staticmethod
    def save_yaml(
        data: Any,
        directory: str,
        filename: str,
        default_flow_style: bool = False,
        sort_keys: bool = False,
    ) -> Path:
        options = {"default_flow_style": default_flow_style, "sort_keys": sort_keys}
        return _save(directory, filename, data, **options)

    @staticmethod
    def save_binary(data: bytes, directory: str, filename: str) -> Path:
        if not isinstance(data, bytes):
            raise TypeError(f"save_binary requires bytes, got {type(data).__name__}")
        return _write_with(BinaryCodec(), data, directory, filename)

    @staticmethod
    def save_gzip(
        data: str | bytes, directory: str, filename: str, compression_level: int | None = None
    ) -> Path:
        """A level of None or 0 becomes 9 (as in v2.1); outside 0–9 → ValueError."""
        if compression_level is not None and not 0 <= compression_level <= 9:
            raise ValueError(f"compression_level must be 0-9, got {compression_level}")
        return _save(directory, filename, data, compression_level=compression_level or 9)

    @staticmethod
    def _save_dataframe(
        df: Any,
        directory: str,
        filename: str,
        index: bool = False,
        sheet_name: str | None = None,
        **kwargs: Any,
    ) -> Path:
        """.csv → CSV; .xlsx/.xls → Excel (openpyxl); other extensions → ValueError."""
        suffix = Path(filename).suffix.lower()
        if suffix == ".csv":
            return _save(directory, filename, df, index=index, lineterminator="\n", **kwargs)
        if suffix in (".xlsx", ".xls"):
            name = sheet_name or _default_sheet_name()
            return _save(directory, filename, df, index=index, sheet_name=name, **kwargs)
        raise ValueError(f"Unsupported DataFrame format: {suffix}")

    @staticmethod
    def _save_workbook(wb: Any, directory: str, filename: str) -> Path:
        path = get_path(directory, filename)
        wb.save(path)
        return path

    # --- housekeeping -----------------------------------------------------------

    @staticmethod
    def exists(directory: str, filename: str, check_empty: bool = False) -> bool:
        """With ``check_empty`` an empty file logs a warning and counts as absent."""
        path = get_path(directory, filename, ensure_parent=False)
        if not path.is_file():
            return False
        if check_empty and path.stat().st_size == 0:
            _log.warning("File exists but is empty: %s", path)
            return False
        return True

    @staticmethod
    def delete(directory: str, filename: str, safe: bool = True) -> bool:
        """False if already absent; ``safe=False`` on a missing file → FileOperationError."""
        try:
            return _handler().delete(category_name(directory), filename, missing_ok=safe)
        except v3.FileOperationError as exc:
            raise FileOperationError(
                f"Failed to delete {filename}: {exc.what_went_wrong}",
                file_path=exc.file_path,
                operation="delete",
            ) from exc

    @staticmethod
    def get_size(directory: str, filename: str) -> int:
        path = get_path(directory, filename, ensure_parent=False)
        if not path.is_file():
            raise FileNotFoundError(f"File not found: {filename} in {directory}")
        return path.stat().st_size


def _format_problem(data: Any, fmt: str) -> str | None:
    """Why ``data`` cannot go into a ``fmt`` file, or None if it can."""
    if isinstance(data, str):
        ok = fmt in ("text", "json", "yaml", "unknown")
    elif isinstance(data, bytes):
        ok = fmt in ("binary", "gzip", "unknown")
    elif fmt == "excel" and is_sheet_dict(data):
        ok = True  # 3.1: a multi-sheet workbook
    elif isinstance(data, dict | list):
        ok = fmt in ("json", "yaml", "unknown")
    elif hasattr(data, "to_csv") and hasattr(data, "to_excel"):
        ok = fmt in ("csv", "excel", "unknown")
    else:
        ok = fmt != "unknown"
    return None if ok else f"{type(data).__name__} data cannot be saved as {fmt}"
