"""OAuth2 client credentials: caching, refresh, single flight, 401 re-auth, errors, secrecy."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest

from txo.errors import ApiAuthenticationError, ApiTimeoutError, ApiValidationError
from txo.http.auth import (
    ClientCredentialsAuth,
    StaticTokenAuth,
    TokenCache,
    TokenInfo,
    TokenKey,
    TokenSender,
)
from txo.log import RedactionPatterns, Redactor, SecretRegistry
from txo.testing.clock import FakeClock
from txo.testing.fake_bc import DEFAULT_SCOPE, FakeBusinessCentral


@pytest.fixture
def secrets() -> SecretRegistry:
    return SecretRegistry()


@pytest.fixture
def token_client(fake_bc_transport: httpx.MockTransport) -> Iterator[httpx.Client]:
    with httpx.Client(transport=fake_bc_transport) as client:
        yield client


def make_auth(
    fake_bc: FakeBusinessCentral,
    sender: httpx.Client | TokenSender,
    clock: FakeClock,
    *,
    cache: TokenCache | None = None,
    secrets: SecretRegistry | None = None,
    client_secret: str | None = None,
) -> ClientCredentialsAuth:
    return ClientCredentialsAuth(
        tenant_id=fake_bc.tenant_id,
        client_id=fake_bc.client_id,
        client_secret=client_secret or fake_bc.client_secret,
        scope=DEFAULT_SCOPE,
        cache=cache if cache is not None else TokenCache(),
        sender=sender,
        clock=clock,
        secrets=secrets,
    )


@pytest.fixture
def auth(
    fake_bc: FakeBusinessCentral,
    token_client: httpx.Client,
    fake_clock: FakeClock,
    secrets: SecretRegistry,
) -> ClientCredentialsAuth:
    return make_auth(fake_bc, token_client, fake_clock, secrets=secrets)


@pytest.fixture
def api(
    fake_bc_transport: httpx.MockTransport, auth: ClientCredentialsAuth
) -> Iterator[httpx.Client]:
    with httpx.Client(transport=fake_bc_transport, auth=auth) as client:
        yield client


def test_token_is_fetched_once_and_reused(api: httpx.Client, fake_bc: FakeBusinessCentral) -> None:
    for _ in range(3):
        assert api.get(fake_bc.customers_url()).status_code == 200
    assert fake_bc.token_requests == 1
    sent = {r.headers["authorization"] for r in fake_bc.api_requests}
    assert len(sent) == 1 and sent.pop().startswith("Bearer fake-access-token-")


def test_token_request_is_a_client_credentials_form_post(
    auth: ClientCredentialsAuth, fake_bc: FakeBusinessCentral
) -> None:
    auth.get_token()
    (logged,) = fake_bc.requests
    assert logged.method == "POST"
    assert logged.url == "https://login.microsoftonline.com/fake-tenant/oauth2/v2.0/token"
    assert logged.form == {
        "grant_type": "client_credentials",
        "client_id": fake_bc.client_id,
        "client_secret": fake_bc.client_secret,
        "scope": DEFAULT_SCOPE,
    }


def test_authority_is_configurable(
    fake_bc: FakeBusinessCentral, token_client: httpx.Client, fake_clock: FakeClock
) -> None:
    auth = ClientCredentialsAuth(
        tenant_id=fake_bc.tenant_id,
        client_id=fake_bc.client_id,
        client_secret=fake_bc.client_secret,
        scope=DEFAULT_SCOPE,
        cache=TokenCache(),
        sender=token_client,
        clock=fake_clock,
        authority="https://login.example.test/",
    )
    auth.get_token()
    assert fake_bc.requests[0].url == "https://login.example.test/fake-tenant/oauth2/v2.0/token"


def test_refreshes_sixty_seconds_before_expiry(
    auth: ClientCredentialsAuth, fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    first = auth.get_token()
    assert first.expires_at == fake_clock.time() + 3600
    fake_clock.advance(3600 - 60 - 1)
    assert auth.get_token() is first
    fake_clock.advance(1)
    second = auth.get_token()
    assert second.access_token != first.access_token
    assert fake_bc.token_requests == 2


def test_sixteen_threads_make_exactly_one_token_request(
    fake_bc: FakeBusinessCentral, token_client: httpx.Client, fake_clock: FakeClock
) -> None:
    threads_n = 16
    misses = threading.Semaphore(0)

    class CountingCache(TokenCache):
        def get(self, key: TokenKey) -> TokenInfo | None:
            found = super().get(key)
            if found is None:
                misses.release()
            return found

    first_call = threading.Event()

    def slow_sender(request: httpx.Request) -> httpx.Response:
        # Hold the first fetch until every thread has seen the empty cache.
        if not first_call.is_set():
            first_call.set()
            for _ in range(threads_n):
                assert misses.acquire(timeout=5), "threads did not all miss the cache"
        return token_client.send(request)

    auth = make_auth(fake_bc, slow_sender, fake_clock, cache=CountingCache())
    barrier = threading.Barrier(threads_n)
    tokens: list[str] = []

    def worker() -> None:
        barrier.wait(timeout=5)
        tokens.append(auth.get_token().access_token)

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert fake_bc.token_requests == 1
    assert len(tokens) == threads_n and len(set(tokens)) == 1


def test_401_invalidates_and_retries_once_with_a_fresh_token(
    api: httpx.Client, fake_bc: FakeBusinessCentral
) -> None:
    api.get(fake_bc.customers_url())
    fake_bc.revoke_tokens()
    fake_bc.clear_log()
    response = api.get(fake_bc.customers_url())
    assert response.status_code == 200
    assert [(r.kind, r.status) for r in fake_bc.requests] == [
        ("api", 401),
        ("token", 200),
        ("api", 200),
    ]
    first, retried = fake_bc.api_requests
    assert first.headers["authorization"] != retried.headers["authorization"]


def test_persistent_401_is_returned_after_one_retry(
    fake_bc: FakeBusinessCentral, auth: ClientCredentialsAuth
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "oauth2" in request.url.path:
            return fake_bc.handle(request)
        return httpx.Response(401, json={"error": {"code": "Unauthorized", "message": "no"}})

    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        assert client.get(fake_bc.customers_url()).status_code == 401
    assert fake_bc.token_requests == 2  # the first token, then one refresh


def test_stale_invalidation_keeps_a_fresher_token() -> None:
    cache = TokenCache()
    key = ("t", "c", "s")
    stale = TokenInfo("stale-token", 100.0)
    fresh = TokenInfo("fresh-token", 200.0)
    cache.put(key, fresh)
    assert cache.invalidate(key, stale) is False
    assert cache.get(key) is fresh
    assert cache.invalidate(key) is True
    assert cache.get(key) is None
    cache.put(key, fresh)
    cache.clear()
    assert len(cache) == 0


def test_caches_are_shared_only_when_injected(
    fake_bc: FakeBusinessCentral, token_client: httpx.Client, fake_clock: FakeClock
) -> None:
    shared = TokenCache()
    make_auth(fake_bc, token_client, fake_clock, cache=shared).get_token()
    make_auth(fake_bc, token_client, fake_clock, cache=shared).get_token()
    assert fake_bc.token_requests == 1
    make_auth(fake_bc, token_client, fake_clock).get_token()
    assert fake_bc.token_requests == 2


# --- token endpoint errors -----------------------------------------------------------


def test_wrong_secret_gives_the_servers_description_never_the_secret(
    fake_bc: FakeBusinessCentral, token_client: httpx.Client, fake_clock: FakeClock
) -> None:
    auth = make_auth(fake_bc, token_client, fake_clock, client_secret="wrong-secret-123")
    with pytest.raises(ApiAuthenticationError) as caught:
        auth.get_token()
    text = str(caught.value)
    assert "Token request failed with status 401" in text
    assert "AADSTS7000215: Invalid client secret provided." in text
    assert "Fix:" in text and "tenant-id" in text
    assert "wrong-secret-123" not in text
    assert caught.value.status_code == 401


def test_unknown_tenant_reports_error_description(
    fake_bc: FakeBusinessCentral, token_client: httpx.Client, fake_clock: FakeClock
) -> None:
    auth = ClientCredentialsAuth(
        tenant_id="other-tenant",
        client_id=fake_bc.client_id,
        client_secret=fake_bc.client_secret,
        scope=DEFAULT_SCOPE,
        cache=TokenCache(),
        sender=token_client,
        clock=fake_clock,
    )
    with pytest.raises(
        ApiAuthenticationError, match="status 400: AADSTS90002: Tenant 'other-tenant'"
    ):
        auth.get_token()


def respond(response: httpx.Response) -> TokenSender:
    def send(request: httpx.Request) -> httpx.Response:
        return response

    return send


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(400, json={"error": "invalid_grant"}), "status 400: invalid_grant"),
        (httpx.Response(400, json={}), "status 400: Unknown error"),
        (httpx.Response(502, text="<html>Bad gateway</html>"), "status 502: <html>Bad gateway"),
        (httpx.Response(200, json={"token_type": "Bearer"}), "missing: 'access_token'"),
        (httpx.Response(200, text="not json"), "missing: 'access_token'"),
    ],
)
def test_bad_token_responses(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock, response: httpx.Response, expected: str
) -> None:
    auth = make_auth(fake_bc, respond(response), fake_clock)
    with pytest.raises(ApiAuthenticationError) as caught:
        auth.get_token()
    assert expected in str(caught.value)
    assert fake_bc.client_secret not in str(caught.value)


def test_token_timeout_is_an_api_timeout(
    fake_bc: FakeBusinessCentral, token_client: httpx.Client, fake_clock: FakeClock
) -> None:
    fake_bc.timeout_next(1, target="token")
    auth = make_auth(fake_bc, token_client, fake_clock)
    with pytest.raises(ApiTimeoutError, match="OAuth token request timed out after 30s"):
        auth.get_token()


def test_transport_error_is_an_authentication_error(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ApiAuthenticationError, match="OAuth token request failed: ConnectError"):
        make_auth(fake_bc, refuse, fake_clock).get_token()


def test_classified_sender_errors_become_authentication_errors(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    def resilient(request: httpx.Request) -> httpx.Response:
        raise ApiValidationError("POST validation failed: invalid_scope")

    with pytest.raises(ApiAuthenticationError, match="failed: POST validation failed"):
        make_auth(fake_bc, resilient, fake_clock).get_token()


def test_expires_in_may_be_a_string(fake_bc: FakeBusinessCentral, fake_clock: FakeClock) -> None:
    body = {"access_token": "tok-abcdef", "expires_in": "120", "token_type": "bearer"}
    token = make_auth(fake_bc, respond(httpx.Response(200, json=body)), fake_clock).get_token()
    assert token.expires_at == fake_clock.time() + 120
    assert token.authorization_header == "bearer tok-abcdef"


@pytest.mark.parametrize("field", ["tenant_id", "client_id", "scope", "client_secret"])
def test_empty_credentials_are_refused(field: str) -> None:
    kwargs = {"tenant_id": "t", "client_id": "c", "client_secret": "s", "scope": "x/.default"}
    kwargs[field] = ""
    with pytest.raises(ApiAuthenticationError, match=f"non-empty {field}"):
        ClientCredentialsAuth(
            tenant_id=kwargs["tenant_id"],
            client_id=kwargs["client_id"],
            client_secret=kwargs["client_secret"],
            scope=kwargs["scope"],
            cache=TokenCache(),
            sender=respond(httpx.Response(500)),
        )


# --- secrecy ---------------------------------------------------------------------------


def test_tokens_and_secret_are_registered_and_never_in_repr(
    api: httpx.Client,
    auth: ClientCredentialsAuth,
    fake_bc: FakeBusinessCentral,
    secrets: SecretRegistry,
) -> None:
    api.get(fake_bc.customers_url())
    token = auth.get_token()
    assert token.access_token in secrets
    assert fake_bc.client_secret in secrets
    for shown in (repr(token), repr(auth), repr(TokenCache()), str(token)):
        assert token.access_token not in shown
        assert fake_bc.client_secret not in shown
    assert "expires_at" in repr(token)


def test_auth_identity_names_tenant_client_scope_without_secret(
    auth: ClientCredentialsAuth, fake_bc: FakeBusinessCentral
) -> None:
    assert auth.auth_identity == f"fake-tenant:fake-client-id:{DEFAULT_SCOPE}"
    assert fake_bc.client_secret not in auth.auth_identity


def test_static_token_sets_header_registers_and_hides(
    fake_bc: FakeBusinessCentral, fake_bc_transport: httpx.MockTransport, secrets: SecretRegistry
) -> None:
    fake_bc.accept_token("pre-issued-az-token")
    auth = StaticTokenAuth("pre-issued-az-token", secrets=secrets)
    with httpx.Client(transport=fake_bc_transport, auth=auth) as client:
        assert client.get(fake_bc.customers_url()).status_code == 200
        fake_bc.revoke_tokens()
        assert client.get(fake_bc.customers_url()).status_code == 401  # no refresh possible
    assert "pre-issued-az-token" in secrets
    assert "pre-issued-az-token" not in repr(auth)
    assert auth.auth_identity.startswith("static:")
    assert "pre-issued" not in auth.auth_identity
    assert fake_bc.token_requests == 0


def test_async_clients_are_refused(auth: ClientCredentialsAuth) -> None:
    async def call() -> None:
        transport = httpx.MockTransport(lambda r: httpx.Response(200))
        async with httpx.AsyncClient(transport=transport, auth=auth) as client:
            await client.get("https://example.test/")

    with pytest.raises(TypeError, match=r"supports httpx\.Client only"):
        asyncio.run(call())


def test_works_through_a_respx_router(fake_bc_router: object, auth: ClientCredentialsAuth) -> None:
    import respx

    assert isinstance(fake_bc_router, respx.MockRouter)
    with httpx.Client(transport=httpx.MockTransport(fake_bc_router.handler), auth=auth) as client:
        body = client.get(
            "https://api.businesscentral.dynamics.com/v2.0/t/p/api/v2.0/companies"
        ).json()
    assert body["value"][0]["name"] == "CRONUS USA, Inc."
    assert fake_bc_router.calls.call_count == 1  # the token went through `auth`'s own client


def test_token_cache_is_lru_bounded() -> None:
    from txo.http.auth import TokenCache, TokenInfo

    cache = TokenCache(max_entries=3)
    keys = [(f"t{i}", "client", "scope") for i in range(5)]
    for i, key in enumerate(keys[:3]):
        cache.put(key, TokenInfo(f"tok-{i}", expires_at=10.0))
    assert cache.get(keys[0]) is not None  # touch: keys[1] is now least recent
    cache.put(keys[3], TokenInfo("tok-3", expires_at=10.0))
    assert len(cache) == 3
    assert cache.get(keys[1]) is None and cache.get(keys[0]) is not None
    held = cache.fetch_lock(keys[0])
    with held:
        for key in keys[1:]:
            cache.fetch_lock(key)
        assert cache.fetch_lock(keys[0]) is held  # a held lock is never dropped
    assert "max_entries=3" in repr(cache)


def test_the_client_secret_is_hidden_in_its_http_basic_form_too() -> None:
    """A client built with a registry hides ``base64("id:secret")`` as well as the secret."""
    import base64

    secrets = SecretRegistry()
    ClientCredentialsAuth(
        tenant_id="t", client_id="app-id-0001", client_secret="Zx8Q~s3cr3t.value",
        scope=DEFAULT_SCOPE, cache=TokenCache(), sender=lambda request: httpx.Response(500),
        secrets=secrets,
    )  # fmt: skip
    basic = base64.b64encode(b"app-id-0001:Zx8Q~s3cr3t.value").decode()
    redacted = Redactor(RedactionPatterns(()), secrets).redact(f"basic={basic} {basic[:6]}")
    assert basic not in redacted and basic[:6] in redacted  # the form, not every prefix
    assert basic in secrets.forms()
