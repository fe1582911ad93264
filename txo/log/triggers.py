"""Cheap pre-checks derived from a rule's regex, for rules whose file names no triggers.

The redactor only tries a rule on text that holds one of its *triggers*
(see :mod:`txo.log.engine`).  v2.1 pattern files have no triggers, and a
project file that reuses a bundled rule's name replaces the bundled
triggers too; without help every such rule would run on every line.  So
the regex is read with Python's own parser and a set of literals is derived
of which every match must contain at least one, in the views the engine
checks: folded (lowercase, any digit as ``#``) or, failing that, shaped
(any letter or digit as ``@``).  ``\\bEMP-\\d{6}\\b`` gives ``emp-######``;
``(?:password|pwd)=`` gives ``password=`` and ``pwd=``;
``[A-Za-z0-9]{40,}`` gives forty ``@``.  Whatever is not understood ends a
literal run, which only makes a trigger shorter or absent, never wrong:
a rule without a usable trigger is simply searched for, as before.
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Sequence
from typing import Any

__all__ = ["derive_triggers"]

_MIN_LENGTH = 3  # a shorter trigger would fire on almost every line
_MAX_REPEAT = 40  # longer runs add nothing to selectivity
_ALNUM = frozenset(map(ord, string.ascii_letters + string.digits))
_DIGITS = frozenset(map(ord, string.digits))
# Characters that never end a literal run: zero-width assertions.
_ZERO_WIDTH = frozenset({"AT", "ASSERT", "ASSERT_NOT"})


def derive_triggers(pattern: str, flags: int = re.IGNORECASE) -> tuple[str, ...]:
    """Literals every match of ``pattern`` contains one of (``()`` if none can be derived)."""
    try:
        parser: Any = importlib.import_module("re._parser")  # the stdlib's own (3.11+)
        parsed = list(parser.parse(pattern, flags))
    except Exception:  # an unknown construct or parser: no derivation, the rule is searched for
        return ()
    for shape in (False, True):
        found = _Deriver(shape).sequence(parsed)
        if found and min(map(len, found)) >= _MIN_LENGTH:
            return tuple(sorted(t for t in found if not any(o in t for o in found if o != t)))
    return ()


class _Deriver:
    """One view's derivation: ``shape`` maps letters and digits to ``@``, else folds them.

    An item is *exact* when it matches one of a few known strings (``[Bb]``,
    ``_?``, ``(?:pwd|passwd)``); consecutive exact items multiply into one
    set of literal runs.  Anything else closes the runs (kept as a candidate)
    and may contribute its own nested candidate (a group, an alternation).
    """

    __slots__ = ("shape",)

    def __init__(self, shape: bool) -> None:
        self.shape = shape

    def sequence(self, items: Sequence[Any]) -> frozenset[str] | None:
        """The best trigger set of a concatenation: its best run set or nested result."""
        candidates: list[frozenset[str]] = []
        runs: frozenset[str] = _EMPTY
        for op, arg in items:
            name = str(op)
            if name in _ZERO_WIDTH:
                continue  # consumes nothing: the runs go on
            exact = self.exact(name, arg)
            if exact is not None:
                runs = _joined(runs, exact, candidates)
                if _ends_runs(name, arg):
                    runs = _closed(runs, candidates)
                continue
            runs = _closed(runs, candidates)
            nested = self._nested(name, arg)
            if nested:
                candidates.append(nested)
        _closed(runs, candidates)
        return max(candidates, key=_score, default=None)

    def exact(self, name: str, arg: Any) -> frozenset[str] | None:
        """The few strings an item matches (for a repeat: its required part), or None."""
        if name == "LITERAL":
            char = self._char(arg)
            return None if char is None else frozenset({char})
        if name == "IN":
            return self._class(arg)
        if name == "SUBPATTERN":
            return self._exact_sequence(arg[3])
        if name == "BRANCH":
            return _union(self._exact_sequence(branch) for branch in arg[1])
        if name in _REPEATS:
            low, high, body = arg
            once = self._exact_sequence(body)  # None when the body varies (e.g. holds a+)
            if once is None or low > _MAX_REPEAT:
                return None
            required = _power(once, low)
            return required if high != 0 and low >= 1 else _optional(required, once, high)
        return None

    def _exact_sequence(self, items: Sequence[Any]) -> frozenset[str] | None:
        runs: frozenset[str] = _EMPTY
        for op, arg in items:
            name = str(op)
            if name in _ZERO_WIDTH:
                continue
            exact = self.exact(name, arg)
            if exact is None or _ends_runs(name, arg):
                return None
            joined = _product(runs, exact)
            if joined is None:
                return None
            runs = joined
        return runs

    def _char(self, code: int) -> str | None:
        if code >= 128:
            return None
        if self.shape:
            return "@" if code in _ALNUM else chr(code)
        return "#" if code in _DIGITS else chr(code).lower()

    def _class(self, members: Sequence[Any]) -> frozenset[str] | None:
        """``[Bb]`` → b; ``["']`` → both quotes; ``\\d`` → ``#``; shaped ``[A-Za-z0-9]`` → ``@``."""
        views: set[str | None] = set()
        for op, arg in members:
            name = str(op)
            if name == "LITERAL":
                views.add(self._char(arg))
            elif name == "RANGE" and arg[1] - arg[0] < 128:
                views |= {self._char(code) for code in range(arg[0], arg[1] + 1)}
            elif name == "CATEGORY" and str(arg) == "CATEGORY_DIGIT":
                views.add("@" if self.shape else "#")
            else:  # negation, \w, \s, wide ranges: anything may match
                return None
        if None in views or len(views) > _MAX_CLASS:
            return None
        return frozenset(v for v in views if v is not None)

    def _nested(self, name: str, arg: Any) -> frozenset[str] | None:
        """Trigger sets of groups, alternations and repeats of at least one."""
        if name == "SUBPATTERN":
            return self.sequence(arg[3])
        if name == "BRANCH":
            found: set[str] = set()
            for branch in arg[1]:
                sub = self.sequence(branch)
                if not sub:
                    return None
                found |= sub
            return frozenset(found)
        if name in _REPEATS and arg[0] >= 1:
            return self.sequence(arg[2])
        return None


_EMPTY = frozenset({""})
_MAX_SET = 64  # more alternatives than this are not worth checking one by one
_MAX_CLASS = 4  # a wider class ([A-Za-z0-9]) ends a run rather than multiplying it
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})


