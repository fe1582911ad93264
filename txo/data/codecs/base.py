"""What every codec shares: the ``Codec`` protocol, option parsing and error builders.

A codec turns one Python value into the bytes of one file type and back.
Saving is split in two steps so that the handler can reject bad data
before it touches the file system: :meth:`Codec.encoder` validates the
value and the options and returns a :data:`Writer`; the handler then runs
that writer against a temporary file (see :mod:`txo.data.atomic`).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, TypeVar

from txo.errors import DependencyMissingError, ValidationError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "EXCEL_PIP_LINE",
    "YAML_PIP_LINE",
    "Codec",
    "ImportModule",
    "NoOptions",
    "OptionValueError",
    "Writer",
    "bytes_writer",
    "check_choice",
    "check_encoding",
    "check_flag",
    "check_nrows",
    "decode_text",
    "default_import_module",
    "encode_text",
    "parse_options",
    "require_module",
    "undecodable",
    "unencodable",
    "wrong_type",
]

Writer = Callable[[BinaryIO], None]
"""Writes the already-validated value to a binary stream."""

ImportModule = Callable[[str], ModuleType]
"""How a codec imports its optional dependency; injected so tests need no patching."""

EXCEL_PIP_LINE = "pip install 'txo[excel]'"
YAML_PIP_LINE = "pip install 'txo[yaml]'"

_T = TypeVar("_T", bound="DataclassInstance")


def default_import_module(name: str) -> ModuleType:
    """``importlib.import_module``; a named function so it is easy to see in reprs."""
    return importlib.import_module(name)


class Codec(Protocol):
    """One file type: validates and writes a value, reads it back."""

    @property
    def name(self) -> str:
        """Short name shown in messages, e.g. ``"json"``."""
        ...

    @property
    def extensions(self) -> tuple[str, ...]:
        """Lower-case suffixes with the dot, e.g. ``(".yaml", ".yml")``."""
        ...

    def encoder(self, obj: Any, target: Path, **options: Any) -> Writer:
        """Check ``obj`` and ``options`` for ``target``; return the function that writes it."""
        ...

    def load(self, source: Path, **options: Any) -> Any:
        """Read ``source`` and return its value."""
        ...


@dataclasses.dataclass(frozen=True, slots=True)
class NoOptions:
    """The options of an operation that takes none."""


class OptionValueError(ValueError):
    """Raised by an options dataclass; :func:`parse_options` adds the file name."""

    def __init__(self, option: str, problem: str, fix: str, suggestion: str) -> None:
        super().__init__(problem)
        self.option = option
        self.problem = problem
        self.fix = fix
        self.suggestion = suggestion


def parse_options(
    options_type: type[_T], options: Mapping[str, Any], *, codec: str, operation: str, target: Path
) -> _T:
    """Build ``options_type`` from keyword options; unknown or bad ones become ValidationError."""
    allowed = tuple(f.name for f in dataclasses.fields(options_type))
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ValidationError(
            f"Unknown option(s) {', '.join(unknown)} for {operation} of {target} ({codec} file).",
            f"Use only the options the {codec} codec knows for {operation}: "
            f"{', '.join(allowed) or '(none)'}.",
            _call(operation, target, f"{allowed[0]}=..." if allowed else ""),
            field="options",
        )
    try:
        return options_type(**options)
    except OptionValueError as exc:
        shown = repr(options[exc.option]) if exc.option in options else "(default)"
        raise ValidationError(
            f"Option {exc.option}={shown} for {operation} of {target}: {exc.problem}",
            exc.fix,
            _call(operation, target, exc.suggestion),
            field=exc.option,
        ) from None


def _call(operation: str, target: Path, option: str) -> str:
    """An example call of ``data.save``/``data.load`` for ``target`` with one option."""
    args = "value, " if operation == "save" else ""
    extra = f", {option}" if option else ""
    return f"data.{operation}({args}Dir.OUTPUT, '{target.name}'{extra})"


def wrong_type(
    obj: object, target: Path, codec: str, accepted: Iterable[str], example: str
) -> ValidationError:
    """The error for a value the extension cannot hold; lists what it accepts."""
    kinds = ", ".join(accepted)
    return ValidationError(
        f"Cannot save a value of type {type(obj).__name__} to {target}: "
        f"{target.suffix or 'these'} files ({codec}) accept {kinds}.",
        f"Pass one of: {kinds}; or choose a file name whose extension fits the data.",
        example,
        field="data",
    )


def require_module(import_module: ImportModule, module: str, *, pip_line: str, feature: str) -> Any:
    """Import an optional dependency, or explain exactly how to install it."""
    try:
        return import_module(module)
    except ImportError as exc:
        raise DependencyMissingError(module, pip_line, feature) from exc


def check_choice(option: str, value: object, choices: tuple[object, ...]) -> None:
    """Raise OptionValueError unless ``value`` is one of ``choices``."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise OptionValueError(
            option,
            f"must be one of {listed}.",
            f"Set {option} to one of {listed}.",
            f"{option}={choices[-1]!r}",
        )


