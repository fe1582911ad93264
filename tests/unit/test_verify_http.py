"""The HTTP comparison: order, bodies, multiset for threads, and the documented normalisations."""

from __future__ import annotations

from txo.migrate.verify.http import SentRequest, compare_http

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
