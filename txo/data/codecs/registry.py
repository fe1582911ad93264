"""``CodecRegistry``: an immutable extension → codec map, built per handler."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

from txo.data.codecs.base import Codec, ImportModule, default_import_module
from txo.data.codecs.binary_codec import BinaryCodec
from txo.data.codecs.csv_codec import CsvCodec
from txo.data.codecs.excel_codec import ExcelCodec
from txo.data.codecs.gzip_codec import GzipCodec
from txo.data.codecs.json_codec import JsonCodec
from txo.data.codecs.text_codec import TextCodec
from txo.data.codecs.yaml_codec import YamlCodec
from txo.errors import ValidationError

__all__ = ["CodecRegistry"]


class CodecRegistry:
    """Which codec handles which extension.  ``with_codec`` returns a new registry."""

    __slots__ = ("_by_extension",)

    def __init__(self, codecs: Iterable[Codec] = ()) -> None:
        by_extension: dict[str, Codec] = {}
        for codec in codecs:  # later codecs win, so with_codec can override
            by_extension.update(dict.fromkeys((e.lower() for e in codec.extensions), codec))
        self._by_extension: Mapping[str, Codec] = MappingProxyType(by_extension)

    @classmethod
    def default(cls, *, import_module: ImportModule = default_import_module) -> CodecRegistry:
        """Every built-in codec; ``import_module`` is how optional packages get imported."""
        return cls(
            (
                JsonCodec(),
                TextCodec(),
                CsvCodec(import_module),
                ExcelCodec(import_module),
                YamlCodec(import_module),
                GzipCodec(),
                BinaryCodec(),
            )
        )

    def with_codec(self, codec: Codec) -> CodecRegistry:
        """A copy where ``codec`` handles its extensions (replacing any previous codec)."""
        return CodecRegistry((*self._unique_codecs(), codec))

    @property
    def extensions(self) -> tuple[str, ...]:
        """Every known extension, sorted."""
        return tuple(sorted(self._by_extension))

    def for_path(self, path: Path) -> Codec:
        """The codec for ``path``'s last suffix (case-insensitive), or a ValidationError."""
        suffix = path.suffix.lower()
        if suffix in self._by_extension:
            return self._by_extension[suffix]
        known = ", ".join(self.extensions)
        raise ValidationError(
            f"No codec for {path.name!r}: the extension {suffix or '(none)'!r} is not known.",
            f"Use a file name ending in one of: {known}; "
            "or add a codec with CodecRegistry.with_codec().",
            f"data.save(value, Dir.OUTPUT, '{path.stem or 'result'}.json')",
            field="name",
        )

    def _unique_codecs(self) -> list[Codec]:
        return list({id(c): c for c in self._by_extension.values()}.values())

    def __repr__(self) -> str:
        pairs = ", ".join(f"{e}={c.name}" for e, c in sorted(self._by_extension.items()))
        return f"CodecRegistry({pairs})"