def _ends_runs(name: str, arg: Any) -> bool:
    """A repeat such as ``x+`` or ``x{2,5}``: only its required part joins the runs."""
    return name in _REPEATS and arg[0] >= 1 and arg[0] != arg[1]


def _product(left: frozenset[str], right: frozenset[str]) -> frozenset[str] | None:
    if len(left) * len(right) > _MAX_SET:
        return None
    return frozenset(a + b for a in left for b in right)


def _joined(
    runs: frozenset[str], exact: frozenset[str], candidates: list[frozenset[str]]
) -> frozenset[str]:
    """``runs`` followed by ``exact``; when that grows too big, ``runs`` close and restart."""
    joined = _product(runs, exact)
    if joined is not None:
        return joined
    _closed(runs, candidates)
    return exact


def _closed(runs: frozenset[str], candidates: list[frozenset[str]]) -> frozenset[str]:
    """Keep ``runs`` as a candidate when every match holds a non-empty one; start afresh."""
    if "" not in runs:
        candidates.append(runs)
    return _EMPTY


def _power(once: frozenset[str], times: int) -> frozenset[str] | None:
    result: frozenset[str] | None = _EMPTY
    for _ in range(times):
        result = None if result is None else _product(result, once)
    return result


def _optional(
    required: frozenset[str] | None, once: frozenset[str], high: int
) -> frozenset[str] | None:
    """``x?`` (or ``x{0,1}``) is exact: the empty string or ``x``; longer optional runs are not."""
    if required == _EMPTY and high == 1:
        return _EMPTY | once
    return None


def _union(parts: Any) -> frozenset[str] | None:
    found: set[str] = set()
    for part in parts:
        if part is None:
            return None
        found |= part
    return frozenset(found) if len(found) <= _MAX_SET else None


def _score(triggers: frozenset[str]) -> tuple[int, int]:
    """Prefer triggers whose shortest member is longest (capped: length beyond 8 adds little)."""
    return min(8, *map(len, triggers)), -len(triggers)
