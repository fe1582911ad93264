"""v2.1 ``utils.concurrency``: thread-pool helpers with optional progress output.

v3 has no equivalent module (scripts use ``concurrent.futures`` directly),
so these are thin wrappers over ``ThreadPoolExecutor``.  Results keep
v2.1's completion order.  tqdm is used when it is installed; otherwise
progress is logged at every 10%.
"""

from __future__ import annotations

import concurrent.futures
import functools
import importlib
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from txo.compat.runtime import current
from txo.compat.warnings import shim_of

__all__ = [
    "ProcessingResult",
    "ProgressTracker",
    "T",
    "batch_process",
    "parallel_aggregate",
    "parallel_map",
    "rate_limited_parallel",
    "run_parallel",
    "run_parallel_environments",
    "with_timeout",
]

T = TypeVar("T")
R = TypeVar("R")
_log = logging.getLogger("TxoApp")


@shim_of("utils.concurrency.ProcessingResult")
@dataclass
class ProcessingResult(Generic[T]):
    """Successful results, ``(item, exception)`` failures and the elapsed time."""

    successful: list[T] = field(default_factory=list)
    failed: list[tuple[Any, Exception]] = field(default_factory=list)
    total_time: float = 0.0

    @property
    def success_count(self) -> int:
        return len(self.successful)

    @property
    def failure_count(self) -> int:
        return len(self.failed)

    @property
    def total_count(self) -> int:
        return self.success_count + self.failure_count

    @property
    def success_rate(self) -> float:
        """Percentage of successes (0.0 when nothing ran)."""
        return self.success_count / self.total_count * 100 if self.total_count else 0.0


@shim_of("utils.concurrency.ProgressTracker")
class ProgressTracker:
    """A tqdm bar when tqdm is installed, else an INFO line at every 10%."""

    def __init__(self, total: int, desc: str = "Processing", show_progress: bool = True) -> None:
        self.total = total
        self.desc = desc
        self.show_progress = show_progress
        self.completed = 0
        self._lock = threading.Lock()
        self._pbar: Any = _tqdm_bar(total, desc) if show_progress else None

    def update(self, n: int = 1) -> None:
        with self._lock:
            self.completed += n
            if self._pbar is not None:
                self._pbar.update(n)
            elif self.show_progress and self.completed % max(1, self.total // 10) == 0:
                pct = self.completed / self.total * 100 if self.total else 100.0
                _log.info("%s: %.0f%% (%d/%d)", self.desc, pct, self.completed, self.total)

    def close(self) -> None:
        if self._pbar is not None:
            self._pbar.close()

    def __enter__(self) -> ProgressTracker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _tqdm_bar(total: int, desc: str) -> Any:
    try:
        tqdm = importlib.import_module("tqdm").tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc=desc, unit="items", dynamic_ncols=True)


def _elapsed_since(start: float) -> float:
    return current().clock.monotonic() - start


@shim_of("utils.concurrency.run_parallel_environments")
def run_parallel_environments(
    environments: Sequence[Any],
    process_func: Callable[[Any], bool],
    show_progress: bool = False,
    max_workers: int | None = None,
) -> bool:
    """True when every environment's ``process_func`` returned truthy without raising."""
    if not environments:
        _log.warning("No environments to process")
        return True
    start, all_ok = current().clock.monotonic(), True
    tracker = ProgressTracker(len(environments), "Processing environments", show_progress)
    with tracker, concurrent.futures.ThreadPoolExecutor(max_workers=max_workers) as pool:
        futures = {pool.submit(process_func, env): _env_label(env) for env in environments}
        for future in concurrent.futures.as_completed(futures):
            try:
                all_ok = bool(future.result()) and all_ok
            except Exception as exc:
                _log.error(
                    "Error processing environment %s: %s", futures[future], exc, exc_info=True
                )
                all_ok = False
            finally:
                tracker.update()
    _log.info(
        "Processed %d environments in %.2fs (success: %s)",
        len(environments), _elapsed_since(start), all_ok,
    )  # fmt: skip
    return all_ok


def _env_label(env: Any) -> Any:
    return env["id_env"] if isinstance(env, dict) and "id_env" in env else "unknown"


