"""The cassette file format: vcrpy's interactions as JSON, under a safe-to-commit comment.

vcrpy's own format (``{"version": 1, "interactions": [{"request": …, "response": …}]}``) is
the same whichever library recorded it, so a cassette recorded through ``requests`` replays
through ``httpx``.  Only the serialisation differs from vcrpy's default YAML:

* JSON, because loading a 10,000-exchange YAML cassette took most of a replay's time and
  several times its memory; JSON is also valid YAML, so YAML tools still read it;
* a ``#`` header comment saying the file is safe to commit (YAML allows comments; the
  loader skips them);
* binary bodies as ``{"__bytes__": BASE64}`` (vcrpy's JSON serializer refuses them);
* one interaction per line: :func:`interaction_lines` reads the file lazily, so a replay keeps
  an index of offsets, not 10,000 responses, in memory.

:meth:`CommentedJson.deserialize` also reads vcrpy's ordinary YAML cassettes.

WHY plain Python with no txo import: the recording bootstrap loads this module under the
user's legacy interpreter, where txo is not installed.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

__all__ = ["HEADER_COMMENT", "INTERACTION_START", "CommentedJson", "interaction_lines", "load_line"]

#: The first line of every cassette (and ``_about`` in expectations.json).
HEADER_COMMENT = (
    "Recorded by `txo-migrate record`. Safe to commit: Authorization and cookie headers were "
    "dropped, token responses and every secrets-file value were replaced by <redacted:...> "
    "placeholders before this file was written."
)
_BYTES = "__bytes__"
#: How every interaction line of a txo cassette starts.
INTERACTION_START = '{"request": '


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {_BYTES: base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError(f"cannot store {type(value).__name__} in a cassette")


def _decode(item: dict[str, Any]) -> Any:
    if len(item) == 1 and _BYTES in item:
        return base64.b64decode(item[_BYTES])
    return item


class CommentedJson:
    """A vcrpy serializer (``serialize(dict) -> str``, ``deserialize(str) -> dict``)."""

    @staticmethod
    def serialize(cassette: dict[str, Any]) -> str:
        """One interaction per line, so a replay can index the file without loading it."""
        head = {k: v for k, v in cassette.items() if k != "interactions"}
        opening = json.dumps(head, ensure_ascii=False, default=_encode)[:-1]
        lines = [
            json.dumps(i, ensure_ascii=False, default=_encode) for i in cassette["interactions"]
        ]
        sep = ", " if head else ""
        body = ",\n".join(lines)
        return f'# {HEADER_COMMENT}\n{opening}{sep}"interactions": [\n{body}\n]}}\n'

    @staticmethod
    def deserialize(text: str) -> dict[str, Any]:
        lines = text.splitlines(keepends=True)
        start = 0
        while start < len(lines) and lines[start].lstrip().startswith("#"):
            start += 1
        rest = "".join(lines[start:])
        if rest.lstrip().startswith("{"):
            data: dict[str, Any] = json.loads(rest, object_hook=_decode)
            return data
        from vcr.serializers import yamlserializer  # type: ignore[import-untyped]

        loaded: dict[str, Any] = yamlserializer.deserialize(text)  # a vcrpy YAML cassette
        return loaded


def interaction_lines(path: str) -> Iterator[tuple[int, str]]:
    """(byte offset, line) of each interaction of a txo cassette, without loading the file.

    Yields nothing for files in another layout (vcrpy's YAML): load those whole.
    """
    with open(path, "rb") as file:
        offset = 0
        for raw in file:
            if raw.startswith(INTERACTION_START.encode()):
                yield offset, raw.decode("utf-8").rstrip().rstrip(",")
            offset += len(raw)


def load_line(line: str) -> dict[str, Any]:
    """One interaction line: ``{"request": …, "response": …}``."""
    data: dict[str, Any] = json.loads(line, object_hook=_decode)
    return data
