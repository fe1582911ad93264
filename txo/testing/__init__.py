"""Test support for projects built on txo: their own tests import it from here.

* :class:`FakeClock` — ``sleep`` advances time instantly and is recorded;
* :class:`FakeBusinessCentral` — a fake Business Central tenant (OAuth client credentials,
  companies, customers with server-driven paging, ETags, 202 actions, faults on demand),
  answering ``httpx`` requests in process (``httpx.MockTransport(fake.handle)``);
* :class:`LoopbackServer` — serves such a handler on ``http://127.0.0.1:<port>``;
* ``txo.testing.plugin`` — the pytest fixtures (``fake_clock``, ``fake_bc``, ``fake_bc_url``,
  ``make_txo_project``, ...), enabled by txo's ``pytest11`` entry point when txo is installed.

Each loads on first use, so importing :class:`FakeClock` does not load httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from txo._lazy import lazy_exports

__all__ = ["FakeBusinessCentral", "FakeClock", "LoopbackServer"]

if TYPE_CHECKING:
    from txo.testing.clock import FakeClock
    from txo.testing.fake_bc import FakeBusinessCentral
    from txo.testing.server import LoopbackServer

__getattr__ = lazy_exports(
    __name__,
    {"clock": ("FakeClock",), "fake_bc": ("FakeBusinessCentral",), "server": ("LoopbackServer",)},
)
