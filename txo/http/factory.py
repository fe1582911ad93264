"""Build a :class:`RestClient` from the v2.1-shaped ``script-behavior`` configuration.

``create_rest_api(config, …)`` reads every setting with hard-fail access
(a missing key raises :class:`~txo.errors.MissingConfigError` naming the full
path), builds the retry policy, rate limiter, circuit breakers and the token
provider, and returns a ready client.  Everything stateful — session pool,
token cache, clock, randomness, transport — can be injected; nothing is
cached at module level (v2.1's ``_api_cache`` is gone: keep the client you
were given, or share a :class:`SessionPool` and :class:`TokenCache`).

Authentication (``require_auth=True``): a pre-issued ``_az_token`` secret
wins; otherwise OAuth2 client credentials from ``global.tenant-id``,
``global.client-id``, ``global.oauth-scope`` and the ``client-secret``
secret (injected as ``_client_secret``), optionally ``global.oauth-authority``.
Token requests go through the same resilient stack (retries, cool-down,
breakers, pool, transport) as API calls.

``script-behavior.retry-strategy.total-deadline-seconds`` (optional, default
600) bounds one call, retries and waits included: an attempt still running
at the deadline (e.g. a response trickling in) ends with ApiTimeoutError.
"""

from __future__ import annotations

import dataclasses
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from txo.clock import Clock, SystemClock
from txo.config import ConfigProxy
from txo.errors import ConfigError
from txo.http.auth import (
    DEFAULT_AUTHORITY,
    ClientCredentialsAuth,
    SecretSink,
    StaticTokenAuth,
    TokenCache,
)
from txo.http.breaker import BreakerRegistry
from txo.http.classify import TextRedactor
from txo.http.client import RestClient
from txo.http.pool import SessionPool
from txo.http.ratelimit import HostCooldown, TokenBucket
from txo.http.retry import RetryPolicy

if TYPE_CHECKING:
    from txo.fleet import Coordination

__all__ = [
    "ApiSettings",
    "acquire_token",
    "build_auth",
    "create_rest_api",
    "default_redactor",
    "read_settings",
]

_SB = "script-behavior"
DEFAULT_TOTAL_DEADLINE = 600.0
_DEADLINE_KEY = ("retry-strategy", "total-deadline-seconds")
_AUTH_EXAMPLE = (
    'config/{org}-{env}-config.json:\n  "global": {"tenant-id": "<tenant GUID>", '
    '"client-id": "<app id>",\n             "oauth-scope": '
    '"https://api.businesscentral.dynamics.com/.default"}\n'
    'config/{org}-{env}-config-secrets.json:\n  {"client-secret": "<secret>"}   '
    '# or {"az-token": "<pre-issued token>"}'
)


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """The ``script-behavior`` settings a RestClient is built from."""

    timeout: float
    async_max_wait: float
    async_poll_interval: float
    max_retries: int
    backoff_factor: float
    jitter_min: float
    jitter_max: float
    rate_limit: tuple[float, float] | None  # (calls per second, burst) when enabled
    breaker: tuple[int, float] | None  # (failure threshold, reset timeout) when enabled
    total_deadline: float = DEFAULT_TOTAL_DEADLINE  # seconds one call may take, retries included

    def retry_policy(self, *, retry_non_idempotent: bool = False) -> RetryPolicy:
        """v2.1 semantics: ``max-retries`` counts attempts; delays 1, f, f², … jittered."""
        return RetryPolicy(
            max_attempts=max(1, self.max_retries),
            backoff_factor=1.0,
            backoff_base=max(1.0, self.backoff_factor),
            jitter_min=self.jitter_min,
            jitter_max=self.jitter_max,
            total_deadline=self.total_deadline,
            retry_non_idempotent=retry_non_idempotent,
        )


