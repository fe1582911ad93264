"""A response trickling in is cut at the total deadline, not a moment earlier; a request that
never got an answer reports how many attempts were made."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from txo.errors import ApiOperationError, ApiTimeoutError
from txo.http.client import RestClient
from txo.http.retry import RetryPolicy
from txo.testing.clock import FakeClock

URL = "https://api.example.com/items"


class Trickle(httpx.SyncByteStream):
    """A body arriving in chunks, each ``every`` seconds after the previous one."""

    def __init__(self, clock: FakeClock, chunks: int, every: float) -> None:
        self.clock, self.chunks, self.every = clock, chunks, every

    def __iter__(self) -> Iterator[bytes]:
        yield b"["
        for n in range(self.chunks):
            self.clock.advance(self.every)
            yield (b"," if n else b"") + b"1"
        yield b"]"


def trickling_client(clock: FakeClock, chunks: int, every: float) -> RestClient:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Trickle(clock, chunks, every))

    policy = RetryPolicy(max_attempts=1, total_deadline=12.0)
    return RestClient(transport=httpx.MockTransport(handler), clock=clock, retry=policy)


def test_a_body_complete_exactly_at_the_deadline_is_accepted() -> None:
    clock = FakeClock()
    with trickling_client(clock, chunks=3, every=4.0) as client:
        assert client.get(URL) == [1, 1, 1]


def test_a_body_still_arriving_after_the_deadline_is_cut_off() -> None:
    clock = FakeClock()
    with (
        trickling_client(clock, chunks=4, every=4.0) as client,
        pytest.raises(ApiTimeoutError) as caught,
    ):
        client.get(URL)
    assert "the response was still arriving at the total deadline" in caught.value.message


def test_a_request_that_never_got_an_answer_reports_its_attempts() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    policy = RetryPolicy(max_attempts=3, jitter_min=1.0, jitter_max=1.0)
    client = RestClient(transport=httpx.MockTransport(refuse), clock=FakeClock(), retry=policy)
    with client, pytest.raises(ApiOperationError) as caught:
        client.get(URL)
    details = caught.value.context.details
    assert details is not None and details["attempts"] == 3
    assert "gave up after 3 attempt(s)" in caught.value.message
