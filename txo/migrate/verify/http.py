"""The HTTP check: did the script send the same requests as on the old library?

A request is compared as (method, path, query, body): JSON bodies as parsed JSON (key order
aside), form bodies as their fields, others as text; secrets were replaced by the same
placeholders on both sides.  Documented normalisations, reported as notes, never hidden:

* **paging**: ``$top``, ``$skip`` and ``$skiptoken`` are left out of the query, because the
  compat layer follows ``@odata.nextLink`` with ``Prefer: odata.maxpagesize`` instead of
  v2.1's ``$top/$skip`` (migration/GUIDE.md §5, "Paging");
* **token requests** (``POST …/token``, or a ``grant_type=`` form) are counted, not compared:
  getting and caching tokens is the compat layer's job (GUIDE §5) and their bodies are secret;
* **threads**: a run whose requests came from several threads is compared as a multiset,
  since their order is not deterministic.

Anything else — an unexpected request, a missing one, a different body — fails the check
with a readable diff.
"""

from __future__ import annotations

import json
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

__all__ = [
    "GUIDE_PAGING",
    "PAGING_PARAMS",
    "SentRequest",
    "compare_http",
    "matching_query",
    "read_cassette",
    "read_request_log",
]

PAGING_PARAMS = frozenset({"$top", "$skip", "$skiptoken"})
GUIDE_PAGING = "migration/GUIDE.md §5 (Paging)"
GUIDE_TOKENS = "migration/GUIDE.md §5 (get_client_credentials_token)"
_WIDTH = 160


@dataclass(frozen=True, slots=True)
class SentRequest:
    """One request as the comparison sees it (secrets already replaced by placeholders)."""

    method: str
    uri: str
    body: str = ""

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.uri).path

    @property
    def paged(self) -> bool:
        """The query carries paging parameters (left out of the comparison)."""
        return any(k in PAGING_PARAMS for k, _ in _query(self.uri))

    @property
    def is_token_request(self) -> bool:
        return (self.method == "POST" and self.path.endswith("/token")) or (
            "grant_type=" in self.body
        )

    @property
    def key(self) -> tuple[str, str, str]:
        """(method, path, query without paging parameters)."""
        return self.method.upper(), self.path, matching_query(self.uri)

    @property
    def label(self) -> str:
        query = matching_query(self.uri)
        return f"{self.method.upper()} {self.path}" + (f"?{query}" if query else "")

    def content(self) -> Any:
        """The body as JSON, as form fields, or as text ('' when empty)."""
        text = self.body
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            pass
        if "=" in text and " " not in text:
            return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
        return text


def _query(uri: str) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(urllib.parse.urlsplit(uri).query, keep_blank_values=True)


def matching_query(uri: str) -> str:
    """The query without paging parameters, sorted: what replay matches and compares."""
    kept = sorted((k, v) for k, v in _query(uri) if k not in PAGING_PARAMS)
    return urllib.parse.urlencode(kept, safe="$,()'")


def _text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return str(body)


def read_cassette(path: Path) -> list[SentRequest]:
    """The requests recorded in a vcrpy cassette, in recorded order."""
    from txo.migrate.record.cassette_io import CommentedJson, interaction_lines, load_line

    if not path.is_file():
        return []
    requests = [load_line(line)["request"] for _offset, line in interaction_lines(str(path))]
    if not requests:  # another layout (vcrpy's YAML) or no interactions: load it whole
        data = CommentedJson.deserialize(path.read_text(encoding="utf-8"))
        requests = [item["request"] for item in data["interactions"]]
    return [SentRequest(r["method"], r["uri"], _text(r["body"])) for r in requests]


def read_request_log(path: Path) -> tuple[tuple[SentRequest, ...], int]:
    """(requests the replayed script sent, number of threads that sent them)."""
    if not path.is_file():
        return (), 0
    sent, threads = [], set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            sent.append(SentRequest(item["method"], item["uri"], item["body"]))
            threads.add(item["thread"])
    return tuple(sent), len(threads)


@dataclass(frozen=True, slots=True)
class HttpComparison:
    ok: bool
    summary: str
    details: tuple[str, ...]
    notes: tuple[str, ...]


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def _body_diff(want: SentRequest, got: SentRequest) -> list[str]:
    old, new = want.content(), got.content()
    if old == new:
        return []
    lines = [f"{got.label}: different body"]
    if isinstance(old, dict) and isinstance(new, dict):
        for k in sorted(set(old) | set(new)):
            if (k in old, old.get(k)) != (k in new, new.get(k)):
                want_k = _short(old[k]) if k in old else "(absent)"
                got_k = _short(new[k]) if k in new else "(absent)"
                lines.append(f"    {k}: expected {want_k}, sent {got_k}")
        return lines
    return [*lines, f"    expected {_short(old)}", f"    sent     {_short(new)}"]


def _sequence(want: Sequence[SentRequest], got: Sequence[SentRequest]) -> list[str]:
    details: list[str] = []
    matcher = SequenceMatcher(None, [w.key for w in want], [g.key for g in got], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for w, g in zip(want[i1:i2], got[j1:j2], strict=True):
                details += _body_diff(w, g)
            continue
        details += [f"missing request #{i + 1}: {want[i].label}" for i in range(i1, i2)]
        details += [f"unexpected request #{j + 1}: {got[j].label}" for j in range(j1, j2)]
        details += [f"    body {_short(got[j].content())}" for j in range(j1, j2) if got[j].body]
    return details


def _multiset(want: Sequence[SentRequest], got: Sequence[SentRequest]) -> list[str]:
    def counted(items: Sequence[SentRequest]) -> Counter[tuple[str, str]]:
        return Counter((r.label, _short(r.content())) for r in items)

    expected, sent = counted(want), counted(got)
    details = [f"missing request: {label} {body}" for (label, body), _ in (expected - sent).items()]
    details += [
        f"unexpected request: {label} {body}" for (label, body), _ in (sent - expected).items()
    ]
    return details


def _notes(
    want: Sequence[SentRequest], got: Sequence[SentRequest], tokens: tuple[int, int], multi: bool
) -> list[str]:
    notes = []
    paged_before, paged_after = sum(r.paged for r in want), sum(r.paged for r in got)
    if paged_before != paged_after:
        notes.append(
            f"changed on purpose: paging parameters ($top/$skip) on {paged_before} recorded and "
            f"{paged_after} replayed requests, not compared — see {GUIDE_PAGING}"
        )
    if any(tokens):
        notes.append(
            f"token requests: {tokens[0]} recorded, {tokens[1]} sent — counted, not compared "
            f"(see {GUIDE_TOKENS})"
        )
    if multi:
        notes.append("requests came from several threads: compared as a multiset, not in order")
    return notes


def compare_http(
    recorded: Sequence[SentRequest], sent: Sequence[SentRequest], *, multiset: bool
) -> HttpComparison:
    """Compare what was sent with what was recorded; ``multiset`` ignores the order."""
    want = [r for r in recorded if not r.is_token_request]
    got = [r for r in sent if not r.is_token_request]
    tokens = (len(recorded) - len(want), len(sent) - len(got))
    details = _multiset(want, got) if multiset else _sequence(want, got)
    sign = "=" if not details else "≠"
    summary = f"{len(want)} {sign} {len(got)}"
    return HttpComparison(
        not details, summary, tuple(details), tuple(_notes(want, got, tokens, multiset))
    )
