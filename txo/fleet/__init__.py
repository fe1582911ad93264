"""Fleets: many script processes share one rate budget, cap, cool-down and token per tenant.

Chosen by ``script-behavior.coordination`` (absent: in-process, as before):
a SQLite file for the processes of one machine, Redis for many machines.
Shared state is keyed by (API host, tenant identity); leases and locks
expire, so a killed process never blocks the rest; a backend that goes
away degrades the process to in-process behaviour with one warning.
See docs/fleets.md.
"""

from __future__ import annotations

from txo.fleet.backend import Backend, BackendUnavailable
from txo.fleet.coordinator import Coordination, open_backend, open_coordination
from txo.fleet.guard import Guard
from txo.fleet.limits import (
    SharedConcurrencyLimiter,
    SharedCooldown,
    SharedRateLimiter,
    fleet_key,
)
from txo.fleet.settings import CoordinationSettings, fleet_identity, read_coordination
from txo.fleet.tokens import SharedTokenCache

__all__ = [
    "Backend",
    "BackendUnavailable",
    "Coordination",
    "CoordinationSettings",
    "Guard",
    "SharedConcurrencyLimiter",
    "SharedCooldown",
    "SharedRateLimiter",
    "SharedTokenCache",
    "fleet_identity",
    "fleet_key",
    "open_backend",
    "open_coordination",
    "read_coordination",
]
