"""Indented JSON text, byte for byte what ``json.dumps(indent=...)`` writes, twice as fast.

Why: on CPython the json module's C encoder only runs for unindented
output; ``indent=2`` (the save default, as in v2.1) sends every value
through the pure-Python encoder, which was most of the cost of saving
100k rows.  Here only the structure above the innermost containers is
walked in Python: a dict or list whose members are all scalars - a row -
is written by the C encoder, whose item separator carries the newline and
indentation of its level, and is then wrapped in the lines of its brackets;
a dict that also holds containers is written the same way with each
container replaced by a random placeholder, swapped afterwards for the
container's own text.
The output is the stdlib's exactly (a property test compares them).
"""

from __future__ import annotations

import json
import json.encoder
import math
import secrets
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

__all__ = ["indented_dumps"]

_C_MAKE_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
_SCALARS = frozenset({str, int, float, bool, type(None), Decimal, date, datetime, time})
_CONTAINERS = (list, tuple, dict)
Default = Callable[[Any], Any]


def indented_dumps(
    obj: Any,
    *,
    indent: int,
    sort_keys: bool,
    ensure_ascii: bool,
    default: Default,
    make_encoder: Any = _C_MAKE_ENCODER,
) -> str:
    """``json.dumps(obj, indent=indent, sort_keys=..., ensure_ascii=..., default=...)``.

    ``default`` must return scalars (as the JSON codec's does). ``make_encoder`` is the
    C accelerator's factory; without it (``None``, e.g. on PyPy) the stdlib writes the text.
    """
    if make_encoder is None:
        return json.dumps(
            obj, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii, default=default
        )
    return _Encoder(make_encoder, " " * indent, sort_keys, ensure_ascii, default).encode(obj, 0)


def _is_leaf(values: Any) -> bool:
    """True when no member is a container (so the C encoder lays it out in one go)."""
    return not any(issubclass(t, _CONTAINERS) for t in set(map(type, values)))


class _Encoder:
    """One document's encoding; mirrors ``json.encoder._make_iterencode`` above the leaves."""

    def __init__(
        self, make_encoder: Any, pad: str, sort_keys: bool, ensure_ascii: bool, default: Default
    ) -> None:
        self.make_encoder = make_encoder
        self.pad, self.sort_keys, self.default = pad, sort_keys, default
        self.strings = (
            json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
        )
        self.leaves: dict[int, Any] = {}
        self.scalar = self._c_encoder(", ")
        self.markers: set[int] = set()
        self.token = f"txo-nested-{secrets.token_hex(16)}-"  # never in real data
        self.plain: dict[type, Callable[[Any], str]] = {
            str: self.strings,
            int: int.__repr__,
            float: _float_text,
            bool: _bool_text,
            type(None): _null_text,
        }

    def _c_encoder(self, item_separator: str) -> Any:
        return self.make_encoder(
            None, self.default, self.strings, None, ": ", item_separator,
            self.sort_keys, False, True,
        )  # fmt: skip

    def _level_encoder(self, level: int) -> Any:
        """The C encoder whose item separator carries the newline and indentation of ``level``."""
        encoder = self.leaves.get(level)  # pragma: no mutate - a cache; a miss builds the same
        if encoder is None:
            encoder = self.leaves[level] = self._c_encoder(",\n" + self.pad * (level + 1))
        return encoder

    def _leaf(self, obj: Any, level: int) -> str:
        """A scalar-only container at ``level``: C-encoded with this level's separators."""
        body = "".join(self._level_encoder(level)(obj, 0))
        return f"{body[0]}\n{self.pad * (level + 1)}{body[1:-1]}\n{self.pad * level}{body[-1]}"

    def encode(self, obj: Any, level: int) -> str:
        plain = self.plain.get(type(obj))
        if plain is not None:  # the json module's own text for these exact types
            return plain(obj)
        if isinstance(obj, dict):
            return self._dict(obj, level) if obj else "{}"
        if isinstance(obj, list | tuple):
            return self._list(obj, level) if obj else "[]"
        return "".join(self.scalar(obj, 0))

    def _enter(self, obj: Any) -> int:
        marker = id(obj)
        if marker in self.markers:
            raise ValueError("Circular reference detected")
        self.markers.add(marker)
        return marker

    def _list(self, obj: list[Any] | tuple[Any, ...], level: int) -> str:
        if _is_leaf(obj):
            return self._leaf(obj, level)
        marker = self._enter(obj)
        inner = self.pad * (level + 1)
        parts = self._rows(obj, level + 1)
        self.markers.discard(marker)
        return f"[\n{inner}" + f",\n{inner}".join(parts) + f"\n{self.pad * level}]"

    def _rows(self, values: list[Any] | tuple[Any, ...], level: int) -> list[str]:
        """The members of a list at ``level``; scalar-only dicts (rows) inline, the hot path."""
        encoder, scalars = self._level_encoder(level), _SCALARS
        opening = "{\n" + self.pad * (level + 1)
        closing = "\n" + self.pad * level + "}"
        parts = []
        for value in values:
            if type(value) is dict and value and set(map(type, value.values())) <= scalars:
                parts.append(opening + "".join(encoder(value, 0))[1:-1] + closing)
            else:
                parts.append(self.encode(value, level))
        return parts

    def _dict(self, obj: dict[Any, Any], level: int) -> str:
        """Non-empty containers become placeholders, so the C encoder still lays out the
        keys and scalars (with key conversion and ``sort_keys``); then each placeholder is
        swapped for its container's text."""
        if _is_leaf(obj.values()):
            return self._leaf(obj, level)
        marker = self._enter(obj)
        flat = dict(obj)
        nested: list[str] = []
        for key in [k for k, v in obj.items() if isinstance(v, _CONTAINERS) and v]:
            flat[key] = f"{self.token}{len(nested)}"
            nested.append(self.encode(obj[key], level + 1))
        text = self._leaf(flat, level)
        for index, part in enumerate(nested):
            text = text.replace(f'"{self.token}{index}"', part, 1)
        self.markers.discard(marker)
        return text


def _float_text(value: float) -> str:
    """``json.encoder``'s floatstr with ``allow_nan=True``."""
    if value != value:
        return "NaN"
    if value == math.inf:
        return "Infinity"
    if value == -math.inf:
        return "-Infinity"
    return float.__repr__(value)


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


def _null_text(_value: None) -> str:
    return "null"
