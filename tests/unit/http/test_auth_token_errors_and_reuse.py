"""Token requests: what a failed one tells the user, and when a token is reused, not refetched.

Each test scripts the token endpoint with a plain ``send(request) -> response`` callable and
drives :class:`ClientCredentialsAuth` on a :class:`FakeClock`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest

from txo.errors import ApiAuthenticationError
from txo.http.auth import ClientCredentialsAuth, TokenCache, TokenInfo, TokenKey
from txo.testing.clock import FakeClock

TENANT, CLIENT, SCOPE = "tenant-1", "0123456789abcdef", "https://api.example/.default"
SECRET = "client-secret-value-xyz"


class ScriptedEndpoint:
    """A token endpoint answering from a list of (status, body, headers); counts requests."""

    def __init__(self, *answers: tuple[int, object, dict[str, str]]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body, headers = self.answers.pop(0)
        if isinstance(body, str):
            return httpx.Response(status, text=body, headers=headers, request=request)
        return httpx.Response(status, json=body, headers=headers, request=request)


def token(value: str, expires_in: float = 3600) -> tuple[int, object, dict[str, str]]:
    return 200, {"access_token": value, "expires_in": expires_in}, {}


def make_auth(
    send: Callable[[httpx.Request], httpx.Response],
    clock: FakeClock,
    *,
    cache: TokenCache | None = None,
    redactor: Callable[[str], str] | None = None,
) -> ClientCredentialsAuth:
    class _Redactor:
        def redact(self, text: str) -> str:
            return redactor(text) if redactor is not None else text

    return ClientCredentialsAuth(
        tenant_id=TENANT,
        client_id=CLIENT,
        client_secret=SECRET,
        scope=SCOPE,
        cache=cache if cache is not None else TokenCache(),
        sender=send,
        clock=clock,
        redactor=_Redactor() if redactor is not None else None,
    )


def failure(status: int, body: object, headers: dict[str, str] | None = None) -> Exception:
    auth = make_auth(ScriptedEndpoint((status, body, headers or {})), FakeClock())
    with pytest.raises(ApiAuthenticationError) as caught:
        auth.get_token()
    return caught.value


# --- what a failed token request tells the user ------------------------------------------


def test_a_failed_token_request_names_the_operation_and_the_identity_without_the_secret() -> None:
    error = failure(400, {"error": "invalid_client"})
    assert isinstance(error, ApiAuthenticationError)
    assert error.context.operation == "OAuth token request"
    assert error.context.resource == f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"
    assert error.context.details == {
        "tenant_id": TENANT,
        "client_id": "01234567...",
        "scope": SCOPE,
    }
    assert SECRET not in str(error) and CLIENT not in str(error.context.to_dict())


def test_a_json_error_gives_its_description_and_no_excerpt() -> None:
    error = failure(401, {"error": "invalid_client", "error_description": "AADSTS7000215 bad"})
    assert isinstance(error, ApiAuthenticationError)
    assert error.status_code == 401
    assert "Token request failed with status 401: AADSTS7000215 bad" in error.message
    assert error.body_excerpt is None


def test_a_text_error_gives_an_excerpt_of_at_most_200_characters() -> None:
    body = "x" * 199 + "yz" + "tail" * 50
    error = failure(503, body)
    assert isinstance(error, ApiAuthenticationError)
    assert error.status_code == 503
    assert error.body_excerpt == body[:200]
    assert error.message.endswith(": " + body[:200])


def test_an_empty_error_body_says_unknown_error() -> None:
    error = failure(500, "")
    assert isinstance(error, ApiAuthenticationError)
    assert error.message.endswith("status 500: Unknown error")
    assert error.body_excerpt is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-ms-request-id": "ms-1", "request-id": "plain-2"}, "ms-1"),
        ({"request-id": "plain-2"}, "plain-2"),
        ({}, None),
    ],
)
def test_the_request_id_of_a_failed_token_request_is_kept(
    headers: dict[str, str], expected: str | None
) -> None:
    error = failure(400, {"error": "invalid_scope"}, headers)
    assert isinstance(error, ApiAuthenticationError)
    assert error.request_id == expected


def test_the_runs_redactor_sees_every_failure_text() -> None:
    auth = make_auth(
        ScriptedEndpoint((500, "internal: db-password=hunter2", {})),
        FakeClock(),
        redactor=lambda text: text.replace("hunter2", "[REDACTED]"),
    )
    with pytest.raises(ApiAuthenticationError) as caught:
        auth.get_token()
    assert "hunter2" not in caught.value.message
    assert caught.value.body_excerpt is not None and "hunter2" not in caught.value.body_excerpt


def test_a_transport_failure_message_passes_the_redactor() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("cannot reach proxy user:hunter2@proxy", request=request)

    auth = make_auth(broken, FakeClock(), redactor=lambda t: t.replace("hunter2", "[REDACTED]"))
    with pytest.raises(ApiAuthenticationError) as caught:
        auth.get_token()
    assert "hunter2" not in caught.value.message and "[REDACTED]" in caught.value.message


# --- reuse instead of refetch ------------------------------------------------------------


def test_a_401_on_a_stale_token_uses_the_one_another_thread_already_fetched() -> None:
    endpoint = ScriptedEndpoint(token("first"), token("unexpected third"))
    cache = TokenCache()
    auth = make_auth(endpoint, FakeClock(), cache=cache)
    flow = auth.sync_auth_flow(httpx.Request("GET", "https://api.example/items"))
    sent = next(flow)
    assert sent.headers["Authorization"] == "Bearer first"
    fresh = TokenInfo("second", expires_at=FakeClock().time() + 3600)
    cache.put(auth.key, fresh)  # another thread refreshed meanwhile
    retried = flow.send(httpx.Response(401, request=sent))
    assert retried.headers["Authorization"] == "Bearer second"
    assert len(endpoint.requests) == 1


def test_a_waiting_thread_takes_a_token_fetched_meanwhile_even_if_due_for_refresh() -> None:
    """Single flight: the token another thread fetched while this one waited is used as long
    as it is not expired, even inside the refresh margin."""
    clock = FakeClock()
    endpoint = ScriptedEndpoint(token("old", expires_in=3600), token("never fetched"))

    class FetchedWhileWaiting(TokenCache):
        """Puts another thread's token into the cache while this thread waits for the lock."""

        def __init__(self) -> None:
            super().__init__()
            self.arm = False

        def fetch_lock(self, key: TokenKey) -> threading.Lock:
            if self.arm:
                self.arm = False
                # due for refresh (inside the 60 s skew) but 30 s from expiry
                self.put(key, TokenInfo("meanwhile", expires_at=clock.time() + 30))
            return super().fetch_lock(key)

    cache = FetchedWhileWaiting()
    auth = make_auth(endpoint, clock, cache=cache)
    assert auth.get_token().access_token == "old"
    clock.advance(3600 - 10)  # "old" is now due for refresh
    cache.arm = True
    assert auth.get_token().access_token == "meanwhile"
    assert len(endpoint.requests) == 1


