"""Cassette files: JSON under a comment, binary bodies kept, vcrpy's YAML cassettes still read."""

from __future__ import annotations

from vcr.serializers import yamlserializer  # type: ignore[import-untyped]

from txo.migrate.record.cassette_io import HEADER_COMMENT, CommentedJson

CASSETTE = {
    "version": 1,
    "interactions": [
        {
            "request": {"method": "GET", "uri": "https://h/x", "body": None, "headers": {}},
            "response": {
                "status": {"code": 200, "message": "OK"},
                "headers": {"Content-Type": ["application/octet-stream"]},
                "body": {"string": b"\x00\xff\x10binary"},
            },
        }
    ],
}


def test_round_trip_keeps_binary_bodies_and_starts_with_the_comment() -> None:
    text = CommentedJson.serialize(CASSETTE)
    assert text.startswith(f"# {HEADER_COMMENT}\n{{")
    assert CommentedJson.deserialize(text) == CASSETTE


def test_vcrpy_yaml_cassettes_are_read_too() -> None:
    text = "# a comment\n" + yamlserializer.serialize(CASSETTE)
    assert CommentedJson.deserialize(text) == CASSETTE


def test_the_json_form_is_also_yaml() -> None:
    text = CommentedJson.serialize({"version": 1, "interactions": []})
    assert yamlserializer.deserialize(text) == {"version": 1, "interactions": []}
