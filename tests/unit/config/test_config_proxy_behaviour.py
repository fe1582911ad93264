"""What a user of ConfigProxy sees: the example in a missing-key error, the suggestions,
the repr (keys, never values), comparison with plain mappings and iteration of items."""

from __future__ import annotations

from typing import Any

import pytest

from txo.config import ConfigProxy
from txo.errors import MissingConfigError

RAW: dict[str, Any] = {
    "global": {"auth": {"client-id": "c-1", "secret-value": "hidden-1"}, "api-version": "v2"},
    "script-behavior": {"api-delay-seconds": 1},
}


def proxy() -> ConfigProxy:
    return ConfigProxy(RAW, "cfg.json")


def missing(section: ConfigProxy, *keys: str) -> MissingConfigError:
    with pytest.raises(MissingConfigError) as info:
        section.require(*keys)
    return info.value


def test_the_example_is_indented_json_showing_where_the_key_goes() -> None:
    error = missing(proxy(), "global", "auth", "tenant-id")
    assert error.example == (
        '{\n  "global": {\n    "auth": {\n      "tenant-id": "<value>"\n    }\n  }\n}'
    )


def test_a_nested_section_reports_the_full_path_and_the_part_that_exists() -> None:
    auth = proxy().require("global", "auth")
    error = missing(auth, "tenant-id")
    assert error.key_path == "global.auth.tenant-id"
    assert error.found_prefix == "global.auth"
    assert error.source == "cfg.json"


def test_at_most_three_suggestions_are_offered() -> None:
    section = ConfigProxy({f"timeout{n}": n for n in range(6)}, "cfg.json")
    error = missing(section, "timeout")
    assert len(error.suggestions) == 3
    assert all(s.startswith("timeout") for s in error.suggestions)


def test_descending_into_a_text_value_suggests_nothing() -> None:
    error = missing(proxy(), "global", "api-version", "v")
    assert error.suggestions == ()
    assert error.found_prefix == "global.api-version"


def test_repr_names_the_section_and_its_keys_but_no_values() -> None:
    assert repr(proxy()) == "ConfigProxy(<root> of cfg.json, keys=['global', 'script-behavior'])"
    auth = proxy().require("global", "auth")
    assert repr(auth) == "ConfigProxy(global.auth of cfg.json, keys=['client-id', 'secret-value'])"
    assert "hidden-1" not in repr(auth)


def test_a_proxy_compares_equal_by_content() -> None:
    section = proxy().require("script-behavior")
    assert section == {"api-delay-seconds": 1}
    assert section == ConfigProxy({"api-delay-seconds": 1}, "other.json")
    assert section != {"api-delay-seconds": 2}
    assert section != ConfigProxy({"api-delay-seconds": 2}, "cfg.json")
    assert section != [("api-delay-seconds", 1)]
    assert section != "api-delay-seconds"
    with pytest.raises(TypeError):
        hash(section)


def test_items_wraps_sections_and_keeps_their_path() -> None:
    pairs = dict(proxy().require("global").items())
    assert list(pairs) == ["auth", "api-version"]
    assert pairs["api-version"] == "v2"
    auth = pairs["auth"]
    assert isinstance(auth, ConfigProxy)
    assert auth.path == ("global", "auth")
    assert auth.source == "cfg.json"
    assert auth.require("client-id") == "c-1"
