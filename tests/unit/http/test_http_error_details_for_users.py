"""What a user reads when a response is not what was asked for, or no response came at all.

Transport failures, bodies that are not JSON and pages that are not collections each give a
message, a context and a fix; secrets in URLs and bodies are masked by the generic floor and
by the run's redactor.
"""

from __future__ import annotations

import httpx
import pytest

from txo.errors import ApiOperationError, ApiTimeoutError
from txo.http.classify import display_url, error_for_transport, json_body, redact
from txo.http.paging import iterate_items

URL = "https://api.example.com/v2.0/items"


class Masks:
    """The run's redactor: masks one project-specific word."""

    def redact(self, text: str) -> str:
        return text.replace("acme-internal", "[MASKED]")


# --- no response ------------------------------------------------------------------------------


def test_a_failure_without_a_response_says_so_names_the_error_and_how_to_go_on() -> None:
    request = httpx.Request("GET", URL)
    error = error_for_transport(
        httpx.ConnectError("refused", request=request), method="GET", url=URL, attempts=3
    )
    assert isinstance(error, ApiOperationError)
    assert error.message == f"GET {URL} failed before a response arrived (ConnectError: refused)"
    assert error.context.operation == "GET"
    assert error.context.resource == URL
    assert error.context.details == {"error": "ConnectError", "attempts": 3}
    assert error.how_to_fix == (
        "Check the URL, the network and that the service is up, then run again."
    )


def test_an_error_without_text_is_named_by_its_type_and_a_note_is_appended() -> None:
    request = httpx.Request("GET", URL)
    error = error_for_transport(
        httpx.ReadTimeout("", request=request), method="GET", url=URL, note="gave up"
    )
    assert isinstance(error, ApiTimeoutError)
    assert error.message == f"GET {URL} timed out (ReadTimeout); gave up"


def test_the_url_of_a_transport_failure_passes_the_runs_redactor() -> None:
    url = "https://acme-internal.example.com/items"
    error = error_for_transport(
        httpx.ConnectError("refused", request=httpx.Request("GET", url)),
        method="GET",
        url=url,
        redactor=Masks(),
    )
    assert error.context.resource == "https://[MASKED].example.com/items"
    assert "acme-internal" not in error.message


# --- a body that is not JSON --------------------------------------------------------------------


def not_json(headers: dict[str, str]) -> ApiOperationError:
    request = httpx.Request("POST", "https://acme-internal.example.com/items")
    response = httpx.Response(200, content=b"<html>oops</html>", headers=headers, request=request)
    with pytest.raises(ApiOperationError) as caught:
        json_body(response, Masks())
    return caught.value


def test_a_body_that_is_not_json_is_reported_with_its_content_type_and_an_excerpt() -> None:
    error = not_json({"content-type": "text/html", "request-id": "r-1"})
    shown = "https://[MASKED].example.com/items"
    assert error.message == f"POST {shown} returned a body that is not JSON (HTTP 200, text/html)"
    assert error.status_code == 200
    assert error.context.operation == "POST" and error.context.resource == shown
    assert error.how_to_fix == "Use RestClient.request() for non-JSON responses, or check the URL."
    assert error.request_id == "r-1"
    assert error.body_excerpt == "<html>oops</html>"


def test_a_body_that_is_not_json_and_has_no_content_type_says_so() -> None:
    assert not_json({}).message.endswith("(HTTP 200, no content type)")


def test_a_204_is_empty_whatever_the_server_put_in_it() -> None:
    response = httpx.Response(204, content=b"OK", request=httpx.Request("DELETE", URL))
    assert json_body(response) is None


# --- a page that is not a collection ------------------------------------------------------------


def test_a_page_that_is_not_a_collection_points_to_get() -> None:
    with pytest.raises(ApiOperationError) as caught:
        list(iterate_items(lambda url: {"id": 1}, httpx.URL(URL + "?$top=1"), max_pages=5))
    error = caught.value
    assert error.message == (
        f"GET {URL} did not return an OData collection "
        "(expected an object with a 'value' array, got dict)"
    )
    assert error.context.operation == "GET" and error.context.resource == URL
    assert error.how_to_fix == (
        "Use get() for single entities; paginate()/get_all() need a collection URL."
    )


# --- masking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("auth Bearer abc.def-123 end", "auth Bearer [REDACTED] end"),
        ("jwt eyJhbGciOi.eyJzdWIiOi.sig end", "jwt [REDACTED] end"),
        ('{"client_secret": "xyz"}', '{"client_secret": "[REDACTED]"}'),
    ],
)
def test_generic_secrets_are_replaced_by_exactly_redacted(text: str, masked: str) -> None:
    assert redact(text) == masked


def test_display_url_cuts_at_the_first_question_mark() -> None:
    assert display_url("https://api.example.com/a?x=1?y=2") == "https://api.example.com/a"
