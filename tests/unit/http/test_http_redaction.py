"""What the HTTP layer renders for a human goes through the run's redactor.

Error messages, body excerpts, error contexts and reprs pass through the
``txo.log.Redactor`` that sees the run's ``SecretRegistry`` — so a secret the
server echoes back in plain text (no "Bearer", no secret-named field, which
the generic masking would catch) never reaches a message.  Without a
registry the generic masking still applies.
"""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest

from txo.config import ConfigProxy
from txo.errors import ApiAuthenticationError, ApiError, ApiOperationError
from txo.http import RestClient
from txo.http.factory import acquire_token, create_rest_api
from txo.log import Redactor, SecretRegistry, load_redaction_patterns
from txo.testing.clock import FakeClock
from txo.testing.plugin import build_config

SECRET = "Qx7-plain-echoed-secret-Zp9"
TOKEN = "pre-issued-token-value-4711"
BASE = "https://api.example.com/v2.0"


def rendered(error: ApiError) -> str:
    """Every text a user may see of an error."""
    context = error.context
    parts = [str(error), repr(error), error.message, error.body_excerpt or ""]
    if context is not None:
        parts += [context.resource or "", repr(context.details)]
    return "\n".join(parts)


def echo(status: int, *, as_json: bool) -> httpx.MockTransport:
    """A server that echoes the secret back in its error body."""

    def handler(request: httpx.Request) -> httpx.Response:
        if as_json:
            body = {"error": {"code": "Echo", "message": f"upstream rejected {SECRET}"}}
            return httpx.Response(status, json=body)
        return httpx.Response(status, text=f"<html>upstream rejected {SECRET}</html>")

    return httpx.MockTransport(handler)


def config(**secrets: str) -> ConfigProxy:
    data: dict[str, Any] = build_config()
    data["global"]["api-base-url"] = BASE
    data.update({f"_{name}": value for name, value in secrets.items()})
    return ConfigProxy(data, "config/txo-test-config.json")


@pytest.mark.parametrize("as_json", [True, False])
@pytest.mark.parametrize("status", [400, 404, 500])
def test_factory_client_errors_never_show_a_registered_secret(
    fake_clock: FakeClock, status: int, as_json: bool
) -> None:
    registry = SecretRegistry([SECRET])
    client = create_rest_api(
        config(az_token=TOKEN), secrets=registry, clock=fake_clock, rng=random.Random(1),
        transport=echo(status, as_json=as_json),
    )  # fmt: skip
    with client, pytest.raises(ApiError) as caught:
        client.get("companies")
    text = rendered(caught.value)
    assert SECRET not in text
    assert "[REDACTED]" in text
    assert "upstream rejected" in text  # the rest of the server's message is kept


def test_a_non_json_success_body_error_never_shows_a_registered_secret(
    fake_clock: FakeClock,
) -> None:
    registry = SecretRegistry([SECRET])
    client = create_rest_api(
        config(az_token=TOKEN), secrets=registry, clock=fake_clock, transport=echo(200,
        as_json=False),
    )  # fmt: skip
    with client, pytest.raises(ApiOperationError) as caught:
        client.get("companies")
    assert SECRET not in rendered(caught.value)


def test_token_endpoint_errors_never_show_a_registered_secret(fake_clock: FakeClock) -> None:
    registry = SecretRegistry([SECRET])
    with pytest.raises(ApiAuthenticationError) as caught:
        acquire_token(
            config(client_secret="fake-client-secret-value"), secrets=registry,
            clock=fake_clock, transport=echo(400, as_json=False),
        )  # fmt: skip
    text = rendered(caught.value)
    assert SECRET not in text and "fake-client-secret-value" not in text


def test_repr_and_urls_go_through_the_redactor() -> None:
    registry = SecretRegistry([SECRET])
    redactor = Redactor(load_redaction_patterns(), registry)
    client = RestClient(f"https://api.example.com/{SECRET}", redactor=redactor)
    assert SECRET not in repr(client)
    transport = echo(404, as_json=True)
    client = RestClient(
        "https://api.example.com", redactor=redactor, transport=transport,
    )  # fmt: skip
    with client, pytest.raises(ApiError) as caught:
        client.get(f"tenants/{SECRET}/companies")
    assert SECRET not in rendered(caught.value)


def test_transport_errors_go_through_the_redactor() -> None:
    registry = SecretRegistry([SECRET])

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"proxy refused {SECRET}", request=request)

    client = RestClient(
        BASE, redactor=Redactor(load_redaction_patterns(), registry),
        transport=httpx.MockTransport(refuse), clock=FakeClock(),
    )  # fmt: skip
    with client, pytest.raises(ApiError) as caught:
        client.get("companies")
    assert SECRET not in rendered(caught.value)


def test_without_a_registry_generic_masking_still_applies() -> None:
    def leak(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, text='{"client_secret": "abc123xyz", "note": "Bearer tok.en"}')

    client = RestClient(BASE, transport=httpx.MockTransport(leak))
    with client, pytest.raises(ApiError) as caught:
        client.get("companies")
    text = rendered(caught.value)
    assert "abc123xyz" not in text and "tok.en" not in text