def read_settings(config: ConfigProxy) -> ApiSettings:
    """Read ``script-behavior``; missing keys raise MissingConfigError with the full path."""
    num = _number_reader(config)
    return ApiSettings(
        timeout=num("api-timeouts", "rest-timeout-seconds"),
        async_max_wait=num("api-timeouts", "async-max-wait"),
        async_poll_interval=num("api-timeouts", "async-poll-interval"),
        max_retries=int(num("retry-strategy", "max-retries")),
        backoff_factor=num("retry-strategy", "backoff-factor"),
        jitter_min=num("jitter", "min-factor"),
        jitter_max=num("jitter", "max-factor"),
        rate_limit=(
            (num("rate-limiting", "calls-per-second"), num("rate-limiting", "burst-size"))
            if _flag(config, "rate-limiting")
            else None
        ),
        breaker=(
            (
                int(num("circuit-breaker", "failure-threshold")),
                num("circuit-breaker", "timeout-seconds"),
            )
            if _flag(config, "circuit-breaker")
            else None
        ),
        total_deadline=_total_deadline(config),
    )


def create_rest_api(
    config: ConfigProxy,
    *,
    secrets: SecretSink | None = None,
    pool: SessionPool | None = None,
    token_cache: TokenCache | None = None,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    transport: httpx.BaseTransport | None = None,
    require_auth: bool = True,
    logger: logging.Logger | None = None,
    redactor: TextRedactor | None = None,
    coordination: Coordination | None = None,
) -> RestClient:
    """A RestClient configured from ``config`` (see the module docstring).

    ``pool=None`` gives the client a private pool that :meth:`RestClient.close`
    closes; ``token_cache=None`` a private cache.  Relative URLs resolve
    against ``global.api-base-url`` when it is set.  Error messages, body
    excerpts and reprs pass through ``redactor``; by default one built on
    ``secrets`` (when it is a ``txo.log.SecretRegistry``) with the bundled patterns.
    """
    redactor = redactor if redactor is not None else default_redactor(secrets)
    private_pool = pool is None
    pool = SessionPool() if pool is None else pool  # first: both clients below share it
    stack = _Stack.build(read_settings(config), pool, clock, rng, transport, redactor)
    stack, token_cache, fleet = _coordinate(config, stack, token_cache, coordination)
    auth = build_auth(
        config,
        secrets=secrets,
        token_cache=token_cache,
        clock=stack.clock,
        sender=_TokenSender(stack.token_client()),
        required=require_auth,
        redactor=redactor,
    )
    base_url = _text(config, "global", "api-base-url")
    client = stack.client(
        base_url=base_url,
        owns_pool=private_pool,
        auth=auth,
        retry=stack.settings.retry_policy(),
        **_limits(stack, fleet, base_url),
    )
    _log_ready(logger or logging.getLogger(__name__), client, stack.settings)
    return client


def _limits(stack: _Stack, fleet: Coordination | None, base_url: str) -> dict[str, Any]:
    """The client's rate limiter and concurrency cap: in-process, or shared by the fleet."""
    rate_limiter = _rate_limiter(stack.settings, stack.clock)
    if fleet is None:
        return {"rate_limiter": rate_limiter, "concurrency": None}
    return {
        "rate_limiter": fleet.shared_rate_limiter(rate_limiter, base_url),
        "concurrency": fleet.concurrency(),
    }


def _log_ready(logger: logging.Logger, client: RestClient, settings: ApiSettings) -> None:
    logger.debug(
        "REST API client ready: base=%r identity=%s retries=%d rate-limit=%s breaker=%s",
        client.base_url,
        client.auth_identity,
        settings.max_retries,
        settings.rate_limit,
        settings.breaker,
    )


def acquire_token(
    config: ConfigProxy,
    *,
    secrets: SecretSink | None = None,
    token_cache: TokenCache | None = None,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    transport: httpx.BaseTransport | None = None,
    redactor: TextRedactor | None = None,
    coordination: Coordination | None = None,
) -> str:
    """A bearer token for ``ScriptContext.token``: ``_az_token`` if set, else client credentials.

    Pass the same ``token_cache`` to :func:`create_rest_api` to reuse the token.
    """
    redactor = redactor if redactor is not None else default_redactor(secrets)
    settings = read_settings(config)
    with SessionPool(max_size=4) as pool:
        stack = _Stack.build(settings, pool, clock, rng, transport, redactor)
        stack, token_cache, _ = _coordinate(config, stack, token_cache, coordination)
        auth = build_auth(
            config, secrets=secrets, token_cache=token_cache, clock=stack.clock,
            sender=_TokenSender(stack.token_client()), redactor=redactor,
        )  # fmt: skip
        assert auth is not None  # required=True raises instead
        return auth.get_token().access_token


