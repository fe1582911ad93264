"""202 polling: which monitor answers end the wait, the redirect budget, the last poll at the
deadline, and what the errors and the warning tell the user.

``wait_for_completion`` is driven directly with a scripted monitor and a FakeClock.
"""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Iterable

import httpx
import pytest

from txo.errors import ApiOperationError, ApiTimeoutError
from txo.http.polling import MAX_REDIRECTS, wait_for_completion
from txo.testing.clock import FakeClock

ORIGIN = "https://api.example.com"
ACCEPTED_URL = f"{ORIGIN}/v2.0/items(1)?secret=1"


def accepted(headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request("PATCH", ACCEPTED_URL)
    shown = {"Location": "/ops/1"} if headers is None else headers
    return httpx.Response(202, headers=shown, request=request)


class Monitor:
    """Answers polls from a script of (status, headers); records the URLs polled."""

    def __init__(self, answers: Iterable[tuple[int, dict[str, str]]]) -> None:
        self.answers = list(answers)
        self.polled: list[str] = []

    def __call__(self, url: httpx.URL) -> httpx.Response:
        self.polled.append(str(url))
        status, headers = self.answers.pop(0)
        return httpx.Response(status, headers=headers, request=httpx.Request("GET", url))


def run(
    monitor: Monitor, clock: FakeClock, *, interval: float = 1.0, max_wait: float = 60.0
) -> int:
    response = wait_for_completion(
        accepted(), monitor, clock=clock, interval=interval, max_wait=max_wait
    )
    return response.status_code


def test_a_201_with_a_location_is_the_result_not_a_redirect() -> None:
    monitor = Monitor([(201, {"Location": "/items(2)"})])
    assert run(monitor, FakeClock()) == 201
    assert monitor.polled == [f"{ORIGIN}/ops/1"]


@pytest.mark.parametrize("status", [300, 303, 307])
def test_a_3xx_with_a_location_is_followed_at_once(status: int) -> None:
    clock = FakeClock()
    monitor = Monitor([(status, {"Location": "/result/1"}), (200, {})])
    assert run(monitor, clock) == 200
    assert monitor.polled == [f"{ORIGIN}/ops/1", f"{ORIGIN}/result/1"]
    assert clock.sleeps == [1.0]  # only before the first poll


def test_a_3xx_without_a_location_is_the_final_answer() -> None:
    assert run(Monitor([(304, {})]), FakeClock()) == 304


def test_up_to_max_redirects_in_a_row_are_followed_and_one_more_is_an_error() -> None:
    hop = (303, {"Location": "/next"})
    assert run(Monitor([hop] * MAX_REDIRECTS + [(200, {})]), FakeClock()) == 200
    with pytest.raises(ApiOperationError) as caught:
        run(Monitor([hop] * (MAX_REDIRECTS + 1)), FakeClock())
    error = caught.value
    assert f"redirected more than {MAX_REDIRECTS} times in a row" in error.message
    assert error.context.details == {"monitor": f"{ORIGIN}/next", "polls": MAX_REDIRECTS + 1}


def test_a_202_in_between_starts_the_redirect_count_again() -> None:
    hop = (303, {"Location": "/next"})
    script = [hop] * MAX_REDIRECTS + [(202, {})] + [hop] * MAX_REDIRECTS + [(200, {})]
    assert run(Monitor(script), FakeClock()) == 200


def test_the_last_poll_happens_at_the_deadline_even_if_the_wait_is_cut_short() -> None:
    clock = FakeClock()
    monitor = Monitor([(202, {}), (200, {})])
    assert run(monitor, clock, interval=2.0, max_wait=2.5) == 200
    assert clock.sleeps == [2.0, 0.5]


def test_an_http_date_retry_after_is_read_against_the_clock() -> None:
    clock = FakeClock()
    when = email.utils.formatdate(clock.time() + 30, usegmt=True)
    monitor = Monitor([(202, {"Retry-After": when}), (200, {})])
    assert run(monitor, clock, interval=1.0) == 200
    assert clock.sleeps == [1.0, pytest.approx(30.0, abs=1.0)]


def test_the_timeout_error_says_what_was_running_where_and_for_how_long() -> None:
    clock = FakeClock()
    with pytest.raises(ApiTimeoutError) as caught:
        run(Monitor([(202, {})] * 5), clock, interval=2.0, max_wait=3.0)
    error = caught.value
    assert error.context.operation == "PATCH (202 Accepted, long-running operation)"
    assert error.context.resource == f"{ORIGIN}/v2.0/items(1)"
    assert error.context.details == {
        "monitor": f"{ORIGIN}/ops/1",
        "polls": 2,
        "elapsed_seconds": 3.0,
        "max_wait": 3.0,
    }


def test_the_elapsed_time_is_kept_to_the_millisecond() -> None:
    clock = FakeClock(start=0.0)  # elapsed is then exactly the clock's reading
    with pytest.raises(ApiTimeoutError) as caught:
        run(Monitor([(202, {})] * 5), clock, interval=1.2345, max_wait=1.2345)
    details = caught.value.context.details
    assert details is not None and details["elapsed_seconds"] == round(1.2345, 3)


def test_a_202_without_location_is_returned_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="txo.http.polling"):
        response = wait_for_completion(
            accepted({}), Monitor([]), clock=FakeClock(), interval=1.0, max_wait=5.0
        )
    assert response.status_code == 202
    assert caplog.messages == [
        f"PATCH {ORIGIN}/v2.0/items(1) returned 202 Accepted without a Location header; "
        "returning the 202 body"
    ]


class Budget(Monitor):
    """A monitor that fails the test instead of being polled more than ``limit`` times."""

    def __init__(self, limit: int) -> None:
        super().__init__([(202, {})] * limit)
        self.limit = limit

    def __call__(self, url: httpx.URL) -> httpx.Response:
        assert len(self.polled) < self.limit, f"polled more than {self.limit} times"
        return super().__call__(url)


@pytest.mark.parametrize(("interval", "max_wait"), [(1.23456, 1.23456), (0.7, 2.1), (0.1, 0.3)])
def test_polling_stops_at_the_deadline_whatever_the_rounding(
    interval: float, max_wait: float
) -> None:
    """Seconds that do not add up exactly in binary (1000 + 1.23456 - 1000 != 1.23456) must not
    leave a sliver before the deadline that is slept and polled again and again: sleeping
    1e-14 s does not move a clock reading of 1001.23, so that loop never ended."""
    clock = FakeClock()
    monitor = Budget(limit=round(max_wait / interval) + 2)
    with pytest.raises(ApiTimeoutError):
        run(monitor, clock, interval=interval, max_wait=max_wait)
    assert clock.monotonic() - 1000.0 == pytest.approx(max_wait)
