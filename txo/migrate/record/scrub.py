"""Make a recording safe to commit: secrets become stable placeholders before anything is written.

What is removed from every cassette interaction and every recorded log line or output:

* request and response headers that carry credentials (``Authorization``, ``Cookie``,
  ``Set-Cookie``, ``Proxy-Authorization``, API-key and token headers) are dropped;
* every value of the project's secrets files (``config/*-secrets.json``) and every
  secret-looking value of its configs (keys such as ``client-secret``, ``password``,
  ``api-key``, ``token``) is replaced by ``<redacted:FILE-KEY>`` wherever it appears — raw,
  URL-encoded or JSON-escaped — in URLs, bodies and header values;
* token-endpoint responses (any JSON object with ``access_token``, ``refresh_token`` or
  ``id_token``) get ``<redacted:access_token>`` etc., and the real token is then replaced
  wherever it appears later in the same run.  Each further distinct token of a run gets its
  own numbered placeholder (``<redacted:access_token-2>``), so a script that checks a fresh
  token differs from the cached one sees the same answer on replay.

The placeholders depend only on key names and the order tokens were issued in, so recording
twice gives the same files.

WHY plain Python without any txo import: the recording bootstrap runs this module under the
user's *legacy* interpreter, which has no txo installed.  Keep it importable on Python 3.10.
"""

from __future__ import annotations

import copy
import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

__all__ = [
    "SECRET_KEY",
    "Scrubber",
    "project_secrets",
]

#: Header names that carry credentials: dropped from requests and responses.
DROPPED_HEADER = re.compile(
    r"^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|"
    r"ocp-apim-subscription-key|x-auth-token|x-csrf-token)$",
    re.IGNORECASE,
)
#: Config keys whose values are secrets even outside the secrets file.
SECRET_KEY = re.compile(r"secret|password|passwd|token|api[-_]?key|private[-_]?key", re.I)
TOKEN_FIELDS = ("access_token", "refresh_token", "id_token")
_MIN_SECRET = 4


def _leaves(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        found: list[tuple[str, str]] = []
        for key, item in value.items():
            found += _leaves(item, f"{path}.{key}" if path else str(key))
        return found
    if isinstance(value, list):
        found = []
        for index, item in enumerate(value):
            found += _leaves(item, f"{path}[{index}]")
        return found
    if isinstance(value, str) and len(value) >= _MIN_SECRET:
        return [(path, value)]
    return []


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def project_secrets(root: Path) -> dict[str, str]:
    """{secret value: placeholder} for a project's secrets files and secret-named config keys."""
    found: dict[str, str] = {}
    config = root / "config"
    for file in sorted(config.glob("*.json")) if config.is_dir() else []:
        stem = file.name[: -len(".json")]
        leaves = _leaves(_read(file), "")
        for key, value in leaves:
            if stem.endswith("-secrets") or SECRET_KEY.search(key.rsplit(".", 1)[-1]):
                found.setdefault(value, f"<redacted:{stem}.{key}>")
    return found


def _variants(value: str) -> set[str]:
    """The forms a secret takes on the wire: raw, URL-encoded (both styles), JSON-escaped."""
    return {
        value,
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote_plus(value),
        json.dumps(value)[1:-1],
    }


class Scrubber:
    """Replaces known secret values by placeholders; learns issued tokens as it sees them."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self._pairs: list[tuple[str, str]] = []
        self._tokens: dict[str, list[str]] = {}  # field -> distinct tokens, in issue order
        for value, placeholder in secrets.items():
            self.add(value, placeholder)

    def add(self, value: str, placeholder: str) -> None:
        """Replace ``value`` (in every wire form) by ``placeholder`` from now on."""
        if len(value) < _MIN_SECRET:
            return
        known = {v for v, _ in self._pairs}
        self._pairs += [(v, placeholder) for v in _variants(value) if v not in known]
        self._pairs.sort(key=lambda pair: -len(pair[0]))  # longest first: no partial leftovers

    @property
    def secrets(self) -> list[str]:
        """Every value being replaced (for leak checks)."""
        return [value for value, _ in self._pairs]

    def text(self, text: str) -> str:
        for value, placeholder in self._pairs:
            if value in text:
                text = text.replace(value, placeholder)
        return text

    def body(self, body: Any) -> Any:
        """A bytes or str body with secrets replaced (other bodies as they are)."""
        if isinstance(body, bytes):
            try:
                return self.text(body.decode("utf-8")).encode("utf-8")
            except UnicodeDecodeError:
                return body
        if isinstance(body, str):
            return self.text(body)
        return body

    def request(self, request: Any) -> Any:
        """A scrubbed copy of a vcrpy request (the real request is left untouched)."""
        request = copy.deepcopy(request)
        for name in [n for n in request.headers if DROPPED_HEADER.match(n)]:
            del request.headers[name]
        for name in list(request.headers):
            request.headers[name] = self.text(str(request.headers[name]))
        request.uri = self.text(request.uri)
        request.body = self.body(request.body)
        return request

    def _token_placeholder(self, field: str, token: str) -> str:
        seen = self._tokens.setdefault(field, [])
        if token not in seen:
            seen.append(token)
        number = seen.index(token) + 1
        return f"<redacted:{field}>" if number == 1 else f"<redacted:{field}-{number}>"

    def _learn_tokens(self, body: Any) -> Any:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        if not isinstance(text, str) or not any(f in text for f in TOKEN_FIELDS):
            return body
        try:
            data = json.loads(text)
        except ValueError:
            return body
        if not isinstance(data, dict):
            return body
        for field in TOKEN_FIELDS:
            if isinstance(data.get(field), str):
                placeholder = self._token_placeholder(field, data[field])
                self.add(data[field], placeholder)
                data[field] = placeholder
        out = json.dumps(data)
        return out.encode("utf-8") if isinstance(body, bytes) else out

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """A scrubbed copy of a vcrpy response dict (status, headers, body)."""
        response = copy.deepcopy(response)
        headers = response.get("headers") or {}
        response["headers"] = {
            name: [self.text(str(v)) for v in values]
            for name, values in headers.items()
            if not DROPPED_HEADER.match(name)
        }
        body = response.get("body") or {}
        if "string" in body:
            body["string"] = self.body(self._learn_tokens(body["string"]))
        return response
