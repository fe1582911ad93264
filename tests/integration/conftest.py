"""Fixtures shared by the integration suites."""

from __future__ import annotations

import pytest
import respx


@pytest.fixture
def router() -> respx.MockRouter:
    """A respx router used as an httpx transport (``httpx.MockTransport(router.handler)``).

    It is never started as a global patch: tests hand it to the client they build.
    """
    return respx.MockRouter(assert_all_called=False)