@shim_of("utils.concurrency.parallel_map")
def parallel_map(
    func: Callable[[Any], T],
    items: Sequence[Any],
    show_progress: bool = True,
    max_workers: int | None = None,
    timeout: float | None = None,
    return_exceptions: bool = False,
) -> ProcessingResult[T]:
    """Apply ``func`` to each item in threads; results in completion order."""
    result: ProcessingResult[T] = ProcessingResult()
    if not items:
        return result
    start = current().clock.monotonic()
    tracker = ProgressTracker(len(items), f"Processing {len(items)} items", show_progress)
    with tracker, concurrent.futures.ThreadPoolExecutor(max_workers=max_workers) as pool:
        futures = {pool.submit(func, item): item for item in items}
        for future in concurrent.futures.as_completed(futures, timeout=timeout):
            try:
                result.successful.append(future.result())
            except Exception as exc:
                _log.debug("Error processing item %s: %s", futures[future], exc)
                if return_exceptions:
                    result.successful.append(exc)  # type: ignore[arg-type]  # v2.1 semantics
                else:
                    result.failed.append((futures[future], exc))
            finally:
                tracker.update()
    result.total_time = _elapsed_since(start)
    _log.info(
        "Parallel map completed: %d successful, %d failed, %.2fs total",
        result.success_count, result.failure_count, result.total_time,
    )  # fmt: skip
    return result


@shim_of("utils.concurrency.batch_process")
def batch_process(
    func: Callable[[list[Any]], list[T]],
    items: Sequence[Any],
    batch_size: int = 100,
    show_progress: bool = True,
    max_workers: int | None = None,
) -> ProcessingResult[T]:
    """``func`` gets list slices of ``batch_size``; a failed batch is ``("batch_<i>", exc)``."""
    result: ProcessingResult[T] = ProcessingResult()
    if not items:
        return result
    batches = [list(items[i : i + batch_size]) for i in range(0, len(items), batch_size)]
    start = current().clock.monotonic()
    desc = f"Processing {len(batches)} batches ({len(items)} items)"
    tracker = ProgressTracker(len(batches), desc, show_progress)
    with tracker, concurrent.futures.ThreadPoolExecutor(max_workers=max_workers) as pool:
        futures = {pool.submit(func, batch): i for i, batch in enumerate(batches)}
        for future in concurrent.futures.as_completed(futures):
            try:
                result.successful.extend(future.result())
            except Exception as exc:
                _log.error("Error processing batch %d: %s", futures[future], exc)
                result.failed.append((f"batch_{futures[future]}", exc))
            finally:
                tracker.update()
    result.total_time = _elapsed_since(start)
    return result


@shim_of("utils.concurrency.rate_limited_parallel")
def rate_limited_parallel(
    func: Callable[[Any], T],
    items: Sequence[Any],
    calls_per_second: float = 10,
    show_progress: bool = True,
    max_workers: int | None = None,
) -> ProcessingResult[T]:
    """``parallel_map`` with one shared rate limiter in front of every call."""
    if not items:
        return ProcessingResult()
    from txo.compat.v21._impl.api_common import RateLimiter

    limiter = RateLimiter(calls_per_second=calls_per_second)

    def limited(item: Any) -> T:
        limiter.wait_if_needed()
        return func(item)

    return parallel_map(limited, items, show_progress=show_progress, max_workers=max_workers)


@shim_of("utils.concurrency.parallel_aggregate")
def parallel_aggregate(
    func: Callable[[Any], dict[str, Any]],
    items: Sequence[Any],
    show_progress: bool = True,
    max_workers: int | None = None,
) -> dict[str, list[Any]]:
    """Merge each item's dict into lists per key; failed items are dropped."""
    if not items:
        return {}
    merged: defaultdict[str, list[Any]] = defaultdict(list)
    lock = threading.Lock()

    def collect(item: Any) -> dict[str, Any]:
        found = func(item)
        with lock:
            for key, value in found.items():
                merged[key].append(value)
        return found

    parallel_map(collect, items, show_progress=show_progress, max_workers=max_workers)
    return dict(merged)


@shim_of("utils.concurrency.with_timeout")
def with_timeout(timeout_seconds: float) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Decorator: TimeoutError when the call takes longer (raised once the worker ends)."""

    def decorator(func: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> R:
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                future = pool.submit(func, *args, **kwargs)
                try:
                    return future.result(timeout=timeout_seconds)
                except concurrent.futures.TimeoutError:
                    _log.error("Function %s timed out after %ss", func.__name__, timeout_seconds)
                    raise TimeoutError(f"Function timed out after {timeout_seconds}s") from None

        return wrapper

    return decorator


@shim_of("utils.concurrency.run_parallel")
def run_parallel(
    items: Sequence[Any], func: Callable[[Any], Any], **kwargs: Any
) -> ProcessingResult[Any]:
    """v2.1's own deprecated alias: ``parallel_map(func, items, **kwargs)``."""
    _log.debug("run_parallel is deprecated. Use parallel_map() instead.")
    return parallel_map(func, items, **kwargs)
