"""Fixtures shared by the integration suites."""

from __future__ import annotations

from pathlib import Path

import pytest
import respx

from txo.migrate.verify import VerifyReport, verify_corpus

LEGACY_CORPUS = Path(__file__).resolve().parents[2] / "migration" / "legacy"


@pytest.fixture
def router() -> respx.MockRouter:
    """A respx router used as an httpx transport (``httpx.MockTransport(router.handler)``).

    It is never started as a global patch: tests hand it to the client they build.
    """
    return respx.MockRouter(assert_all_called=False)


@pytest.fixture(scope="session")
def legacy_verify() -> VerifyReport:
    """``txo-migrate verify migration/legacy --after-fix``, run once per test session.

    The legacy-corpus and verify suites assert on this one report: every recorded run as
    written, and again after ``fix`` on a copy.
    """
    return verify_corpus(LEGACY_CORPUS, after_fix=True, timeout=120)
