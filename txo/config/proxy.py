"""Read-only, hard-failing access to configuration.

``ConfigProxy`` deliberately has no ``.get()``: a missing key is a
:class:`~txo.errors.MissingConfigError` naming the full dotted path, the
file it belongs in and the nearest existing keys.  Optional settings are
spelled out with :meth:`ConfigProxy.optional`, so a reader sees which
defaults exist.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Iterator, KeysView, Mapping
from typing import Any

from txo.errors import MissingConfigError

__all__ = ["ConfigProxy"]

_MISSING = object()


class ConfigProxy:
    """A read-only view of one (nested) configuration mapping."""

    __slots__ = ("_path", "_raw", "_source")

    def __init__(self, raw: Mapping[str, Any], source: str, path: tuple[str, ...] = ()) -> None:
        self._raw = raw
        self._source = source
        self._path = path

    @property
    def source(self) -> str:
        """The file (or other origin) this configuration came from."""
        return self._source

    @property
    def path(self) -> tuple[str, ...]:
        """Keys leading from the root to this section."""
        return self._path

    def require(self, *keys: str) -> Any:
        """The value at ``keys``; a missing key raises MissingConfigError."""
        node: Any = self._raw
        for depth, key in enumerate(keys):
            if not isinstance(node, Mapping) or key not in node:
                siblings = tuple(node) if isinstance(node, Mapping) else ()
                raise self._missing(keys, found=depth, siblings=siblings)
            node = node[key]
        return self._wrap(node, keys)

    def optional(self, *keys: str, default: Any = None) -> Any:
        """The value at ``keys``, or ``default`` when any key on the way is absent."""
        node: Any = self._raw
        for key in keys:
            if not isinstance(node, Mapping) or key not in node:
                return default
            node = node[key]
        return self._wrap(node, keys)

    def __getitem__(self, key: str) -> Any:
        try:
            value = self._raw[key]
        except (KeyError, TypeError):
            raise self._missing((key,), found=0, siblings=tuple(self._raw)) from None
        return self._wrap(value, (key,))

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def to_dict(self) -> dict[str, Any]:
        """A deep, mutable copy of this section."""
        return copy.deepcopy(dict(self._raw))

    def keys(self) -> KeysView[str]:
        return self._raw.keys()

    def items(self) -> Iterator[tuple[str, Any]]:
        """Pairs of key and value, nested sections wrapped as proxies."""
        for key, value in self._raw.items():
            yield key, self._wrap(value, (key,))

    def _wrap(self, value: Any, keys: tuple[str, ...]) -> Any:
        if isinstance(value, Mapping):
            return ConfigProxy(value, self._source, self._path + keys)
        return value

    def _missing(
        self, keys: tuple[str, ...], *, found: int, siblings: tuple[Any, ...]
    ) -> MissingConfigError:
        """The error for ``keys`` where only the first ``found`` keys exist."""
        full = self._path + keys
        prefix = ".".join(self._path + keys[:found])
        names = [str(k) for k in siblings]
        suggestions = difflib.get_close_matches(keys[found], names, n=3)
        return MissingConfigError(
            ".".join(full),
            self._source,
            found_prefix=prefix,
            suggestions=suggestions,
            example=_example(full),
        )

    def __repr__(self) -> str:  # keys only: values may be secrets
        where = ".".join(self._path) or "<root>"
        return f"ConfigProxy({where} of {self._source}, keys={sorted(map(str, self._raw))})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ConfigProxy):
            return self._raw == other._raw
        return isinstance(other, Mapping) and dict(self._raw) == dict(other)

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, compared by value


def _example(keys: tuple[str, ...]) -> str:
    """A JSON snippet showing where the missing key goes."""
    value: Any = "<value>"
    for key in reversed(keys):
        value = {key: value}
    return json.dumps(value, indent=2)
