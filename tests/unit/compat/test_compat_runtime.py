"""The typed compat runtime: lazily built services, close/reset, injected clock and target."""

from __future__ import annotations

from pathlib import Path

import pytest

from txo.compat.__main__ import _options, main
from txo.compat.runtime import (
    DEFAULT_TARGET,
    CompatRuntime,
    InstantClock,
    current,
    install,
    parse_target,
    reset,
    target_from_environ,
)
from txo.errors import ConfigError
from txo.testing.clock import FakeClock

COMPAT = Path(__file__).resolve().parents[3] / "txo" / "compat"


def test_services_are_built_once_and_typed(compat_runtime: CompatRuntime) -> None:
    assert compat_runtime.token_cache is compat_runtime.token_cache
    assert compat_runtime.secrets is compat_runtime.secrets
    assert compat_runtime.api_cache is not compat_runtime.loader_cache
    assert current() is compat_runtime


def test_close_closes_what_was_built_and_reset_rebuilds(compat_runtime: CompatRuntime) -> None:
    closed: list[str] = []

    class Client:
        def close(self) -> None:
            closed.append("client")

    compat_runtime.api_cache.items["x"] = Client()
    first = compat_runtime.api_cache
    compat_runtime.reset()
    assert closed == ["client"]
    assert compat_runtime.api_cache is not first
    assert compat_runtime.api_cache.items == {}


def test_root_is_injected_or_set(tmp_path: Path) -> None:
    runtime = CompatRuntime(root=tmp_path, environ={})
    assert runtime.root == tmp_path
    runtime.set_root(tmp_path / "other")
    assert runtime.root == tmp_path / "other"
    explicit = CompatRuntime(environ={"PROJECT_ROOT": str(tmp_path)})
    assert explicit.root == tmp_path.resolve()


def test_install_closes_the_previous_runtime(tmp_path: Path) -> None:
    first = install(CompatRuntime(root=tmp_path, environ={}))
    cache = first.api_cache
    closed: list[int] = []

    class Client:
        def close(self) -> None:
            closed.append(1)

    cache.items["a"] = Client()
    second = install(CompatRuntime(root=tmp_path, environ={}))
    assert current() is second
    assert closed == [1]
    reset()
    assert current() is not second
    reset()


def test_the_clock_is_injected_not_chosen_by_the_library(tmp_path: Path) -> None:
    fake = FakeClock()
    runtime = CompatRuntime(root=tmp_path, clock=fake, environ={"TXO_COMPAT_CLOCK": "fake"})
    assert runtime.clock is fake
    sources = "\n".join(p.read_text(encoding="utf-8") for p in COMPAT.rglob("*.py"))
    assert "txo.testing" not in sources


def test_instant_clock_never_waits() -> None:
    clock = InstantClock(FakeClock(start=5.0, wall_start=1_800_000_000.0))
    clock.sleep(3600)
    assert clock.monotonic() == 3605.0
    assert clock.time() == 1_800_003_600.0


@pytest.mark.parametrize(
    ("text", "target"), [("2.1", "2.1"), ("3.1", "3.1"), ("v3.1.1", "3.1"), (" 2.1.0 ", "2.1")]
)
def test_targets_parse(text: str, target: str) -> None:
    assert parse_target(text) == target


def test_unknown_target_is_a_helpful_error() -> None:
    with pytest.raises(ConfigError, match=r"Unknown legacy target '4\.0'"):
        parse_target("4.0")
    assert target_from_environ({}) == DEFAULT_TARGET == "2.1"
    assert target_from_environ({"TXO_COMPAT_TARGET": "3.1"}) == "3.1"


def test_entry_point_options_come_before_the_script() -> None:
    options, rest = _options(["--target", "3.1", "--clock=instant", "s.py", "--target"], {})
    assert options.target == "3.1"
    assert isinstance(options.clock, InstantClock)
    assert rest == ["s.py", "--target"]
    options, rest = _options(["s.py"], {"TXO_COMPAT_TARGET": "3.1", "TXO_COMPAT_CLOCK": "fake"})
    assert (options.target, type(options.clock), rest) == ("3.1", InstantClock, ["s.py"])


@pytest.mark.parametrize(
    "argv", [["--target", "9", "s.py"], ["--clock", "slow", "s.py"], ["--target"], ["--clock=x"]]
)
def test_bad_entry_point_options_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert "usage: python -m txo.compat" in capsys.readouterr().err
