"""Legacy corpus 07: rate limiter, circuit breaker, retries and metrics.

The harness makes the next two API calls fail with 503; the config enables
the rate limiter (5/s) and a breaker that opens after two failures.
"""

import sys

from utils.api_common import APIMetrics, CircuitBreaker, RateLimiter, apply_jitter, manual_retry
from utils.api_factory import create_rest_api
from utils.exceptions import ApiOperationError, HelpfulError
from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.path_helpers import Dir
from utils.rate_limit_manager import RateLimitManager
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()


def main():
    config = parse_args_and_load_config("Resilience", require_token=True)
    api = create_rest_api(config)
    url = f"{config['global']['api-base-url']}/companies"
    metrics = APIMetrics()
    outcomes = []
    for attempt in range(3):
        metrics.start_operation(f"call-{attempt}")
        try:
            api.get(url)
            outcomes.append("ok")
            metrics.end_operation(f"call-{attempt}", success=True)
        except ApiOperationError as e:
            outcomes.append(str(e).split(":")[0])
            metrics.end_operation(f"call-{attempt}", success=False)
    breaker_open = api.circuit_breaker.is_open()
    api.circuit_breaker.reset()
    after_reset = api.get(url)["value"][0]["name"]

    limiter = RateLimiter(calls_per_second=100, burst_size=2)
    for _ in range(5):
        limiter.wait_if_needed()
    breaker = CircuitBreaker(failure_threshold=2, timeout=60)
    breaker.record_failure()
    first = breaker.is_open()
    breaker.record_failure()
    manager = RateLimitManager(default_cps=20)
    manager.configure_endpoint("127.0.0.1", calls_per_second=50, shared_pool="bc")
    pool_limiter = manager.get_limiter(url)
    manager.update_from_headers(url, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99"})
    calls = []
    flaky = manual_retry(lambda: calls.append(1) or (len(calls) > 1 or 1 / 0), max_retries=3)
    result = {
        "outcomes": outcomes,
        "breaker_open_after_failures": breaker_open,
        "after_reset": after_reset,
        "standalone_breaker": [first, breaker.is_open()],
        "pool_rate": pool_limiter.rate,
        "manual_retry_calls": len(calls),
        "manual_retry_result": flaky,
        "jitter_in_range": 0.8 <= apply_jitter(1.0) <= 1.2,
        "metrics": str(metrics).split(", Avg")[0],
    }
    TxoDataHandler().save(result, Dir.OUTPUT, "resilience.json")


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