def check_flag(option: str, value: object) -> None:
    """Raise OptionValueError unless ``value`` is a bool: ``compact="no"`` must not mean yes."""
    if not isinstance(value, bool):
        raise OptionValueError(
            option,
            "must be True or False.",
            f"Set {option}=True or {option}=False (a bool, not a string or number).",
            f"{option}=True",
        )


def check_encoding(option: str, value: object) -> None:
    """Raise OptionValueError unless ``value`` names a text encoding Python knows."""
    if not (isinstance(value, str) and _is_text_encoding(value)):
        raise OptionValueError(
            option,
            "is not a known text encoding.",
            "Use a Python codec name such as 'utf-8', 'utf-16' or 'cp1252'.",
            f"{option}='utf-8'",
        )


def _is_text_encoding(name: str) -> bool:
    """``codecs.lookup`` also knows bytes-to-bytes codecs (base64, zlib) that str.encode refuses."""
    try:
        "".encode(name).decode(name)
    except LookupError:
        return False
    return True


def encode_text(text: str, encoding: str, target: Path) -> bytes:
    """``text.encode``; a character the encoding lacks becomes a ValidationError."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise unencodable(target, encoding, f"{exc.reason} at character {exc.start}") from None


def unencodable(target: Path, encoding: str, detail: str, value: str = "value") -> ValidationError:
    """The error for data holding characters ``encoding`` lacks (``value``: the example's arg)."""
    return ValidationError(
        f"Cannot encode the data for {target} as {encoding}: {detail}.",
        "Use an encoding that has these characters (utf-8, the default, has all but lone "
        "surrogates), or remove them from the data.",
        f"data.save({value}, Dir.OUTPUT, '{target.name}', encoding='utf-8')",
        field="data",
    )


def decode_text(raw: bytes, encoding: str, source: Path) -> str:
    """``raw.decode``; undecodable bytes become a ValidationError suggesting ``encoding=``."""
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise undecodable(source, encoding, exc) from None


def undecodable(source: Path, encoding: str, exc: UnicodeDecodeError) -> ValidationError:
    """The error for a file that is not text in ``encoding``."""
    return ValidationError(
        f"{source} is not valid {encoding} text: {exc.reason} at byte {exc.start}.",
        "Pass the encoding the file was written with.",
        f"data.load(Dir.DATA, '{source.name}', encoding='cp1252')",
        field="encoding",
    )


def bytes_writer(data: bytes) -> Writer:
    """A writer for content that is already encoded."""

    def write(stream: BinaryIO) -> None:
        stream.write(data)

    return write


def check_nrows(value: object) -> None:
    """Raise OptionValueError unless ``value`` is None or a non-negative int."""
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise OptionValueError(
            "nrows", "must be None or an int >= 0.", "Pass how many data rows to read.", "nrows=100"
        )
