"""The per-response trace line: opt-in on ``txo.http.requests``, never inherited.

A migrated script's logging config sets the root logger to DEBUG with a
DEBUG rotating file; a record per request through it was the pipeline's
largest cost, so only an explicit level on ``txo.http.requests`` turns the
trace on.  Retries are logged at WARNING whatever that level.
"""

from __future__ import annotations

import logging

import httpx
import pytest

from txo.http import RestClient, RetryPolicy
from txo.testing import FakeClock

BASE = "https://api.example.com/v2.0"


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"value": []})


def trace_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "txo.http.requests"]


def test_inherited_debug_does_not_log_every_request(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # root at DEBUG, as a v2.1 logging config has it
    with RestClient(BASE, transport=httpx.MockTransport(ok)) as client:
        client.get("companies", params={"$filter": "secret eq 'x'"})
    assert not any("-> 200" in r.getMessage() for r in caplog.records)


def test_explicit_debug_on_the_request_logger_traces_each_response(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="txo.http.requests")
    with RestClient(BASE, transport=httpx.MockTransport(ok)) as client:
        client.get("companies", params={"$filter": "secret eq 'x'"})
        client.get("items")
    assert trace_lines(caplog) == [
        "GET https://api.example.com/v2.0/companies -> 200",  # never the query string
        "GET https://api.example.com/v2.0/items -> 200",
    ]


def test_retries_are_logged_whatever_the_request_logger_level(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    replies = iter([httpx.Response(503), httpx.Response(200, json={})])
    transport = httpx.MockTransport(lambda request: next(replies))
    policy = RetryPolicy(max_attempts=2, jitter_min=1.0, jitter_max=1.0)
    with RestClient(BASE, transport=transport, retry=policy, clock=FakeClock()) as client:
        client.get("companies")
    warnings = [r.getMessage() for r in caplog.records if r.name == "txo.http.client"]
    assert len(warnings) == 1 and "HTTP 503; retrying in 1.0s" in warnings[0]
