"""The distributed backend: a Redis server that processes on many machines share.

Every read-modify-write is one Lua script, which Redis runs atomically, so
there is no client-side locking and no round trip inside a critical section.
Times come from the callers' clocks (NTP-synchronised machines agree to a
few milliseconds, far below any budget window), which keeps the logic
testable with a fake clock; every key also gets a Redis TTL so abandoned
state disappears by itself.  The client uses short socket timeouts and no
retries: a server that is gone makes a call fail within about a second, and
the caller degrades to in-process behaviour.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from txo.fleet.backend import BackendUnavailable

if TYPE_CHECKING:
    import redis

__all__ = ["RedisBackend"]

_T = TypeVar("_T")
_LINGER = 60.0  # seconds state outlives its meaning, so late readers still see it

_RESERVE = """
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 't', 's')
local tokens, stamp = tonumber(state[1]), tonumber(state[2])
if tokens == nil then tokens, stamp = burst, now end
if now > stamp then tokens, stamp = math.min(burst, tokens + (now - stamp) * rate), now end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 's', string.format('%.17g', stamp))
redis.call('PEXPIRE', KEYS[1], math.ceil(((burst - tokens) / rate + tonumber(ARGV[4])) * 1000))
if tokens >= 0 then return '0' end
return string.format('%.17g', -tokens / rate)
"""

_PAUSE = """
local deadline = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[1]))
redis.call('SET', KEYS[1], string.format('%.17g', deadline), 'PX', ARGV[2])
return string.format('%.17g', deadline)
"""

_LEASE = """
local leases, queue, due, seq = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, limit, holder = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', due, '-inf', now)) do
  redis.call('ZREM', queue, gone)
end
redis.call('ZREMRANGEBYSCORE', due, '-inf', now)
if not redis.call('ZSCORE', queue, holder) then
  redis.call('ZADD', queue, redis.call('INCR', seq), holder)
end
redis.call('ZADD', due, ARGV[5], holder)
local granted = redis.call('ZCARD', leases) + redis.call('ZRANK', queue, holder) < limit
if granted then
  redis.call('ZREM', queue, holder)
  redis.call('ZREM', due, holder)
  redis.call('ZADD', leases, ARGV[3], holder)
end
for _, name in ipairs(KEYS) do redis.call('PEXPIRE', name, ARGV[6]) end
if granted then return 1 end
return 0
"""

_RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 0
"""

_LOCK = """
local held = redis.call('HMGET', KEYS[1], 'h', 'e')
if held[1] and held[1] ~= ARGV[1] and tonumber(held[2]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'e', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
"""

_UNLOCK = """
if redis.call('HGET', KEYS[1], 'h') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"""

_DELETE_IF = """
if redis.call('HGET', KEYS[1], 'b') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisBackend:
    """A :class:`~txo.fleet.backend.Backend` on Redis (the official ``redis`` client)."""

    name = "redis"

    def __init__(
        self, url: str, *, timeout: float = 1.0, prefix: str = "txo:fleet:", client: Any = None
    ) -> None:
        self.url = url
        self.prefix = prefix
        self._redis: redis.Redis = client if client is not None else _client(url, timeout)
        self._scripts = {
            name: self._redis.register_script(source)
            for name, source in (
                ("reserve", _RESERVE),
                ("pause", _PAUSE),
                ("lease", _LEASE),
                ("release", _RELEASE),
                ("lock", _LOCK),
                ("unlock", _UNLOCK),
                ("delete_if", _DELETE_IF),
            )
        }

    def __repr__(self) -> str:
        return f"RedisBackend({_without_password(self.url)!r})"

    def reserve(self, key: str, rate: float, burst: float, now: float) -> float:
        args = [repr(rate), repr(burst), repr(now), repr(_LINGER)]
        return float(self._run("reserve", "bucket", key, args))

    def pause(self, key: str, until: float, now: float) -> float:
        ttl_ms = _ms(max(until - now, 0.0) + _LINGER)
        return float(self._run("pause", "cooldown", key, [repr(until), str(ttl_ms)]))

    def paused_until(self, key: str) -> float:
        value = self._call(lambda: self._redis.get(self._key("cooldown", key)))
        return 0.0 if value is None else float(value)

    def acquire_lease(
        self, key: str, holder: str, limit: int, now: float, ttl: float, queue_ttl: float = 1.0
    ) -> bool:
        keys = self._lease_keys(key)
        linger = str(_ms(max(ttl, queue_ttl) + _LINGER))
        args = [repr(now), str(limit), repr(now + ttl), holder, repr(now + queue_ttl), linger]
        return bool(self._call(lambda: self._scripts["lease"](keys=keys, args=args)))

    def release_lease(self, key: str, holder: str) -> None:
        keys = self._lease_keys(key)[:3]
        self._call(lambda: self._scripts["release"](keys=keys, args=[holder]))

    def try_lock(self, key: str, holder: str, now: float, ttl: float) -> bool:
        args = [holder, repr(now), repr(now + ttl), str(_ms(ttl + _LINGER))]
        return bool(self._run("lock", "lock", key, args))

    def unlock(self, key: str, holder: str) -> None:
        self._run("unlock", "lock", key, [holder])

    def get_secret(self, key: str, now: float) -> bytes | None:
        blob, expires = self._call(lambda: self._redis.hmget(self._key("secret", key), "b", "e"))
        if not isinstance(blob, bytes) or expires is None or float(expires) <= now:
            return None
        return blob

    def put_secret(self, key: str, blob: bytes, expires_at: float, now: float) -> None:
        name = self._key("secret", key)

        def store() -> None:
            pipe = self._redis.pipeline(transaction=True)
            pipe.hset(name, mapping={"b": blob, "e": repr(expires_at)})
            pipe.pexpire(name, _ms(max(expires_at - now, 0.001)))
            pipe.execute()

        self._call(store)

    def delete_secret(self, key: str, blob: bytes | None = None) -> None:
        if blob is None:
            self._call(lambda: self._redis.delete(self._key("secret", key)))
        else:
            self._run("delete_if", "secret", key, [blob])

    def close(self) -> None:
        self._call(self._redis.close)

    # --- plumbing -------------------------------------------------------------------

    def _key(self, kind: str, key: str) -> str:
        """``{key}`` is a hash tag: all of one key's state lives on one cluster slot."""
        return f"{self.prefix}{kind}:{{{key}}}"

    def _lease_keys(self, key: str) -> list[str]:
        return [self._key(kind, key) for kind in ("lease", "queue", "queue-due", "queue-seq")]

    def _run(self, script: str, kind: str, key: str, args: list[Any]) -> Any:
        return self._call(lambda: self._scripts[script](keys=[self._key(kind, key)], args=args))

    def _call(self, run: Callable[[], _T]) -> _T:
        import redis

        try:
            return run()
        except (redis.RedisError, OSError) as exc:
            where = _without_password(self.url)
            raise BackendUnavailable(f"Redis at {where}: {type(exc).__name__}: {exc}") from exc


def _client(url: str, timeout: float) -> redis.Redis:
    try:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry
    except ImportError as exc:
        raise BackendUnavailable(
            "the 'redis' package is not installed (pip install 'txo[redis]')"
        ) from exc
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )


def _ms(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    return f"{scheme}://***@{rest.rpartition('@')[2]}"
