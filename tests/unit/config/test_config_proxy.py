"""ConfigProxy: hard-fail access, near-miss suggestions, no soft .get()."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from txo.config import ConfigProxy
from txo.errors import ConfigError, MissingConfigError

KEYS = st.text(alphabet="abcdefgh-_", min_size=1, max_size=6)
LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
JSON_TREES = st.recursive(
    LEAVES,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=20,
)
CONFIGS = st.dictionaries(KEYS, JSON_TREES, max_size=5)


def _paths(tree: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every key path in a nested dict."""
    out: list[tuple[str, ...]] = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            out.append((*prefix, key))
            out.extend(_paths(value, (*prefix, key)))
    return out


def _value_at(tree: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _unwrap(value: Any) -> Any:
    return value.to_dict() if isinstance(value, ConfigProxy) else value


@given(CONFIGS)
def test_require_returns_exactly_the_value_at_every_path(raw: dict[str, Any]) -> None:
    proxy = ConfigProxy(raw, "cfg.json")
    for path in _paths(raw):
        assert _unwrap(proxy.require(*path)) == _value_at(raw, path)


@given(CONFIGS, st.lists(KEYS, min_size=1, max_size=4))
def test_missing_path_error_names_longest_existing_prefix(
    raw: dict[str, Any], path: list[str]
) -> None:
    existing = set(_paths(raw))
    if tuple(path) in existing:
        return
    found = 0
    while found < len(path) and tuple(path[: found + 1]) in existing:
        found += 1
    proxy = ConfigProxy(raw, "cfg.json")
    with pytest.raises(MissingConfigError) as info:
        proxy.require(*path)
    assert info.value.key_path == ".".join(path)
    assert info.value.found_prefix == ".".join(path[:found])
    assert "cfg.json" in str(info.value)


@given(CONFIGS, st.lists(KEYS, min_size=1, max_size=4))
def test_optional_returns_default_only_when_missing(raw: dict[str, Any], path: list[str]) -> None:
    proxy = ConfigProxy(raw, "cfg.json")
    sentinel = object()
    value = proxy.optional(*path, default=sentinel)
    if tuple(path) in set(_paths(raw)):
        assert value is not sentinel
        assert _unwrap(value) == _value_at(raw, tuple(path))
    else:
        assert value is sentinel


def test_hard_fail_on_missing_config() -> None:
    """The roadmap's test: a missing key fails hard, naming path, file and an example."""
    proxy = ConfigProxy({"global": {"api-base-url": "https://x"}}, "config/txo-test-config.json")
    with pytest.raises(MissingConfigError) as info:
        proxy["global"]["api-version"]
    message = str(info.value)
    assert "global.api-version" in message
    assert "config/txo-test-config.json" in message
    assert '"api-version": "<value>"' in message
    assert isinstance(info.value, KeyError) and isinstance(info.value, ConfigError)


def test_near_miss_keys_are_suggested() -> None:
    proxy = ConfigProxy({"script-behavior": {"retry-strategy": {}}}, "c.json")
    with pytest.raises(KeyError) as info:
        proxy.require("script-behavior", "retry-stratgy")
    assert "Did you mean: retry-strategy?" in str(info.value)


def test_proxy_is_read_only_and_has_no_get() -> None:
    raw = {"a": {"b": 1}}
    proxy = ConfigProxy(raw, "c.json")
    assert not hasattr(proxy, "get")
    with pytest.raises(TypeError):
        proxy["a"] = 2  # type: ignore[index]
    copy = proxy.to_dict()
    copy["a"]["b"] = 99
    assert raw["a"]["b"] == 1
    assert "a" in proxy and "z" not in proxy
    assert list(proxy) == ["a"] and len(proxy) == 1
    assert proxy["a"].path == ("a",)


def test_repr_shows_keys_never_values() -> None:
    proxy = ConfigProxy({"_client_secret": "s3cr3t-value", "global": {}}, "c.json")
    assert "s3cr3t-value" not in repr(proxy)
    assert "_client_secret" in repr(proxy)


def test_descending_into_a_scalar_is_a_missing_key() -> None:
    proxy = ConfigProxy({"global": "oops"}, "c.json")
    with pytest.raises(MissingConfigError) as info:
        proxy.require("global", "tenant-id")
    assert info.value.found_prefix == "global"
