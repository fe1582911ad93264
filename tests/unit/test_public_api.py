"""One public import path per name, and one lazy-export helper behind the packages' tables."""

from __future__ import annotations

from pathlib import Path

import pytest

import txo
import txo.http
from txo.http import factory

PACKAGE = Path(txo.__file__).parent
#: Warn-on-access facades (each v2.1 name warns, then resolves): not export tables.
FACADES = {"compat/v21/__init__.py"}


def test_the_top_level_package_re_exports_nothing() -> None:
    """``RestClient`` lives in ``txo.http`` only, not also as ``txo.RestClient``."""
    assert txo.__all__ == ["__version__"]
    with pytest.raises(AttributeError):
        txo.RestClient  # type: ignore[attr-defined]  # noqa: B018


def test_lazy_names_resolve_to_their_module_and_unknown_names_fail() -> None:
    assert txo.http.create_rest_api is factory.create_rest_api
    with pytest.raises(AttributeError, match=r"'txo\.http' has no attribute 'Nope'"):
        txo.http.Nope  # noqa: B018


def test_users_tests_import_the_fakes_from_txo_testing() -> None:
    import txo.testing
    from txo.testing import fake_bc, server

    assert txo.testing.FakeBusinessCentral is fake_bc.FakeBusinessCentral
    assert txo.testing.LoopbackServer is server.LoopbackServer
    assert sorted(txo.testing.__all__) == ["FakeBusinessCentral", "FakeClock", "LoopbackServer"]


def test_packages_use_the_one_lazy_export_helper() -> None:
    hand_written = {
        init.relative_to(PACKAGE).as_posix()
        for init in PACKAGE.rglob("__init__.py")
        if "def __getattr__" in init.read_text(encoding="utf-8")
    }
    assert hand_written <= FACADES
