"""Text codec: ``str`` in, ``str`` out, byte-exact.

Files are written and read in binary, so Python never translates newlines:
what you save is what you load (so a UTF-8 BOM is kept as ``\\ufeff``; pass
``encoding="utf-8-sig"`` to drop it).  ``line_ending`` normalises on save
(``"unix"`` → ``\\n``, ``"windows"`` → ``\\r\\n``); ``None`` keeps the text as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from txo.data.codecs.base import (
    Writer,
    bytes_writer,
    check_choice,
    check_encoding,
    decode_text,
    encode_text,
    parse_options,
    wrong_type,
)

__all__ = ["TextCodec", "TextLoadOptions", "TextSaveOptions", "apply_line_ending"]

_LINE_ENDINGS = (None, "unix", "windows")


@dataclass(frozen=True, slots=True)
class TextSaveOptions:
    """Encoding, optional final newline, optional line-ending normalisation."""

    encoding: str = "utf-8"
    ensure_newline: bool = False
    line_ending: str | None = None

    def __post_init__(self) -> None:
        check_encoding("encoding", self.encoding)
        check_choice("line_ending", self.line_ending, _LINE_ENDINGS)


@dataclass(frozen=True, slots=True)
class TextLoadOptions:
    """The encoding the file was written with."""

    encoding: str = "utf-8"

    def __post_init__(self) -> None:
        check_encoding("encoding", self.encoding)


def apply_line_ending(text: str, options: TextSaveOptions) -> str:
    """Normalise ``\\r\\n``/``\\n`` to the chosen ending, then add a final one if asked."""
    newline = "\r\n" if options.line_ending == "windows" else "\n"
    if options.line_ending is not None:
        text = text.replace("\r\n", "\n")
        if newline != "\n":
            text = text.replace("\n", newline)
    if options.ensure_newline and not text.endswith("\n"):
        text += newline
    return text


class TextCodec:
    """``.txt .log .md .html .xml .py`` files."""

    name: str = "text"
    extensions: tuple[str, ...] = (".txt", ".log", ".md", ".html", ".xml", ".py")

    def encoder(self, obj: Any, target: Path, **options: Any) -> Writer:
        """Only ``str``; encoding problems surface before the file is touched."""
        opts = parse_options(
            TextSaveOptions, options, codec=self.name, operation="save", target=target
        )
        if not isinstance(obj, str):
            raise wrong_type(
                obj,
                target,
                self.name,
                ("str",),
                f"data.save('hello\\n', Dir.OUTPUT, '{target.name}')",
            )
        return bytes_writer(encode_text(apply_line_ending(obj, opts), opts.encoding, target))

    def load(self, source: Path, **options: Any) -> str:
        """The file's text, newlines untouched."""
        opts = parse_options(
            TextLoadOptions, options, codec=self.name, operation="load", target=source
        )
        return decode_text(source.read_bytes(), opts.encoding, source)