def build_auth(
    config: ConfigProxy,
    *,
    secrets: SecretSink | None = None,
    token_cache: TokenCache | None = None,
    clock: Clock | None = None,
    sender: httpx.Client | Callable[[httpx.Request], httpx.Response] | None = None,
    required: bool = True,
    redactor: TextRedactor | None = None,
) -> ClientCredentialsAuth | StaticTokenAuth | None:
    """The token provider the configuration asks for, or None (only when not ``required``)."""
    az_token = _text(config, "_az_token")
    if az_token:
        return StaticTokenAuth(az_token, secrets=secrets)
    creds = {
        "global.tenant-id": _text(config, "global", "tenant-id"),
        "global.client-id": _text(config, "global", "client-id"),
        "global.oauth-scope": _text(config, "global", "oauth-scope"),
        "_client_secret": _text(config, "_client_secret"),
    }
    missing = [key for key, value in creds.items() if not value]
    if not missing:
        return ClientCredentialsAuth(
            tenant_id=creds["global.tenant-id"],
            client_id=creds["global.client-id"],
            scope=creds["global.oauth-scope"],
            client_secret=creds["_client_secret"],
            cache=token_cache if token_cache is not None else TokenCache(),
            sender=sender,
            authority=_text(config, "global", "oauth-authority") or DEFAULT_AUTHORITY,
            clock=clock,
            secrets=secrets,
            redactor=redactor,
        )
    legacy_token = _text(config, "_token")  # v2.1's runner-injected token
    if legacy_token:
        return StaticTokenAuth(legacy_token, secrets=secrets)
    if required:
        raise _missing_auth(config, missing)
    return None


# --- the shared resilient stack ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Stack:
    """What the API client and the token client share (pool, cool-down, breakers, clock…)."""

    settings: ApiSettings
    pool: SessionPool
    clock: Clock
    rng: random.Random
    transport: httpx.BaseTransport | None
    cooldown: HostCooldown
    breakers: BreakerRegistry | None
    redactor: TextRedactor | None

    @classmethod
    def build(
        cls,
        settings: ApiSettings,
        pool: SessionPool,
        clock: Clock | None,
        rng: random.Random | None,
        transport: httpx.BaseTransport | None,
        redactor: TextRedactor | None,
    ) -> _Stack:
        clock = clock if clock is not None else SystemClock()
        return cls(
            settings,
            pool,
            clock,
            rng if rng is not None else random.Random(),
            transport,
            HostCooldown(clock),
            _breakers(settings, clock),
            redactor,
        )

    def client(self, **kwargs: Any) -> RestClient:
        return RestClient(
            pool=self.pool,
            cooldown=self.cooldown,
            breakers=self.breakers,
            timeout=self.settings.timeout,
            poll_interval=self.settings.async_poll_interval,
            poll_max_wait=self.settings.async_max_wait,
            clock=self.clock,
            rng=self.rng,
            transport=self.transport,
            redactor=self.redactor,
            **kwargs,
        )

    def token_client(self) -> RestClient:
        """The client for token requests: token POSTs are safe to repeat, so 5xx and read
        timeouts are retried too."""
        return self.client(retry=self.settings.retry_policy(retry_non_idempotent=True))


