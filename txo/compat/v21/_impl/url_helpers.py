"""v2.1 ``utils.url_helpers``: URL and OData-filter helpers (stdlib only).

Bug 8 fixed: ``build_odata_filter`` writes booleans as ``true``/``false``,
passes a string through unquoted only when it *starts* with an OData
comparison operator (``"gt 1000"``), and doubles single quotes inside
quoted strings (``O'Brien`` → ``'O''Brien'``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlparse, urlunparse

from txo.compat.warnings import shim_of

__all__ = [
    "URLComponents",
    "add_query_params",
    "build_context_string",
    "build_odata_filter",
    "build_query_string",
    "build_url",
    "extract_path_params",
    "join_url_paths",
    "normalize_path",
    "odata_condition",
    "parse_url",
]

_log = logging.getLogger("TxoApp")

_OPERATOR_PREFIX = re.compile(r"^\s*(eq|ne|gt|ge|lt|le|has|in)\s+\S", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\\\{([^}]+)\\\}")


@shim_of("utils.url_helpers.URLComponents")
@dataclass
class URLComponents:
    """Base URL, path segments (not encoded), query parameters and fragment."""

    base_url: str
    path_segments: list[Any] = field(default_factory=list)
    query_params: dict[str, Any] = field(default_factory=dict)
    fragment: str | None = None

    def build(self) -> str:
        """The URL; empty segments are skipped, segments are not encoded."""
        url = self.base_url.rstrip("/")
        segments = [str(s) for s in self.path_segments if s]
        if segments:
            url = f"{url}/{'/'.join(segments)}"
        if self.query_params:
            url = f"{url}?{build_query_string(self.query_params)}"
        if self.fragment:
            url = f"{url}#{self.fragment}"
        return url


@shim_of("utils.url_helpers.build_url")
def build_url(
    base_url: str,
    *path_segments: str | int,
    query_params: dict[str, Any] | None = None,
    fragment: str | None = None,
    encode_path: bool = True,
) -> str:
    """Join segments (each quoted with ``safe=''``), add the query and quoted fragment."""
    url = base_url.rstrip("/")
    if path_segments:
        parts = [quote(str(s), safe="") if encode_path else str(s) for s in path_segments]
        url = f"{url}/{'/'.join(parts)}"
    if query_params:
        url = f"{url}?{build_query_string(query_params)}"
    if fragment:
        url = f"{url}#{quote(fragment)}"
    return url


@shim_of("utils.url_helpers.build_query_string")
def build_query_string(
    params: dict[str, Any], safe_chars: str = "", array_format: str = "repeat"
) -> str:
    """``key=value`` pairs: None skipped, bools as true/false, lists per ``array_format``."""
    parts: list[str] = []
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            parts.extend(_array_parts(key, value, safe_chars, array_format))
        elif isinstance(value, bool):
            parts.append(f"{key}={str(value).lower()}")
        else:
            parts.append(f"{key}={quote(str(value), safe=safe_chars)}")
    return "&".join(parts)


def _array_parts(key: str, values: Any, safe: str, array_format: str) -> list[str]:
    quoted = [quote(str(v), safe=safe) for v in values]
    if array_format == "repeat":
        return [f"{key}={v}" for v in quoted]
    if array_format == "brackets":
        return [f"{key}[]={v}" for v in quoted]
    if array_format == "comma":
        return [f"{key}={','.join(quoted)}"]
    return []


def odata_condition(field_name: str, condition: Any) -> str:
    """One OData comparison (shared with ``get_odata_entities_filtered``; bug 8 fixed)."""
    if condition is None:
        return f"{field_name} eq null"
    if isinstance(condition, bool):  # before int: bool is an int subclass
        return f"{field_name} eq {str(condition).lower()}"
    if isinstance(condition, int | float):
        return f"{field_name} eq {condition}"
    text = str(condition)
    if _OPERATOR_PREFIX.match(text):
        return f"{field_name} {text.strip()}"
    if text and text.replace(".", "").replace("-", "").isdigit():
        return f"{field_name} eq {text}"
    return f"{field_name} eq '{text.replace(chr(39), chr(39) * 2)}'"


@shim_of("utils.url_helpers.build_odata_filter")
def build_odata_filter(conditions: dict[str, Any], operator: str = "and") -> str:
    """``{"status": "gt 1", "name": "a"}`` → ``"status gt 1 and name eq 'a'"``."""
    if not conditions:
        return ""
    return f" {operator} ".join(odata_condition(k, v) for k, v in conditions.items())


@shim_of("utils.url_helpers.parse_url")
def parse_url(url: str) -> dict[str, Any]:
    """scheme, netloc, path, params, query (``parse_qs``), fragment."""
    parsed = urlparse(url)
    return {
        "scheme": parsed.scheme,
        "netloc": parsed.netloc,
        "path": parsed.path,
        "params": parsed.params,
        "query": parse_qs(parsed.query),
        "fragment": parsed.fragment,
    }


@shim_of("utils.url_helpers.add_query_params")
def add_query_params(url: str, params: dict[str, Any]) -> str:
    """Add or override query parameters (None values are ignored)."""
    parsed = urlparse(url)
    query: dict[str, Any] = parse_qs(parsed.query)
    for key, value in params.items():
        if value is not None:
            query[key] = value if isinstance(value, list) else [str(value)]
    return urlunparse(parsed._replace(query=urlencode(query, doseq=True)))


@shim_of("utils.url_helpers.extract_path_params")
def extract_path_params(url_template: str, url: str) -> dict[str, str]:
    """``{name}`` placeholders matched against ``url`` (``{}`` when it does not match)."""
    pattern = _PLACEHOLDER.sub(r"(?P<\1>[^/]+)", re.escape(url_template))
    match = re.match(pattern, url)
    return dict(match.groupdict()) if match else {}


@shim_of("utils.url_helpers.build_context_string")
def build_context_string(*components: Any, separator: str = ":") -> str:
    """``"[a:b]"``; None dropped; a part over 36 chars containing '-' is cut to 8."""
    parts = [str(c) for c in components if c is not None]
    cut = [p[:8] if len(p) > 36 and "-" in p else p for p in parts]
    return f"[{separator.join(cut)}]"


@shim_of("utils.url_helpers.normalize_path")
def normalize_path(path: str) -> str:
    """Collapse slashes and ``.``/``..``; keep leading and trailing slashes."""
    collapsed = re.sub(r"/+", "/", path)
    segments: list[str] = []
    for segment in collapsed.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in (".", ""):
            segments.append(segment)
    result = "/".join(segments)
    if collapsed.startswith("/"):
        result = "/" + result
    if collapsed.endswith("/") and not result.endswith("/"):
        result += "/"
    return result


@shim_of("utils.url_helpers.join_url_paths")
def join_url_paths(*paths: str) -> str:
    """``("/api/v2/", "/users/", "123")`` → ``"/api/v2/users/123"``."""
    if not paths:
        return ""
    result = paths[0]
    for path in paths[1:]:
        if not path:
            continue
        if result.endswith("/") and path.startswith("/"):
            result += path[1:]
        elif not result.endswith("/") and not path.startswith("/"):
            result += "/" + path
        else:
            result += path
    return normalize_path(result)
