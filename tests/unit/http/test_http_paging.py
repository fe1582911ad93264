"""``iterate_items``: which next links are followed, and when paging stops.

A pure function over a fetch callable: the pages are a dict from URL to body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from txo.errors import ApiOperationError
from txo.http.paging import iterate_items

FIRST = httpx.URL("https://api.example.com/v2.0/items?$top=2")


class Pages:
    """Serves bodies by URL and records which URLs were fetched."""

    def __init__(self, bodies: Mapping[str, Any]) -> None:
        self.bodies = bodies
        self.fetched: list[str] = []

    def __call__(self, url: httpx.URL) -> Any:
        self.fetched.append(str(url))
        return self.bodies[str(url)]


def collect(pages: Pages, *, max_pages: int = 10) -> list[Any]:
    return list(iterate_items(pages, FIRST, max_pages=max_pages))


def test_relative_next_link_is_resolved_against_the_page_url() -> None:
    pages = Pages({
        str(FIRST): {"value": [1, 2], "@odata.nextLink": "items?$skiptoken=2"},
        "https://api.example.com/v2.0/items?$skiptoken=2": {"value": [3]},
    })  # fmt: skip
    assert collect(pages) == [1, 2, 3]
    assert pages.fetched[1] == "https://api.example.com/v2.0/items?$skiptoken=2"


def test_legacy_odata_next_link_key_is_followed_and_whitespace_trimmed() -> None:
    second = "https://api.example.com/v2.0/items?page=2"
    pages = Pages({
        str(FIRST): {"value": [1], "odata.nextLink": f"  {second}\n"},
        second: {"value": [2]},
    })  # fmt: skip
    assert collect(pages) == [1, 2]


@pytest.mark.parametrize("link", ["", "   ", None, 42, ["x"], {"href": "x"}])
def test_a_blank_or_non_text_next_link_ends_paging(link: object) -> None:
    pages = Pages({str(FIRST): {"value": [1], "@odata.nextLink": link}})
    assert collect(pages) == [1]
    assert pages.fetched == [str(FIRST)]


def test_a_plain_list_body_is_one_page() -> None:
    pages = Pages({str(FIRST): [1, 2, 3]})
    assert collect(pages) == [1, 2, 3]


def test_a_link_back_to_the_first_page_is_a_loop() -> None:
    pages = Pages({str(FIRST): {"value": [1], "@odata.nextLink": str(FIRST)}})
    items: list[Any] = []
    with pytest.raises(ApiOperationError, match="Paging loop"):
        items.extend(iterate_items(pages, FIRST, max_pages=10))
    assert items == [1]  # what was fetched was yielded before stopping
    assert pages.fetched == [str(FIRST)]


def chain(count: int) -> Pages:
    """``count`` pages, each linking to the next; the last has no link."""
    urls = [str(FIRST)] + [
        f"https://api.example.com/v2.0/items?page={n}" for n in range(2, count + 1)
    ]
    bodies: dict[str, Any] = {}
    for n, url in enumerate(urls):
        body: dict[str, Any] = {"value": [n + 1]}
        if n + 1 < count:
            body["@odata.nextLink"] = urls[n + 1]
        bodies[url] = body
    return Pages(bodies)


def test_exactly_max_pages_pages_is_not_an_error() -> None:
    assert collect(chain(3), max_pages=3) == [1, 2, 3]


def test_one_page_more_than_max_pages_stops_after_yielding_the_cap() -> None:
    pages = chain(4)
    items: list[Any] = []
    with pytest.raises(ApiOperationError, match="max_pages=3") as caught:
        items.extend(iterate_items(pages, FIRST, max_pages=3))
    assert items == [1, 2, 3]
    assert len(pages.fetched) == 3  # the fourth page was never requested
    context = caught.value.context
    assert context is not None and context.details is not None
    assert context.details["pages_fetched"] == 3


@pytest.mark.parametrize("max_pages", [0, -1])
def test_max_pages_must_be_positive(max_pages: int) -> None:
    with pytest.raises(ValueError, match="max_pages must be at least 1"):
        list(iterate_items(chain(1), FIRST, max_pages=max_pages))
    assert list(iterate_items(chain(1), FIRST, max_pages=1)) == [1]