class _TokenSender:
    """Sends token requests through a RestClient sharing the API client's pool and stack."""

    def __init__(self, client: RestClient) -> None:
        self._client = client

    def __call__(self, request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": request.headers["Content-Type"]}
        return self._client.request(
            request.method, request.url, content=request.content, headers=headers, poll=False
        )


# --- helpers -------------------------------------------------------------------------


def default_redactor(secrets: SecretSink | None) -> TextRedactor | None:
    """The run's redactor for what the HTTP layer renders: bundled patterns + ``secrets``.

    Only a ``txo.log.SecretRegistry`` can be read back; any other sink leaves the
    HTTP layer's generic masking alone (None).
    """
    from txo.log import Redactor, SecretRegistry, load_redaction_patterns

    if not isinstance(secrets, SecretRegistry):
        return None
    return Redactor(load_redaction_patterns(), secrets)


def _number_reader(config: ConfigProxy) -> Callable[[str, str], float]:
    def read(section: str, key: str) -> float:
        value = config.require(_SB, section, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(
                f"{_SB}.{section}.{key} in {config.source} must be a number, "
                f"not {type(value).__name__}.",
                f"Set {_SB}.{section}.{key} to a number.",
                f'"{_SB}": {{"{section}": {{"{key}": 5}}}}',
            )
        return float(value)

    return read


def _total_deadline(config: ConfigProxy) -> float:
    """``retry-strategy.total-deadline-seconds``: optional, a positive number of seconds."""
    value = config.optional(_SB, *_DEADLINE_KEY, default=DEFAULT_TOTAL_DEADLINE)
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        path = ".".join((_SB, *_DEADLINE_KEY))
        raise ConfigError(
            f"{path} in {config.source} must be a positive number of seconds, not {value!r}.",
            f"Set {path} to how long one call may take, retries and waits included "
            f"(default {DEFAULT_TOTAL_DEADLINE:g}).",
            f'"{_SB}": {{"retry-strategy": {{"total-deadline-seconds": 120}}}}',
        )
    return float(value)


def _flag(config: ConfigProxy, section: str) -> bool:
    value = config.require(_SB, section, "enabled")
    if not isinstance(value, bool):
        raise ConfigError(
            f"{_SB}.{section}.enabled in {config.source} must be true or false.",
            f"Set {_SB}.{section}.enabled to true or false (JSON booleans, no quotes).",
            f'"{_SB}": {{"{section}": {{"enabled": false}}}}',
        )
    return value


def _text(config: ConfigProxy, *keys: str) -> str:
    """An optional string setting ("" and null count as unset, as in v2.1's template)."""
    value = config.optional(*keys, default="")
    return value.strip() if isinstance(value, str) else ""


def _rate_limiter(settings: ApiSettings, clock: Clock) -> TokenBucket | None:
    if settings.rate_limit is None:
        return None
    rate, burst = settings.rate_limit
    return TokenBucket(rate, burst, clock)


def _coordinate(
    config: ConfigProxy,
    stack: _Stack,
    token_cache: TokenCache | None,
    fleet: Coordination | None,
) -> tuple[_Stack, TokenCache | None, Coordination | None]:
    """``script-behavior.coordination``: processes share cool-down and token (budget, cap too).

    ``fleet`` is the run's own coordination (the runner opens one per run, so a backend
    that is down warns once); without it one is opened from ``config``.
    """
    if fleet is None:
        from txo.fleet import open_coordination

        fleet = open_coordination(config, stack.clock)
    if fleet is None:
        return stack, token_cache, None
    cache = fleet.shared_token_cache(token_cache, _text(config, "_client_secret"))
    return dataclasses.replace(stack, cooldown=fleet.cooldown()), cache, fleet


def _breakers(settings: ApiSettings, clock: Clock) -> BreakerRegistry | None:
    if settings.breaker is None:
        return None
    threshold, reset = settings.breaker
    return BreakerRegistry(clock, failure_threshold=threshold, reset_timeout=reset)


def _missing_auth(config: ConfigProxy, missing: list[str]) -> ConfigError:
    secret_missing = "_client_secret" in missing
    listed = ", ".join(
        "client-secret (secrets file, injected as _client_secret)"
        if key == "_client_secret"
        else key
        for key in missing
    )
    return ConfigError(
        f"The REST API needs credentials, but {listed} "
        f"{'is' if len(missing) == 1 else 'are'} missing or empty in {config.source}.",
        "Set global.tenant-id, global.client-id and global.oauth-scope in the config file and "
        "client-secret in the matching -secrets.json file"
        + (" (it was not found)" if secret_missing else "")
        + "; or put a pre-issued token under az-token in the secrets file; "
        "or call create_rest_api(config, require_auth=False) for a public API.",
        _AUTH_EXAMPLE,
    )
