"""The secret registry: every value that must never reach a log line, in every form it travels.

A secret rarely leaves a script only as itself: ``%r`` and ``repr()`` of a
list escape its quotes and backslashes, ``json.dumps`` escapes them
differently (and non-ASCII as ``\\uXXXX``), a query string or form body
percent-encodes it, and HTTP Basic authentication sends
``base64("client_id:secret")``.  So registering a value registers these
*derived forms* too, and the redactor replaces any of them in one scan (see
:func:`derived_forms` for the exact list; ``docs/redaction.md`` for what is
not matched, such as ``.upper()`` or a substring of a secret).
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterable

__all__ = ["REDACTED", "WITHHELD", "SecretRegistry", "derived_forms", "pair_forms", "secret_text"]

REDACTED = "[REDACTED]"
WITHHELD = "[REDACTED: log text withheld because a secret could not be removed safely]"


def secret_text(value: object) -> str | None:
    """The text a secret value is printed as: strings as they are, numbers by ``str()``.

    Booleans and anything else (lists, None) are not secrets: None is returned.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return None


def derived_forms(value: str) -> frozenset[str]:
    """``value`` and the escaped and encoded forms it is commonly written in.

    repr (as ``%r``, ``repr(list)`` and ``ascii()`` write it, and the UTF-8
    bytes' repr), JSON string content (``ensure_ascii`` on and off),
    percent-encoding (``quote`` with and without ``/`` safe, ``quote_plus``,
    as ``urlencode`` writes it) and base64 of the UTF-8 bytes (standard and
    URL-safe alphabet, with and without ``=`` padding).
    """
    raw = value.encode("utf-8", "surrogatepass")
    forms = {
        value,
        repr(value)[1:-1],
        ascii(value)[1:-1],
        repr(raw)[2:-1],
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        urllib.parse.quote(value, errors="surrogatepass"),
        urllib.parse.quote(value, safe="", errors="surrogatepass"),
        urllib.parse.quote_plus(value, errors="surrogatepass"),
    }
    forms |= _base64_forms(raw)
    return frozenset(forms)


def pair_forms(user: str, secret: str) -> frozenset[str]:
    """The HTTP Basic form of ``user:secret``: base64, both alphabets, padded or not."""
    return _base64_forms(f"{user}:{secret}".encode("utf-8", "surrogatepass"))


def _base64_forms(raw: bytes) -> frozenset[str]:
    standard = base64.b64encode(raw).decode("ascii")
    urlsafe = base64.urlsafe_b64encode(raw).decode("ascii")
    return frozenset({standard, standard.rstrip("="), urlsafe, urlsafe.rstrip("=")})


class SecretRegistry:
    """A thread-safe set of secret values that must never reach a log line.

    Strings are registered as they are, numbers by their text (``98765432``);
    booleans, values shorter than :attr:`MIN_LENGTH` characters,
    whitespace-only values and values found inside ``[REDACTED]`` are
    ignored: replacing every ``"ab"`` or ``" "`` would shred ordinary text,
    and a value inside the marker could never be removed.  Each secret brings
    its :func:`derived_forms` (and :meth:`add_pair` the Basic-auth form), all
    matched by the same scan.  ``version`` grows on every change so a
    :class:`~txo.log.Redactor` recompiles only when needed.  The repr never
    shows a value.
    """

    MIN_LENGTH = 4
    __slots__ = ("_forms", "_lock", "_values", "version")

    def __init__(self, values: Iterable[object] = ()) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._forms: set[str] = set()
        #: A counter that changes whenever a value is added (a plain attribute: read per log line).
        self.version = 0
        self.add_many(values)

    @classmethod
    def accepts(cls, value: object) -> bool:
        """Whether ``value`` would be registered (see the class docstring)."""
        text = secret_text(value)
        return text is not None and cls._long_enough(text)

    @classmethod
    def _long_enough(cls, text: str) -> bool:
        return len(text) >= cls.MIN_LENGTH and not text.isspace() and text not in REDACTED

    def add(self, value: object) -> None:
        """Register one secret (ignored when :meth:`accepts` says no)."""
        self.add_many((value,))

    def add_many(self, values: Iterable[object]) -> None:
        """Register several secrets at once (one version bump)."""
        texts = {secret_text(v) for v in values}
        fresh = {t for t in texts if t is not None and self._long_enough(t)}
        with self._lock:
            fresh -= self._values
        forms = {form for text in fresh for form in derived_forms(text)}
        self._register(fresh, forms)

    def add_pair(self, user: str, secret: object) -> None:
        """Register ``secret`` and the HTTP Basic form of ``user:secret`` (client id and secret)."""
        text = secret_text(secret)
        if text is None or not self._long_enough(text):
            return
        self._register({text}, {*derived_forms(text), *pair_forms(user, text)})

    def _register(self, values: set[str], forms: set[str]) -> None:
        forms = {form for form in forms if self._long_enough(form)}
        with self._lock:
            values -= self._values
            forms -= self._forms
            if values or forms:
                self._values |= values
                self._forms |= forms
                self.version += 1

    def snapshot(self) -> frozenset[str]:
        """The registered values right now (their text, without derived forms)."""
        return self.versioned_snapshot()[1]

    def versioned_snapshot(self) -> tuple[int, frozenset[str]]:
        """The version and the values it stands for, read together."""
        with self._lock:
            return self.version, frozenset(self._values)

    def forms(self) -> frozenset[str]:
        """Every text that is replaced: the values and all their derived forms."""
        return self.versioned_forms()[1]

    def versioned_forms(self) -> tuple[int, frozenset[str]]:
        """The version and every text to replace at that version, read together."""
        with self._lock:
            return self.version, frozenset(self._forms)

    def __contains__(self, value: object) -> bool:
        text = secret_text(value)
        with self._lock:
            return text in self._values

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"SecretRegistry(<{len(self)} secret(s)>)"
