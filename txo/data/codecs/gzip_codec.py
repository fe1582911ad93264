"""Gzip codec: ``str`` or bytes in; bytes out, or ``str`` when ``encoding`` is given.

The gzip header carries ``mtime=0`` and no file name, so the same input
always gives the same bytes.  ``compression_level`` is 0–9 (0 stores
uncompressed); ``None`` means 9.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from txo.data.codecs.base import (
    OptionValueError,
    Writer,
    check_encoding,
    decode_text,
    encode_text,
    parse_options,
    wrong_type,
)
from txo.data.codecs.binary_codec import BYTES_LIKE
from txo.errors import ValidationError

__all__ = ["GzipCodec", "GzipLoadOptions", "GzipSaveOptions"]

DEFAULT_COMPRESSION_LEVEL = 9


@dataclass(frozen=True, slots=True)
class GzipSaveOptions:
    """Compression level and the encoding used for a ``str``."""

    compression_level: int | None = None
    encoding: str = "utf-8"

    def __post_init__(self) -> None:
        level = self.compression_level
        if level is not None and (not isinstance(level, int) or isinstance(level, bool)):
            raise OptionValueError(
                "compression_level",
                "must be an int from 0 to 9, or None.",
                "Use 0 (store) to 9 (smallest, the default).",
                "compression_level=9",
            )
        if level is not None and not 0 <= level <= 9:
            raise OptionValueError(
                "compression_level",
                "is outside 0–9.",
                "Use 0 (store) to 9 (smallest, the default).",
                "compression_level=9",
            )
        check_encoding("encoding", self.encoding)

    @property
    def level(self) -> int:
        """The effective level (``None`` → 9)."""
        if self.compression_level is None:
            return DEFAULT_COMPRESSION_LEVEL
        return self.compression_level


@dataclass(frozen=True, slots=True)
class GzipLoadOptions:
    """With ``encoding`` the content is decoded to ``str``."""

    encoding: str | None = None

    def __post_init__(self) -> None:
        if self.encoding is not None:
            check_encoding("encoding", self.encoding)


class GzipCodec:
    """``.gz`` and ``.rapidstart`` files."""

    name: str = "gzip"
    extensions: tuple[str, ...] = (".gz", ".rapidstart")

    def encoder(self, obj: Any, target: Path, **options: Any) -> Writer:
        """Compress straight into the stream."""
        opts = parse_options(
            GzipSaveOptions, options, codec=self.name, operation="save", target=target
        )
        if isinstance(obj, str):
            data = encode_text(obj, opts.encoding, target)
        elif isinstance(obj, bytes | bytearray | memoryview):
            data = bytes(obj)
        else:
            raise wrong_type(
                obj,
                target,
                self.name,
                ("str", *BYTES_LIKE),
                f"data.save(b'payload', Dir.OUTPUT, '{target.name}')",
            )

        def write(stream: BinaryIO) -> None:
            with gzip.GzipFile(
                filename="", mode="wb", compresslevel=opts.level, fileobj=stream, mtime=0
            ) as gz:
                gz.write(data)

        return write

    def load(self, source: Path, **options: Any) -> bytes | str:
        """Decompressed bytes, or text when ``encoding`` is given."""
        opts = parse_options(
            GzipLoadOptions, options, codec=self.name, operation="load", target=source
        )
        try:
            with gzip.open(source, "rb") as gz:
                data = gz.read()
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise ValidationError(
                f"{source} is not a valid gzip file: {exc}.",
                "Check that the file was written completely by a gzip writer; "
                "save it again if it is truncated.",
                "data.save(b'payload', Dir.OUTPUT, 'archive.gz')",
                field="gzip_content",
            ) from None
        return data if opts.encoding is None else decode_text(data, opts.encoding, source)
