"""JSON-lines log format: one redacted JSON object per record, for log shippers.

Chosen in ``config/logging-config.json`` with a formatter
``{"format": "json"}`` (or ``{"class": "txo.log.JsonLinesFormatter"}``).
Each line is one object::

    {"time": "2024-05-01T12:00:00.123Z", "level": "INFO", "logger": "txo",
     "message": "...", "exception": null, "extra": {"order": 42}}

``time`` is UTC ISO 8601 with milliseconds; ``exception`` is the traceback
text or null; ``stack`` appears when ``stack_info`` was asked for;
``extra`` holds the fields passed with ``extra=`` (left out when none).
Every text is redacted before it is encoded (in ``extra`` values too:
keys and leaves of dicts and lists; a number the redactor changes, NaN and
infinity, and other objects become their redacted text), and the encoding
is strict JSON (``\\n``, quotes and non-ASCII escaped), so every line parses
whatever the message contains.
"""

from __future__ import annotations

import datetime
import json
import logging
import math
from typing import Any

from txo.log.formatter import RedactingFormatter

__all__ = ["JSON_FORMAT_NAMES", "JsonLinesFormatter"]

#: What a formatter's "format" or "class" may say in logging-config.json to choose this format.
JSON_FORMAT_NAMES = frozenset(
    {"json", "json-lines", "txo.log.JsonLinesFormatter", "txo.log.json_lines.JsonLinesFormatter"}
)
# Attributes every LogRecord has (plus txo's private caches): the rest came from ``extra=``.
_STANDARD = frozenset(
    {
        *logging.LogRecord("", 0, "", 0, "", (), None).__dict__,
        "message", "asctime", "taskName",
    }
)  # fmt: skip


class JsonLinesFormatter(RedactingFormatter):
    """Formats a record as one line of redacted, strict JSON (see the module docstring)."""

    def _render(self, record: logging.LogRecord) -> str:
        message, exception, stack = self.redacted_parts(record)
        document: dict[str, Any] = {**_head(record), "message": message}
        document["exception"] = exception or None
        if stack:
            document["stack"] = stack
        extra = {
            key: self._value(value)
            for key, value in record.__dict__.items()
            if key not in _STANDARD and not key.startswith("_")
        }
        if extra:
            document["extra"] = extra
        return _encode(document)

    def _failed(self, record: logging.LogRecord, exc: Exception) -> str:
        """The plain formatter's notice, still as one valid JSON line."""
        return _encode({**_head(record), "message": super()._failed(record, exc)})

    def _value(self, value: Any, depth: int = 0) -> Any:
        """``value`` as strict JSON with every text in it redacted (keys and leaves alike).

        Each text is redacted as itself, before encoding: redacting the
        encoded document would miss a secret whose escaped form the encoder
        escapes again (the repr of a secret inside a string value).
        """
        redact = self.redactor.redact
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str):
            return redact(value)
        if isinstance(value, int | float):
            text = str(value)
            redacted = redact(text)
            finite = not isinstance(value, float) or math.isfinite(value)
            return value if finite and redacted == text else redacted
        if depth < _MAX_DEPTH and isinstance(value, dict):
            return {redact(_text(k)): self._value(v, depth + 1) for k, v in value.items()}
        if depth < _MAX_DEPTH and isinstance(value, list | tuple | set | frozenset):
            return [self._value(item, depth + 1) for item in value]
        return redact(_text(value))


_MAX_DEPTH = 20  # deeper (or circular) structures are written as their redacted text


def _head(record: logging.LogRecord) -> dict[str, Any]:
    moment = datetime.datetime.fromtimestamp(record.created, datetime.UTC)
    return {
        "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "level": record.levelname,
        "logger": record.name,
    }


def _encode(value: Any) -> str:
    """Strict JSON on one line; ``value`` holds only JSON types (see ``_value``)."""
    return json.dumps(value, ensure_ascii=True, allow_nan=False)


def _text(value: Any) -> str:
    try:
        return str(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"
