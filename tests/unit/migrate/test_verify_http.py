"""The HTTP comparison: order, bodies, multiset for threads, and the documented normalisations."""

from __future__ import annotations

import json

from txo.migrate.verify.http import SentRequest, compare_http
from txo.migrate.verify.replay import next_page_uri, with_next_link

BASE = "https://api.example/api/v2.0/companies(1)/customers"


def _get(query: str = "") -> SentRequest:
    return SentRequest("GET", BASE + query)


def test_same_requests_pass() -> None:
    sent = [_get(), SentRequest("PATCH", BASE + "(2)", '{"a": 1, "b": 2}')]
    again = [_get(), SentRequest("PATCH", BASE + "(2)", '{"b": 2, "a": 1}')]
    result = compare_http(sent, again, multiset=False)
    assert result.ok and result.summary == "2 = 2" and result.notes == ()


def test_missing_and_unexpected_requests_are_listed_with_their_position() -> None:
    recorded = [_get(), SentRequest("DELETE", BASE + "(2)")]
    sent = [_get(), SentRequest("POST", BASE, '{"number": "X"}')]
    result = compare_http(recorded, sent, multiset=False)
    assert not result.ok
    assert result.details == (
        "missing request #2: DELETE /api/v2.0/companies(1)/customers(2)",
        "unexpected request #2: POST /api/v2.0/companies(1)/customers",
        '    body {"number": "X"}',
    )


def test_order_matters_in_sequence_but_not_in_a_multiset() -> None:
    a, b = _get("?$filter=a"), _get("?$filter=b")
    assert not compare_http([a, b], [b, a], multiset=False).ok
    result = compare_http([a, b], [b, a], multiset=True)
    assert result.ok
    assert any("multiset" in note for note in result.notes)


def test_paging_parameters_are_a_reported_normalisation() -> None:
    recorded = [_get("?$top=2&$skip=0"), _get("?$top=2&$skip=2")]
    sent = [_get(), _get("?$skiptoken=abc")]
    result = compare_http(recorded, sent, multiset=False)
    assert result.ok
    assert result.notes[0].startswith("changed on purpose: paging parameters ($top/$skip)")
    assert "migration/GUIDE.md §5" in result.notes[0]


def test_token_requests_are_counted_not_compared() -> None:
    token = SentRequest(
        "POST", "https://login/t/oauth2/v2.0/token", "grant_type=client_credentials"
    )
    result = compare_http([token, _get()], [_get()], multiset=False)
    assert result.ok
    assert result.notes == (
        "token requests: 1 recorded, 0 sent — counted, not compared "
        "(see migration/GUIDE.md §5 (get_client_credentials_token))",
    )


def test_replay_links_a_recorded_top_skip_page_to_the_next_one() -> None:
    base = "http://h/api/customers?$top=2&$skip="
    later = ["http://h/api/companies", base + "4", base + "2"]
    assert next_page_uri(base + "0", later) == base + "2"
    assert next_page_uri(base + "2", later) == base + "4"
    assert next_page_uri(base + "4", later) is None  # the last page recorded: no link
    assert next_page_uri("http://h/api/customers", later) is None  # not a v2.1 page
    body = json.dumps({"value": [{"n": 1}, {"n": 2}]}).encode()
    page = {
        "status": {"code": 200},
        "headers": {"Content-Length": ["30"]},
        "body": {"string": body},
    }
    linked = with_next_link(page, base + "2")
    data = linked["body"]["string"]
    assert json.loads(data)["@odata.nextLink"] == base + "2"
    assert linked["headers"]["Content-Length"] == [str(len(data))]
    empty = {"status": {"code": 200}, "headers": {}, "body": {"string": b'{"value": []}'}}
    assert with_next_link(empty, base + "2") is empty  # an empty page ends v2.1's paging
