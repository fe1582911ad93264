"""JSON codec.

Decimal choice: a finite ``Decimal`` is written as a JSON *number* with its
exact digits (``Decimal("0.10")`` → ``0.10``), never through ``float``, so
no precision is lost on disk.  Loading gives ``float`` by default (like
``json.load``); pass ``parse_decimal=True`` to get ``Decimal`` back exactly.
NaN/Infinity decimals are refused.  ``datetime``, ``date`` and ``time`` are
written as ISO 8601 strings and load back as strings.  A ``str`` is taken
as JSON text that is already serialised: it is checked and written as is.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from txo.data.codecs.base import (
    OptionValueError,
    Writer,
    bytes_writer,
    check_encoding,
    check_flag,
    decode_text,
    encode_text,
    parse_options,
    wrong_type,
)
from txo.data.codecs.json_indent import indented_dumps
from txo.errors import ValidationError, describe_json_error

__all__ = ["JsonCodec", "JsonLoadOptions", "JsonSaveOptions", "dumps"]

_ACCEPTED = ("dict", "list", "tuple", "str (JSON text)")


@dataclass(frozen=True, slots=True)
class JsonSaveOptions:
    """How to format JSON; ``compact`` wins over ``indent``."""

    indent: int | None = 2
    compact: bool = False
    sort_keys: bool = False
    ensure_ascii: bool = False
    encoding: str = "utf-8"

    def __post_init__(self) -> None:
        if self.indent is not None and (
            not isinstance(self.indent, int) or isinstance(self.indent, bool) or self.indent < 0
        ):
            raise OptionValueError(
                "indent",
                "must be None or an int >= 0.",
                "Use indent=2 or compact=True.",
                "indent=2",
            )
        check_flag("compact", self.compact)
        check_flag("sort_keys", self.sort_keys)
        check_flag("ensure_ascii", self.ensure_ascii)
        check_encoding("encoding", self.encoding)


@dataclass(frozen=True, slots=True)
class JsonLoadOptions:
    """``parse_decimal`` reads non-integer numbers as ``Decimal`` (exact)."""

    parse_decimal: bool = False
    encoding: str = "utf-8-sig"

    def __post_init__(self) -> None:
        check_flag("parse_decimal", self.parse_decimal)
        check_encoding("encoding", self.encoding)


def dumps(obj: Any, options: JsonSaveOptions = JsonSaveOptions()) -> str:
    """Serialise with exact Decimals and ISO dates (see the module docstring)."""
    marker = "txo-dec-" + secrets.token_hex(16) + "-"
    decimals: list[str] = []
    default = _default_hook(marker, decimals)
    if options.indent is not None and not options.compact:
        text = indented_dumps(
            obj,
            indent=options.indent,
            sort_keys=options.sort_keys,
            ensure_ascii=options.ensure_ascii,
            default=default,
        )
    else:
        text = json.dumps(
            obj,
            default=default,
            separators=(",", ":") if options.compact else None,
            sort_keys=options.sort_keys,
            ensure_ascii=options.ensure_ascii,
        )
    if not decimals:
        return text
    return re.sub(f'"{marker}(\\d+)"', lambda m: decimals[int(m[1])], text)


def _default_hook(marker: str, decimals: list[str]) -> Callable[[Any], Any]:
    """Decimals become unique placeholders swapped for their digits after encoding."""

    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError(f"Decimal {value} has no JSON form")
            decimals.append(str(value))
            return f"{marker}{len(decimals) - 1}"
        if isinstance(value, date | time):
            return value.isoformat()
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    return default


class JsonCodec:
    """``.json`` files."""

    name: str = "json"
    extensions: tuple[str, ...] = (".json",)

    def encoder(self, obj: Any, target: Path, **options: Any) -> Writer:
        """Accept containers or JSON text; serialisation itself runs inside the writer."""
        opts = parse_options(
            JsonSaveOptions, options, codec=self.name, operation="save", target=target
        )
        if isinstance(obj, str):
            _parse(obj, target)
            return bytes_writer(encode_text(obj, opts.encoding, target))
        if not isinstance(obj, dict | list | tuple):
            raise wrong_type(
                obj,
                target,
                self.name,
                _ACCEPTED,
                f"data.save({{'id': 1}}, Dir.OUTPUT, '{target.name}')",
            )

        def write(stream: BinaryIO) -> None:
            try:
                text = dumps(obj, opts)
            except (TypeError, ValueError) as exc:
                raise _unserialisable(target, exc) from exc
            stream.write(encode_text(text, opts.encoding, target))

        return write

    def load(self, source: Path, **options: Any) -> Any:
        """Parse the file; bad JSON names the line and column."""
        opts = parse_options(
            JsonLoadOptions, options, codec=self.name, operation="load", target=source
        )
        text = decode_text(source.read_bytes(), opts.encoding, source)
        return _parse(text, source, parse_float=Decimal if opts.parse_decimal else None)


def _parse(text: str, source: Path, parse_float: Callable[[str], Any] | None = None) -> Any:
    try:
        return json.loads(text, parse_float=parse_float)
    except json.JSONDecodeError as exc:
        problem, fix = describe_json_error(exc)
        raise ValidationError(
            f"Invalid JSON in {source} at line {exc.lineno}, column {exc.colno}: {problem}.",
            f"{fix} (`python -m json.tool {source.name}` shows the spot).",
            '{"key": "value", "items": [1, 2, 3]}',
            field="json_content",
        ) from None


def _unserialisable(target: Path, exc: Exception) -> ValidationError:
    return ValidationError(
        f"Cannot write {target} as JSON: {exc}.",
        "Convert the value to dict/list/str/int/float/bool/None (Decimal and "
        "datetime/date/time are converted for you); NaN decimals and cycles are not allowed.",
        "data.save({'amount': Decimal('9.99'), 'when': datetime.now()}, Dir.OUTPUT, 'x.json')",
        field="data",
    )
