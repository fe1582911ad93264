"""YAML codec (PyYAML, imported only when a YAML file is used).

Always the safe dumper and ``safe_load``: no Python object tags are
written or executed.  A ``str`` is taken as YAML text that is already serialised: it
is checked and written as is.  ``Decimal`` is not a YAML type; convert it
first (or use JSON, which keeps it exact).  Files are UTF-8 (default) or UTF-16,
the encodings YAML allows and PyYAML reads back; UTF-16 and ``utf-8-sig`` files
start with one byte order mark, which is how the loader recognises them.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

from txo.data.codecs.base import (
    YAML_PIP_LINE,
    ImportModule,
    NoOptions,
    OptionValueError,
    Writer,
    bytes_writer,
    check_encoding,
    default_import_module,
    parse_options,
    require_module,
    wrong_type,
)
from txo.errors import ValidationError

__all__ = ["YamlCodec", "YamlSaveOptions"]

_ACCEPTED = ("dict", "list", "tuple", "str (YAML text)")
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")
# PyYAML ignores a style it does not know and double-quotes, so no test can tell '"' from
# another string here: a named constant, not a literal mutation testing would alter.
_DOUBLE_QUOTED = '"'
# Python codec name -> (byte order mark, BOM-less codec the text is written in).  The
# codecs "utf-16" and "utf-8-sig" add a BOM on every encode() call, and PyYAML encodes
# chunk by chunk: written through them, a file holds a BOM per chunk and loads back as
# one garbled string.  Without a BOM, PyYAML reads UTF-16 as UTF-8.
_STREAM_ENCODINGS = MappingProxyType(
    {
        "utf-8": (b"", "utf-8"),
        "utf-8-sig": (codecs.BOM_UTF8, "utf-8"),
        "utf-16": (codecs.BOM_UTF16_LE, "utf-16-le"),
        "utf-16-le": (codecs.BOM_UTF16_LE, "utf-16-le"),
        "utf-16-be": (codecs.BOM_UTF16_BE, "utf-16-be"),
    }
)


@dataclass(frozen=True, slots=True)
class YamlSaveOptions:
    """Block style and insertion order by default, unicode kept readable."""

    default_flow_style: bool | None = False
    sort_keys: bool = False
    allow_unicode: bool = True
    indent: int | None = None
    encoding: str = "utf-8"

    def __post_init__(self) -> None:
        check_encoding("encoding", self.encoding)
        if codecs.lookup(self.encoding).name not in _STREAM_ENCODINGS:
            raise OptionValueError(
                "encoding",
                "is not an encoding of YAML files (UTF-8 or UTF-16).",
                "Use 'utf-8' (the default) or 'utf-16': YAML readers, txo's own load too, "
                "read no other encoding.",
                "encoding='utf-8'",
            )

    @property
    def byte_order_mark(self) -> bytes:
        """What the file starts with (nothing for plain UTF-8)."""
        return _STREAM_ENCODINGS[codecs.lookup(self.encoding).name][0]

    @property
    def stream_codec(self) -> str:
        """The codec of the text after the byte order mark; it never adds one itself."""
        return _STREAM_ENCODINGS[codecs.lookup(self.encoding).name][1]


class YamlCodec:
    """``.yaml`` and ``.yml`` files."""

    name: str = "yaml"
    extensions: tuple[str, ...] = (".yaml", ".yml")

    def __init__(self, import_module: ImportModule = default_import_module) -> None:
        self._import_module = import_module

    def encoder(self, obj: Any, target: Path, **options: Any) -> Writer:
        """Containers are dumped inside the writer; text is parsed first to prove it is YAML."""
        opts = parse_options(
            YamlSaveOptions, options, codec=self.name, operation="save", target=target
        )
        if not isinstance(obj, dict | list | tuple | str):
            raise wrong_type(
                obj,
                target,
                self.name,
                _ACCEPTED,
                f"data.save({{'id': 1}}, Dir.OUTPUT, '{target.name}')",
            )
        yaml = self._yaml()
        if isinstance(obj, str):
            self._parse(yaml, obj, target)
            # Valid YAML text has no lone surrogate, so UTF-8/16 can encode every character.
            bom = opts.byte_order_mark
            text = obj.removeprefix("\ufeff") if bom else obj
            return bytes_writer(bom + text.encode(opts.stream_codec))
        return _dump_writer(yaml, obj, opts, target)

    def load(self, source: Path, **options: Any) -> Any:
        """``safe_load`` of the file; an empty file gives ``None`` (no options: PyYAML detects
        UTF-8/16 itself)."""
        parse_options(NoOptions, options, codec=self.name, operation="load", target=source)
        yaml = self._yaml()
        return self._parse(yaml, source.read_bytes(), source)

    def _yaml(self) -> Any:
        return require_module(
            self._import_module, "yaml", pip_line=YAML_PIP_LINE, feature="Reading and writing YAML"
        )

    @staticmethod
    def _parse(yaml: Any, content: str | bytes, source: Path) -> Any:
        try:
            return yaml.safe_load(content)
        except yaml.YAMLError as exc:
            raise _invalid(source, exc) from None


def _dump_writer(yaml: Any, obj: Any, opts: YamlSaveOptions, target: Path) -> Writer:
    """Dump straight into the stream (after the BOM); representer errors name the file."""

    def write(stream: BinaryIO) -> None:
        stream.write(opts.byte_order_mark)
        try:
            yaml.dump(
                obj,
                # No encoding=: PyYAML writes text chunks, the codec writer encodes them.
                codecs.getwriter(opts.stream_codec)(stream),
                Dumper=_safe_dumper(yaml),
                allow_unicode=opts.allow_unicode,
                default_flow_style=opts.default_flow_style,
                sort_keys=opts.sort_keys,
                indent=opts.indent,
            )
        except yaml.YAMLError as exc:
            raise _unserialisable(target, exc) from exc

    return write


def _safe_dumper(yaml: Any) -> Any:
    """A SafeDumper that double-quotes strings holding NEL/LS/PS.

    PyYAML with ``allow_unicode`` writes those characters raw inside a
    single-quoted scalar, where the loader folds them into a space; in
    double quotes they are escaped and come back intact.
    """

    class TxoSafeDumper(yaml.SafeDumper):  # type: ignore[misc]
        """The safe dumper with the string representer below."""

    def represent_str(representer: Any, value: str) -> Any:
        style = _DOUBLE_QUOTED if any(ch in value for ch in _YAML_BREAKS) else None
        return representer.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    TxoSafeDumper.add_representer(str, represent_str)
    return TxoSafeDumper


def _invalid(source: Path, exc: Exception) -> ValidationError:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or exc
    return ValidationError(
        f"Invalid YAML in {source}{where}: {problem}.",
        f"Fix the YAML{where} (indentation and ':' after keys are the usual culprits).",
        "key: value\nitems:\n  - 1\n  - 2",
        field="yaml_content",
    )


def _unserialisable(target: Path, exc: Exception) -> ValidationError:
    return ValidationError(
        f"Cannot write {target} as YAML: {exc}.",
        "Use only dict/list/str/int/float/bool/None/date/datetime values "
        "(convert Decimal to str or float first).",
        "data.save({'amount': str(Decimal('9.99'))}, Dir.OUTPUT, 'x.yaml')",
        field="data",
    )
