"""The exact shape of a classified error: nothing appended that was not there, codes as sent.

The message of an HTTP error is ``METHOD url phrase (HTTP status reason): server message``,
followed by ``; note`` and `` [request id …]`` only when there is one.  A closed session pool
says so and what to do.
"""

from __future__ import annotations

import httpx
import pytest

from txo.http.classify import error_for_response, server_message
from txo.http.pool import SessionPool

URL = "https://api.example.com/v2.0/items"


def response(
    status: int, *, json: object = None, text: str = "", headers: dict[str, str] | None = None
) -> httpx.Response:
    request = httpx.Request("POST", URL)
    if json is not None:
        return httpx.Response(status, json=json, headers=headers, request=request)
    return httpx.Response(status, text=text, headers=headers, request=request)


def test_a_bare_error_ends_with_the_server_message() -> None:
    error = error_for_response(
        response(400, json={"error": {"code": "BadRequest", "message": "no name"}})
    )
    assert error.message == f"POST {URL} was rejected as invalid (HTTP 400 Bad Request): no name"


def test_note_and_request_id_are_appended_when_present() -> None:
    error = error_for_response(
        response(400, json={"error": {"message": "no name"}}, headers={"request-id": "r-9"}),
        note="not retried",
    )
    assert error.message.endswith(": no name; not retried [request id r-9]")


def test_an_odata_error_without_a_code_has_no_server_code() -> None:
    error = error_for_response(response(400, json={"error": {"message": "no name"}}))
    assert error.context.details == {"status": 400}


def test_a_text_body_gives_at_most_200_characters_as_the_message() -> None:
    body = "a" * 200 + "BEYOND"
    assert server_message(response(502, text=body)) == ("a" * 200, None)


def test_a_closed_pool_says_how_to_go_on() -> None:
    pool = SessionPool()
    pool.close()
    with (
        pytest.raises(
            RuntimeError, match=r"^SessionPool is closed; create a new pool to lease clients$"
        ),
        pool.lease(("o", "i"), httpx.Client),
    ):
        pass
