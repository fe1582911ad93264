"""Which codec a file name picks, and what a user is told when none fits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from txo.data import CodecRegistry, Writer
from txo.data.codecs.base import bytes_writer
from txo.data.codecs.json_codec import JsonCodec
from txo.errors import ValidationError


class FakeCodec:
    """A codec author's codec: only its name and extensions matter here."""

    def __init__(self, name: str, *extensions: str) -> None:
        self.name = name
        self.extensions = extensions

    def encoder(self, obj: Any, target: Path, **options: Any) -> Writer:
        return bytes_writer(str(obj).encode())

    def load(self, source: Path, **options: Any) -> Any:
        return source.read_text()


def test_repr_lists_each_extension_with_its_codec_sorted() -> None:
    registry = CodecRegistry((JsonCodec(), FakeCodec("fake", ".b", ".A")))
    assert repr(registry) == "CodecRegistry(.a=fake, .b=fake, .json=json)"
    assert registry.extensions == (".a", ".b", ".json")


def test_suffixes_match_case_insensitively_and_later_codecs_win() -> None:
    json_codec, fake = JsonCodec(), FakeCodec("fake", ".JSON", ".x")
    registry = CodecRegistry((json_codec, fake))
    assert registry.for_path(Path("Report.Json")) is fake
    assert registry.for_path(Path("archive.tar.X")) is fake
    assert CodecRegistry((fake, json_codec)).for_path(Path("a.json")) is json_codec


def test_with_codec_replaces_and_keeps_every_other_codec_once() -> None:
    json_codec = JsonCodec()
    base = CodecRegistry((json_codec, FakeCodec("old", ".x", ".y")))
    new = FakeCodec("new", ".y")
    replaced = base.with_codec(new)
    assert repr(replaced) == "CodecRegistry(.json=json, .x=old, .y=new)"
    assert replaced.for_path(Path("a.json")) is json_codec
    assert repr(base) == "CodecRegistry(.json=json, .x=old, .y=old)"


def test_an_unknown_extension_lists_the_known_ones_and_shows_a_json_name() -> None:
    registry = CodecRegistry((JsonCodec(), FakeCodec("fake", ".x")))
    with pytest.raises(ValidationError) as info:
        registry.for_path(Path("out") / "report.DOCX")
    error = info.value
    assert (
        error.what_went_wrong == "No codec for 'report.DOCX': the extension '.docx' is not known."
    )
    assert error.how_to_fix == (
        "Use a file name ending in one of: .json, .x; "
        "or add a codec with CodecRegistry.with_codec()."
    )
    assert error.example == "data.save(value, Dir.OUTPUT, 'report.json')"
    assert error.field == "name"


def test_a_name_without_extension_says_none() -> None:
    with pytest.raises(ValidationError) as info:
        CodecRegistry((JsonCodec(),)).for_path(Path("README"))
    assert info.value.what_went_wrong == (
        "No codec for 'README': the extension '(none)' is not known."
    )
    assert info.value.example == "data.save(value, Dir.OUTPUT, 'README.json')"
    with pytest.raises(ValidationError) as empty:
        CodecRegistry().for_path(Path())
    assert empty.value.example == "data.save(value, Dir.OUTPUT, 'result.json')"
    assert empty.value.how_to_fix.startswith("Use a file name ending in one of: ;")
