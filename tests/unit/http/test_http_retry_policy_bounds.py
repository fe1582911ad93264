"""RetryPolicy at its bounds: what is still allowed exactly at a limit, what each refusal says,
and what the history records."""

from __future__ import annotations

import random

import pytest

from txo.http.retry import GiveUpReason, RetryEvent, RetryExhausted, RetryPolicy

URL = "https://api.example.com/items"


def give_up(policy: RetryPolicy, method: str, **outcome: object) -> RetryExhausted:
    with pytest.raises(RetryExhausted) as caught:
        policy.increment(method, URL, rng=random.Random(0), **outcome)  # type: ignore[arg-type]
    return caught.value


def test_a_retry_after_exactly_at_the_maximum_is_still_waited_for() -> None:
    policy = RetryPolicy(retry_after_max=30.0).increment(
        "GET", URL, rng=random.Random(0), status=429, retry_after=30.0
    )
    assert policy.last_delay == 30.0
    stop = give_up(RetryPolicy(retry_after_max=30.0), "GET", status=429, retry_after=30.5)
    assert stop.reason is GiveUpReason.RETRY_AFTER_TOO_LONG


def test_a_retry_ending_exactly_at_the_total_deadline_is_still_made() -> None:
    policy = RetryPolicy(total_deadline=10.0, backoff_factor=2.0, jitter_min=1.0, jitter_max=1.0)
    assert policy.increment("GET", URL, rng=random.Random(0), status=503, elapsed=8.0).attempt == 2
    stop = give_up(policy, "GET", status=503, elapsed=8.5)
    assert stop.reason is GiveUpReason.DEADLINE and stop.delay == 2.0


def test_without_elapsed_time_the_whole_deadline_is_available() -> None:
    policy = RetryPolicy(total_deadline=1.0, backoff_factor=1.0, jitter_min=1.0, jitter_max=1.0)
    assert policy.increment("GET", URL, rng=random.Random(0), status=503).last_delay == 1.0


def test_the_history_records_the_outcome_as_it_was_retried() -> None:
    policy = RetryPolicy().increment("get", URL, rng=random.Random(0), status=429, retry_after=2.0)
    assert policy.history == (RetryEvent("GET", URL, 429, None, 2.0, 2.0),)


def test_the_exception_text_is_the_reason() -> None:
    stop = give_up(RetryPolicy(max_attempts=1), "GET", status=503)
    assert str(stop) == "attempts exhausted"


@pytest.mark.parametrize(
    ("method", "opted_in", "said"),
    [
        ("GET", False, "not retried"),
        ("post", False, "not retried: POST is not idempotent"),
        ("POST", True, "not retried"),
    ],
)
def test_a_refusal_says_whether_the_method_was_the_reason(
    method: str, opted_in: bool, said: str
) -> None:
    policy = RetryPolicy(retry_non_idempotent=opted_in)
    assert RetryExhausted(GiveUpReason.NOT_RETRYABLE, policy).describe(method) == said


def test_a_refused_post_503_explains_itself_in_the_note() -> None:
    stop = give_up(RetryPolicy(), "POST", status=503)
    assert stop.note("POST") == "not retried: POST is not idempotent"
