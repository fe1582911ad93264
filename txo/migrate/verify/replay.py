"""``python -m txo.migrate.verify.replay SPEC.json``: one recorded run under txo.compat, offline.

Started by :func:`txo.migrate.verify.runner.run_case` in a copy of the project.  The script
runs through :func:`txo.compat.__main__.main` exactly as ``python -m txo.compat SCRIPT ARGS``
would run it (``import utils`` answered by the compat layer), while vcrpy answers every HTTP
request from the run's cassette and lets none reach the network (record mode ``none``: an
unrecorded request raises in the script).  Each request the script sends is written,
scrubbed with the same placeholders as the recording, to the request log for
:mod:`txo.migrate.verify.http` to compare.

Requests are matched on method, scheme, host, port, path and the query without paging
parameters; each recorded response is played once, in recorded order.

**Paging across the two libraries.**  v2.1 paged with ``$top/$skip`` and never followed
``@odata.nextLink``; the compat layer follows ``@odata.nextLink`` instead (a deliberate
change, migration/GUIDE.md §5).  A recorded ``$top/$skip`` page has no link for compat to
follow, so replay adds one: a recorded page whose request carried ``$top=N&$skip=K`` is
played with ``@odata.nextLink`` set to the recorded request for ``$skip=K+N`` (when there is
one).  Compat then reads exactly the pages the legacy library read, and the HTTP check
compares them with the paging parameters aside (a reported note, never hidden).  An index keyed the
same way keeps a 10,000-exchange cassette at constant cost per request; each request is
scrubbed once (its URI and body text), never deep-copied.  Responses stay on disk until
played (the cassette holds one interaction per line): memory holds the index, not the bodies.
"""

from __future__ import annotations

import json
import sys
import threading
import urllib.parse
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from txo.migrate.record.cassette_io import CommentedJson, interaction_lines, load_line
from txo.migrate.record.scrub import Scrubber, project_secrets
from txo.migrate.verify.http import matching_query

__all__ = ["main", "next_page_uri", "request_key", "with_next_link"]


def request_key(method: str, uri: str) -> tuple[str, str, str, int | None, str, str]:
    """What replay matches on: method, scheme, host, port, path, query without paging."""
    parts = urllib.parse.urlsplit(uri)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return (
        method.upper(),
        parts.scheme,
        parts.hostname or "",
        port,
        parts.path,
        matching_query(uri),
    )


def _top_skip(uri: str) -> tuple[int, int] | None:
    """($top, $skip) of a v2.1-style page request, else None."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(uri).query))
    try:
        return int(query["$top"]), int(query["$skip"])
    except (KeyError, ValueError):
        return None


def next_page_uri(uri: str, later: Iterable[str]) -> str | None:
    """The first of ``later`` recorded URIs that is the ``$top/$skip`` page after ``uri``."""
    paging = _top_skip(uri)
    if paging is None:
        return None
    top, skip = paging
    return next((u for u in later if _top_skip(u) == (top, skip + top)), None)


def with_next_link(response: dict[str, Any], link: str) -> dict[str, Any]:
    """A recorded OData page (vcrpy response, bytes body) with ``@odata.nextLink`` added."""
    try:
        body = json.loads(response["body"]["string"])
    except (KeyError, TypeError, ValueError):
        return response
    if not isinstance(body, dict) or not isinstance(body.get("value"), list) or not body["value"]:
        return response  # an empty page ends v2.1's paging: no link
    if "@odata.nextLink" in body:
        return response
    body["@odata.nextLink"] = link
    data = json.dumps(body).encode("utf-8")
    headers = {
        name: ([str(len(data))] if name.lower() == "content-length" else values)
        for name, values in response["headers"].items()
    }
    return {**response, "headers": headers, "body": {**response["body"], "string": data}}


def _build_index(data: Any) -> dict[Any, deque[int]]:
    """Request key -> the indices of the recorded interactions with that key, in order."""
    index: dict[Any, deque[int]] = defaultdict(deque)
    for i, (stored, _response) in enumerate(data):
        index[request_key(stored.method, stored.uri)].append(i)
    return index


def _following_page(data: Any, index: Mapping[Any, deque[int]], played: int) -> str | None:
    """The recorded ``$top/$skip`` page after the one about to be played (module docstring)."""
    stored = data[played][0]
    if _top_skip(stored.uri) is None:
        return None  # not a v2.1 page: nothing to scan (replay stays O(1) per request)
    later = index[request_key(stored.method, stored.uri)]
    return next_page_uri(stored.uri, (data[i][0].uri for i in later if i > played))


def _matcher(r1: Any, r2: Any) -> None:
    """For vcrpy's own error messages only: matching goes through the index below."""
    if request_key(r1.method, r1.uri) != request_key(r2.method, r2.uri):
        raise AssertionError("different request")


class _StoredRequest:
    """A recorded request as replay needs it: method and URI (bodies stay on disk)."""

    __slots__ = ("method", "uri")

    def __init__(self, method: str, uri: str) -> None:
        self.method, self.uri = method, uri

    def __repr__(self) -> str:
        return f"<Request ({self.method}) {self.uri}>"


