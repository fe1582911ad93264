"""Follow OData server-driven paging (``@odata.nextLink``) safely.

v2.1 paged with ``$top/$skip`` and never followed ``@odata.nextLink``; on a
failure after page 1 it logged and returned a partial list.  Here:

* items are yielded exactly as the server returns them — ``@odata.etag``
  and friends are kept, since ``patch(..., etag=item["@odata.etag"])``
  needs them;
* a relative ``nextLink`` is resolved against the page that carried it;
* a ``nextLink`` already fetched (a paging loop) raises
  :class:`~txo.errors.ApiOperationError` naming the link;
* more than ``max_pages`` pages raises too, **after** the items of the
  pages fetched so far have been yielded: data is never dropped silently
  (``get_all`` therefore returns everything or raises);
* errors on any page propagate (no partial lists).

Whether the ``Authorization`` header may go to a ``nextLink`` on another
host is the client's business: the ``fetch`` callable it passes in decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx

from txo.errors import ApiOperationError, ErrorContext
from txo.http.classify import display_url

__all__ = ["NEXT_LINK_KEYS", "PageFetcher", "iterate_items"]

NEXT_LINK_KEYS = ("@odata.nextLink", "odata.nextLink")

PageFetcher = Callable[[httpx.URL], Any]
"""GET one page through the client pipeline and return its parsed JSON body."""


def iterate_items(fetch: PageFetcher, first: httpx.URL, *, max_pages: int) -> Iterator[Any]:
    """Yield every item of every page, starting at ``first``."""
    if max_pages < 1:
        raise ValueError(f"max_pages must be at least 1, got {max_pages}")
    seen = {str(first)}
    url, pages = first, 0
    while True:
        body = fetch(url)
        pages += 1
        yield from _items(body, url)
        following = _next_link(body, url)
        if following is None:
            return
        _check_next(following, seen, pages, max_pages, first)
        seen.add(str(following))
        url = following


def _items(body: Any, url: httpx.URL) -> list[Any]:
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("value"), list):
        items: list[Any] = body["value"]
        return items
    raise ApiOperationError(
        f"GET {display_url(url)} did not return an OData collection "
        f"(expected an object with a 'value' array, got {type(body).__name__})",
        context=ErrorContext(operation="GET", resource=display_url(url)),
        how_to_fix="Use get() for single entities; paginate()/get_all() need a collection URL.",
    )


def _next_link(body: Any, url: httpx.URL) -> httpx.URL | None:
    if not isinstance(body, dict):
        return None
    for key in NEXT_LINK_KEYS:
        link = body.get(key)
        if isinstance(link, str) and link.strip():
            return url.join(link.strip())
    return None


def _check_next(
    following: httpx.URL, seen: set[str], pages: int, max_pages: int, first: httpx.URL
) -> None:
    context = ErrorContext(
        operation="GET (paging)",
        resource=display_url(first),
        details={"pages_fetched": pages, "next_link": str(following)},
    )
    if str(following) in seen:
        raise ApiOperationError(
            f"Paging loop: page {pages} of {display_url(first)} points to @odata.nextLink "
            f"{following}, which was already fetched; stopping instead of looping forever",
            context=context,
            how_to_fix="The server returned a repeating nextLink; report it to the API owner.",
        )
    if pages >= max_pages:
        raise ApiOperationError(
            f"Stopped paging {display_url(first)} after max_pages={max_pages} page(s), but the "
            f"server has more at @odata.nextLink {following}; no data was dropped silently",
            context=context,
            how_to_fix="Raise max_pages, or narrow the query with $filter / $select.",
        )
