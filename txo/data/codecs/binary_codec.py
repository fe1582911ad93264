"""Binary codec: raw bytes in and out.  ``.pkl`` is stored as bytes and never unpickled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from txo.data.codecs.base import NoOptions, Writer, bytes_writer, parse_options, wrong_type

__all__ = ["BYTES_LIKE", "BinaryCodec"]

BYTES_LIKE = ("bytes", "bytearray", "memoryview")


class BinaryCodec:
    """``.bin .dat .pkl`` files."""

    name: str = "binary"
    extensions: tuple[str, ...] = (".bin", ".dat", ".pkl")

    def encoder(self, obj: Any, target: Path, **options: Any) -> Writer:
        """Only bytes-like values; nothing is pickled for you."""
        parse_options(NoOptions, options, codec=self.name, operation="save", target=target)
        if not isinstance(obj, bytes | bytearray | memoryview):
            raise wrong_type(
                obj,
                target,
                self.name,
                BYTES_LIKE,
                f"data.save(b'\\x00\\x01', Dir.OUTPUT, '{target.name}')",
            )
        return bytes_writer(bytes(obj))

    def load(self, source: Path, **options: Any) -> bytes:
        """The file's bytes."""
        parse_options(NoOptions, options, codec=self.name, operation="load", target=source)
        return source.read_bytes()
