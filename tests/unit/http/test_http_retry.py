"""RetryPolicy: an immutable value; increment() returns the next state or gives up."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from txo.http.retry import (
    GiveUpReason,
    RetryExhausted,
    RetryPolicy,
    TransportFailure,
    parse_retry_after,
)

NOW = 1_700_000_000.0


def _inc(policy: RetryPolicy, method: str = "GET", **kw: object) -> RetryPolicy:
    return policy.increment(method, "https://api.example/x", rng=random.Random(0), **kw)  # type: ignore[arg-type]


# --- Retry-After -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", 120.0), (" 7 ", 7.0), ("1.5", 1.5), ("0", 0.0), (None, None), ("", None)],
)
def test_parse_retry_after_delta_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_parse_retry_after_http_date_is_relative_to_now() -> None:
    when = datetime.fromtimestamp(NOW + 42, tz=UTC)
    assert parse_retry_after(format_datetime(when, usegmt=True), NOW) == pytest.approx(42.0)


def test_parse_retry_after_date_in_the_past_means_now() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", NOW) == 0.0


@pytest.mark.parametrize("garbage", ["soon", "-5", "nan", "inf", "Wed, 99 Foo 2015", "1e999"])
def test_parse_retry_after_ignores_invalid_values(garbage: str) -> None:
    assert parse_retry_after(garbage, NOW) is None


def test_parse_retry_after_is_also_a_static_method() -> None:
    assert RetryPolicy.parse_retry_after("3", NOW) == 3.0


# --- which outcomes are retried ----------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
def test_429_and_connect_failures_are_retried_for_every_method(method: str) -> None:
    policy = RetryPolicy()
    assert policy.is_retryable(method, status=429)
    assert policy.is_retryable(method, failure=TransportFailure.CONNECT)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_only_for_idempotent_methods(status: int) -> None:
    policy = RetryPolicy()
    assert policy.is_retryable("GET", status=status)
    assert policy.is_retryable("put", status=status)
    assert not policy.is_retryable("POST", status=status)
    assert not policy.is_retryable("PATCH", status=status)


def test_read_timeouts_only_for_idempotent_methods_unless_opted_in() -> None:
    assert RetryPolicy().is_retryable("GET", failure=TransportFailure.TIMEOUT)
    assert not RetryPolicy().is_retryable("POST", failure=TransportFailure.TIMEOUT)
    opted = RetryPolicy(retry_non_idempotent=True)
    assert opted.is_retryable("POST", failure=TransportFailure.TIMEOUT)
    assert opted.is_retryable("POST", status=503)


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422, 501])
def test_other_statuses_are_not_retried(status: int) -> None:
    with pytest.raises(RetryExhausted) as info:
        _inc(RetryPolicy(), status=status)
    assert info.value.reason is GiveUpReason.NOT_RETRYABLE


def test_not_idempotent_reason_names_the_method() -> None:
    with pytest.raises(RetryExhausted) as info:
        _inc(RetryPolicy(), "POST", status=503)
    assert "POST is not idempotent" in info.value.describe("POST")


# --- increment: state, delays, giving up ----------------------------------------------


def test_increment_returns_a_new_state_and_leaves_the_template_alone() -> None:
    template = RetryPolicy(max_attempts=3)
    second = _inc(template, status=503)
    assert template.attempt == 1 and template.history == ()
    assert second.attempt == 2
    assert second.history[-1].status == 503
    assert second.last_delay == second.history[-1].delay > 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        second.attempt = 9  # type: ignore[misc]


def test_attempts_are_total_attempts() -> None:
    policy = RetryPolicy(max_attempts=3)
    policy = _inc(_inc(policy, status=503), status=503)
    assert policy.attempt == 3
    with pytest.raises(RetryExhausted) as info:
        _inc(policy, status=503)
    assert info.value.reason is GiveUpReason.ATTEMPTS
    assert "gave up after 3 attempt(s)" in info.value.describe("GET")


def test_retry_after_is_used_instead_of_backoff() -> None:
    assert _inc(RetryPolicy(), status=429, retry_after=17.0).last_delay == 17.0


def test_retry_after_beyond_the_maximum_fails_fast() -> None:
    with pytest.raises(RetryExhausted) as info:
        _inc(RetryPolicy(retry_after_max=60), status=429, retry_after=3600.0)
    assert info.value.reason is GiveUpReason.RETRY_AFTER_TOO_LONG
    assert info.value.retry_after == 3600.0
    assert "3600s, more than the allowed 60s" in info.value.describe("GET")


def test_a_retry_that_would_pass_the_deadline_gives_up() -> None:
    policy = RetryPolicy(total_deadline=30.0)
    assert _inc(policy, status=503, retry_after=10.0, elapsed=19.0).last_delay == 10.0
    with pytest.raises(RetryExhausted) as info:
        _inc(policy, status=503, retry_after=10.0, elapsed=21.0)
    assert info.value.reason is GiveUpReason.DEADLINE
    assert "total deadline of 30s" in info.value.describe("GET")


def test_backoff_sequence_with_a_seeded_rng_is_reproducible() -> None:
    policy = RetryPolicy(backoff_factor=1.0, backoff_base=3.0, backoff_max=20.0)
    assert [policy.backoff_for(n) for n in range(1, 6)] == [1.0, 3.0, 9.0, 20.0, 20.0]
    first = [policy.delay_for(n, random.Random(7)) for n in range(1, 6)]
    again = [policy.delay_for(n, random.Random(7)) for n in range(1, 6)]
    assert first == again


def test_no_jitter_when_factors_are_one() -> None:
    policy = RetryPolicy(jitter_min=1.0, jitter_max=1.0, backoff_base=2.0, backoff_factor=0.5)
    assert [policy.delay_for(n, random.Random()) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]


def test_huge_attempt_numbers_cap_instead_of_overflowing() -> None:
    assert RetryPolicy(backoff_max=60.0).backoff_for(10_000) == 60.0


@pytest.mark.parametrize(
    "bad",
    [
        {"max_attempts": 0},
        {"backoff_base": 0.5},
        {"jitter_min": 1.3, "jitter_max": 1.2},
        {"jitter_min": 0.0},
        {"total_deadline": 0},
        {"retry_after_max": -1},
    ],
)
def test_invalid_settings_are_rejected(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="RetryPolicy"):
        RetryPolicy(**bad)  # type: ignore[arg-type]


def test_reset_gives_a_fresh_state_with_the_same_settings() -> None:
    used = _inc(RetryPolicy(max_attempts=4), status=503)
    assert used.reset() == RetryPolicy(max_attempts=4)
    assert used.reset().history == ()


# --- properties -------------------------------------------------------------------------

policies = st.builds(
    RetryPolicy,
    max_attempts=st.integers(1, 12),
    backoff_factor=st.floats(0.01, 10.0),
    backoff_base=st.floats(1.0, 5.0),
    backoff_max=st.floats(0.01, 300.0),
    jitter_min=st.floats(0.1, 1.0),
    jitter_max=st.floats(1.0, 2.0),
    total_deadline=st.none(),
)


@given(policy=policies, attempt=st.integers(1, 200), seed=st.integers(0, 2**32))
def test_delays_stay_within_the_jittered_bounds(
    policy: RetryPolicy, attempt: int, seed: int
) -> None:
    delay = policy.delay_for(attempt, random.Random(seed))
    low = min(policy.backoff_factor, policy.backoff_max) * policy.jitter_min
    high = policy.backoff_max * policy.jitter_max
    assert low * (1 - 1e-9) <= delay <= high * (1 + 1e-9)


@given(policy=policies, attempt=st.integers(1, 200))
def test_backoff_before_jitter_is_monotone(policy: RetryPolicy, attempt: int) -> None:
    assert policy.backoff_for(attempt) <= policy.backoff_for(attempt + 1)


@given(policy=policies, seed=st.integers(0, 2**32))
def test_attempts_are_bounded_by_max_attempts(policy: RetryPolicy, seed: int) -> None:
    rng = random.Random(seed)
    attempts = 1
    with pytest.raises(RetryExhausted):
        for _ in range(100):
            policy = policy.increment("GET", "https://x/", rng=rng, status=503)
            attempts += 1
    assert attempts == policy.max_attempts == policy.attempt
    assert len(policy.history) == policy.max_attempts - 1


# --- the give-up carries what the error needs ----------------------------------------


@pytest.mark.parametrize(
    ("policy", "method", "kw", "reason"),
    [
        (RetryPolicy(), "POST", {"status": 429, "retry_after": 3.0}, GiveUpReason.ATTEMPTS),
        (RetryPolicy(), "GET", {"status": 404, "retry_after": 3.0}, GiveUpReason.NOT_RETRYABLE),
        (RetryPolicy(), "GET", {"status": 429, "retry_after": 999.0}, None),
        (RetryPolicy(total_deadline=2), "GET", {"status": 503, "retry_after": 3.0}, None),
    ],
)
def test_every_give_up_carries_the_refused_outcome_and_its_retry_after(
    policy: RetryPolicy, method: str, kw: dict[str, float], reason: GiveUpReason | None
) -> None:
    if reason is GiveUpReason.ATTEMPTS:
        policy = RetryPolicy(max_attempts=1)
    with pytest.raises(RetryExhausted) as info:
        _inc(policy, method, **kw)
    stop = info.value
    assert (stop.status, stop.failure, stop.retry_after) == (kw["status"], None, kw["retry_after"])
    if reason is not None:
        assert stop.reason is reason


def test_give_up_after_a_transport_failure_names_it() -> None:
    with pytest.raises(RetryExhausted) as info:
        _inc(RetryPolicy(max_attempts=1), failure=TransportFailure.TIMEOUT)
    assert info.value.failure is TransportFailure.TIMEOUT and info.value.status is None
    assert info.value.note("GET") == "gave up after 1 attempt(s)"


def test_an_unrecoverable_transport_failure_is_never_retried() -> None:
    policy = RetryPolicy(retry_non_idempotent=True)
    assert not policy.is_retryable("GET", failure=TransportFailure.UNRECOVERABLE)
    with pytest.raises(RetryExhausted) as info:
        _inc(policy, failure=TransportFailure.UNRECOVERABLE)
    assert info.value.reason is GiveUpReason.NOT_RETRYABLE
    assert info.value.note("GET") == "not retried: retrying cannot help"


@pytest.mark.parametrize(
    ("method", "status", "note"),
    [
        ("GET", 404, None),  # nobody expects a retry: no note
        ("POST", 503, "not retried: POST is not idempotent"),
        ("GET", 503, "gave up after 1 attempt(s)"),
    ],
)
def test_note_says_why_there_was_no_retry_only_where_one_was_expected(
    method: str, status: int, note: str | None
) -> None:
    with pytest.raises(RetryExhausted) as info:
        _inc(RetryPolicy(max_attempts=1), method, status=status)
    assert info.value.note(method) == note


# --- settings: every bound named, every boundary value accepted ----------------------


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"backoff_factor": -0.1}, "backoff_factor"),
        ({"backoff_base": 0.99}, "backoff_base"),
        ({"backoff_max": -1.0}, "backoff_max"),
        ({"jitter_min": 0.0}, "jitter_min"),
        ({"jitter_min": -0.5, "jitter_max": 1.0}, "jitter_min"),
        ({"jitter_min": 1.3, "jitter_max": 1.2}, "jitter_min <= jitter_max"),
        ({"retry_after_max": -0.1}, "retry_after_max"),
        ({"total_deadline": 0.0}, "total_deadline"),
        ({"total_deadline": -5.0}, "total_deadline"),
    ],
)
def test_each_invalid_setting_is_named_with_its_value(bad: dict[str, float], named: str) -> None:
    with pytest.raises(ValueError) as caught:
        RetryPolicy(**bad)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith("RetryPolicy: ") and named in message
    assert repr(next(iter(bad.values()))) in message  # the value is shown


def test_boundary_settings_are_accepted() -> None:
    policy = RetryPolicy(
        max_attempts=1, backoff_factor=0.0, backoff_base=1.0, backoff_max=0.0,
        jitter_min=1.0, jitter_max=1.0, retry_after_max=0.0, total_deadline=None,
    )  # fmt: skip
    assert policy.delay_for(1, random.Random(0)) == 0.0
    assert RetryPolicy(total_deadline=0.001).total_deadline == 0.001


# --- which transport failures are retried, per method --------------------------------


@pytest.mark.parametrize(
    ("failure", "get", "post", "post_opted_in"),
    [
        (TransportFailure.CONNECT, True, True, True),  # the server never saw it
        (TransportFailure.TIMEOUT, True, False, True),  # it may have acted
        (TransportFailure.BROKEN, True, False, True),
        (TransportFailure.UNRECOVERABLE, False, False, False),
    ],
)
def test_transport_failures_by_method(
    failure: TransportFailure, get: bool, post: bool, post_opted_in: bool
) -> None:
    assert RetryPolicy().is_retryable("GET", failure=failure) is get
    assert RetryPolicy().is_retryable("POST", failure=failure) is post
    opted_in = RetryPolicy(retry_non_idempotent=True)
    assert opted_in.is_retryable("POST", failure=failure) is post_opted_in


def test_a_transport_failure_is_recorded_in_the_history() -> None:
    after = _inc(RetryPolicy(), "POST", failure=TransportFailure.CONNECT)
    assert after.attempt == 2
    assert after.history[-1].failure is TransportFailure.CONNECT
    assert after.history[-1].status is None
