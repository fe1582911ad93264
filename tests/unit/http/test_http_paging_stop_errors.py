"""When paging stops with an error, the error says where, why and what to do.

A paging loop and the page cap are the two ways ``iterate_items`` refuses to go on; the user
sees the collection URL (no query string), how many pages were fetched, the offending link and
a fix that fits the cause.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from txo.errors import ApiOperationError
from txo.http.paging import iterate_items

FIRST = httpx.URL("https://api.example.com/v2.0/items?$top=2&token=abc")
SHOWN = "https://api.example.com/v2.0/items"
SECOND = "https://api.example.com/v2.0/items?$skiptoken=2"


def stop_error(bodies: Mapping[str, Any], *, max_pages: int) -> ApiOperationError:
    with pytest.raises(ApiOperationError) as caught:
        list(iterate_items(lambda url: bodies[str(url)], FIRST, max_pages=max_pages))
    return caught.value


def test_a_repeating_next_link_names_the_collection_the_page_and_the_link() -> None:
    error = stop_error(
        {
            str(FIRST): {"value": [1], "@odata.nextLink": SECOND},
            SECOND: {"value": [2], "@odata.nextLink": SECOND},
        },
        max_pages=10,
    )
    assert error.context.operation == "GET (paging)"
    assert error.context.resource == SHOWN
    assert error.context.details == {"pages_fetched": 2, "next_link": SECOND}
    assert error.message.startswith(f"Paging loop: page 2 of {SHOWN} points to")
    assert "report it to the API owner" in error.how_to_fix
    assert "token=abc" not in error.message


def test_the_page_cap_names_the_cap_the_pages_fetched_and_how_to_get_the_rest() -> None:
    error = stop_error({str(FIRST): {"value": [1], "@odata.nextLink": SECOND}}, max_pages=1)
    assert error.context.operation == "GET (paging)"
    assert error.context.resource == SHOWN
    assert error.context.details == {"pages_fetched": 1, "next_link": SECOND}
    assert f"after max_pages=1 page(s), but the server has more at @odata.nextLink {SECOND}" in (
        error.message
    )
    assert error.how_to_fix == "Raise max_pages, or narrow the query with $filter / $select."