class _CassetteFile:
    """The open cassette; reads one recorded response at a time, by byte offset."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close(), after the run
        self._lock = threading.Lock()

    def response_at(self, offset: int) -> dict[str, Any]:
        with self._lock:
            self._file.seek(offset)
            line = self._file.readline().decode("utf-8").rstrip().rstrip(",")
        from vcr.serializers.compat import convert_to_bytes  # type: ignore[import-untyped]

        response: dict[str, Any] = convert_to_bytes(load_line(line)["response"])
        return response  # as vcrpy's own loader hands it to the stubs: bodies as bytes

    def close(self) -> None:
        self._file.close()


class _LazyResponse:
    """A recorded response, read from the file when it is played (never kept)."""

    __slots__ = ("_file", "_offset")

    def __init__(self, file: _CassetteFile, offset: int) -> None:
        self._file, self._offset = file, offset

    def __deepcopy__(self, memo: Any) -> _LazyResponse:
        return self  # vcrpy copies what it loads; there is nothing to copy

    def load(self) -> dict[str, Any]:
        return self._file.response_at(self._offset)


def _lazy_persister(file: _CassetteFile) -> Any:
    from vcr.persisters.filesystem import FilesystemPersister  # type: ignore[import-untyped]

    class LazyPersister:
        """Requests indexed, responses left on disk; other layouts (YAML) load whole."""

        @staticmethod
        def load_cassette(path: str, serializer: Any) -> Any:
            requests: list[_StoredRequest] = []
            responses: list[_LazyResponse] = []
            for offset, line in interaction_lines(path):
                request = load_line(line)["request"]
                requests.append(_StoredRequest(request["method"], request["uri"]))
                responses.append(_LazyResponse(file, offset))
            if requests:
                return requests, responses
            return FilesystemPersister.load_cassette(path, serializer)

        @staticmethod
        def save_cassette(path: str, cassette_dict: Any, serializer: Any) -> None:
            """Replay never writes (record mode none)."""

    return LazyPersister


def _cassette_class(log: IO[str], scrubber: Scrubber) -> Any:
    from vcr.cassette import Cassette  # type: ignore[import-untyped]

    lock = threading.RLock()  # scripts send from several threads; vcrpy's state is shared

    class IndexedLoggingCassette(Cassette):  # type: ignore[misc]
        """Logs each request once; finds the next unplayed response through an index.

        The recorded URIs carry placeholders, so an incoming URI is scrubbed before its key is
        taken.  Matching and playing hold one lock: two threads never take the same response.
        """

        def _index(self) -> dict[Any, deque[int]]:
            with lock:
                index = self.__dict__.get("_txo_index")
                if index is None or self.__dict__.get("_txo_indexed") != len(self.data):
                    index = self.__dict__["_txo_index"] = _build_index(self.data)
                    self.__dict__["_txo_indexed"] = len(self.data)
                return index

        def _responses(self, request: Any) -> Any:
            key = request_key(request.method, scrubber.text(request.uri))
            indices = self._index().get(key, deque())
            while indices and self.play_counts[indices[0]]:
                indices.popleft()  # played in order: drop from the front, O(1) amortised
            for i in indices:
                yield i, self.data[i][1]

        def can_play_response_for(self, request: Any) -> bool:
            body = request.body_bytes if hasattr(request, "body_bytes") else request.body
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body or ""
            item = {
                "method": request.method,
                "uri": scrubber.text(request.uri),
                "body": scrubber.text(text),
                "thread": threading.get_ident(),
            }
            with lock:
                log.write(json.dumps(item) + "\n")
                return bool(super().can_play_response_for(request))

        def play_response(self, request: Any) -> Any:
            with lock:
                played = next((i for i, _ in self._responses(request)), None)
                link = None if played is None else _following_page(self.data, self._index(), played)
                response = super().play_response(request)
            loaded = response.load() if isinstance(response, _LazyResponse) else response
            return loaded if link is None else with_next_link(loaded, link)

    return IndexedLoggingCassette


def main(spec_file: str) -> int:
    """Replay the run the spec describes; return the script's exit code."""
    from vcr.record_mode import RecordMode  # type: ignore[import-untyped]

    from txo.compat.__main__ import main as run_under_compat

    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    scrubber = Scrubber(project_secrets(Path.cwd()))
    file = _CassetteFile(spec["cassette"])
    with open(spec["requests"], "w", encoding="utf-8") as log:
        cassette = _cassette_class(log, scrubber).use(
            path=spec["cassette"],
            record_mode=RecordMode.NONE,
            match_on=(_matcher,),
            serializer=CommentedJson,
            persister=_lazy_persister(file),
        )
        try:
            with cassette:
                return run_under_compat([*spec["options"], spec["script"], *spec["args"]])
        finally:
            file.close()


def cli() -> None:  # txo: entry-point
    """Exit with the replayed script's exit code."""
    raise SystemExit(main(sys.argv[1]))


if __name__ == "__main__":
    cli()