def test_a_token_fetched_meanwhile_but_already_expired_is_fetched_again() -> None:
    clock = FakeClock()
    endpoint = ScriptedEndpoint(token("old"), token("new"))

    class ExpiredWhileWaiting(TokenCache):
        def __init__(self) -> None:
            super().__init__()
            self.arm = False

        def fetch_lock(self, key: TokenKey) -> threading.Lock:
            if self.arm:
                self.arm = False
                self.put(key, TokenInfo("expired", expires_at=clock.time() - 1))
            return super().fetch_lock(key)

    cache = ExpiredWhileWaiting()
    auth = make_auth(endpoint, clock, cache=cache)
    auth.get_token()
    clock.advance(3600)
    cache.arm = True
    assert auth.get_token().access_token == "new"


def test_invalidate_forgets_the_token_so_the_next_call_fetches() -> None:
    endpoint = ScriptedEndpoint(token("first"), token("second"))
    auth = make_auth(endpoint, FakeClock())
    first = auth.get_token()
    auth.invalidate(TokenInfo("some other token", expires_at=first.expires_at))
    assert auth.get_token() is first  # only the named token would be dropped
    auth.invalidate()
    assert auth.get_token().access_token == "second"


def test_close_closes_only_the_token_client_the_auth_created_itself() -> None:
    injected = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    auth = ClientCredentialsAuth(
        tenant_id=TENANT, client_id=CLIENT, client_secret=SECRET, scope=SCOPE,
        cache=TokenCache(), sender=injected,
    )  # fmt: skip
    auth.close()
    assert not injected.is_closed
    injected.close()

    own = ClientCredentialsAuth(
        tenant_id=TENANT, client_id=CLIENT, client_secret=SECRET, scope=SCOPE,
        cache=TokenCache(), authority="http://127.0.0.1:9",
    )  # fmt: skip
    with pytest.raises(ApiAuthenticationError):
        own.get_token()  # nothing listens on port 9: creates its own client, then fails
    client = own._own_client
    assert client is not None and not client.is_closed
    own.close()
    assert client.is_closed and own._own_client is None
    own.close()  # idempotent


def test_repr_shows_only_the_first_eight_characters_of_the_client_id() -> None:
    auth = make_auth(ScriptedEndpoint(), FakeClock())
    assert "client_id='01234567'..." in repr(auth)
    assert "012345678" not in repr(auth)


def test_async_use_is_refused_with_the_class_name() -> None:
    auth = make_auth(ScriptedEndpoint(), FakeClock())
    flow = auth.async_auth_flow(httpx.Request("GET", "https://api.example/"))
    with pytest.raises(TypeError, match=r"^ClientCredentialsAuth supports httpx.Client only"):
        flow.__anext__().send(None)


def test_token_request_form_carries_the_grant_and_credentials() -> None:
    endpoint = ScriptedEndpoint(token("t"))
    make_auth(endpoint, FakeClock()).get_token()
    form = dict(httpx.QueryParams(endpoint.requests[0].content.decode()))
    assert form == {
        "grant_type": "client_credentials",
        "client_id": CLIENT,
        "client_secret": SECRET,
        "scope": SCOPE,
    }
