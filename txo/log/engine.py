"""The redactor every log line passes through: registered secrets, then gated pattern rules.

How :meth:`Redactor.redact` decides, cheapest step first:

1. **Registered secrets** (values from the secrets file, every OAuth token)
   are replaced by ``[REDACTED]``: exact, case-sensitive, longest first.
   With up to 4 values (``_Secrets._SCAN_LIMIT``) a miss costs a few ``in``
   checks; the compiled prefix-trie regex runs only on a hit (or always, for
   more values).  It is rebuilt only when the registry's ``version`` changes.
2. **Gate.**  Every rule names *triggers*: lowercase literals of which each
   match contains at least one (``"bearer"``, ``"key="``, ``'secret"'``; a
   ``#`` stands for any digit, so the credit-card rule triggers on
   ``"########"``; a simple pattern triggers on its keywords).  The text is
   folded once (lowercase, digits to ``#``) and checked with ``in`` for a
   dozen *coarse* triggers (each fine trigger contains one: ``"token"``
   guards ``'token"'`` and ``"token="``); only the fine triggers behind a
   coarse hit are checked next.  A rule whose file names no triggers (any
   v2.1 project file) gets them derived from its regex
   (:mod:`txo.log.triggers`); only rules where that finds nothing usable are
   joined into one regex that is ``search``-ed.  When nothing fires no rule
   can match, and the text is returned as it is: the path almost every log
   line takes.
3. **The rules that could match, one after another** in file order, each
   compiled case-insensitively and applied with ``re.sub`` to what the
   earlier ones left, as v2.1 did.  One combined alternation would be a
   single scan, but a match of one rule could swallow the start of
   another's: ``token=Bearer abc`` let the keyword rule eat ``Bearer`` and
   left the bearer token itself in the line.  A line rarely holds the
   triggers of more than one rule, so this costs little.  Leaving out rules
   whose triggers are absent changes nothing: such a rule cannot match
   anywhere in the text.
4. **Settle.**  If anything was replaced and secrets are registered, the
   result is checked again: a replacement marker next to ordinary text can
   re-form a secret.  After three more passes a text that still holds one is
   withheld entirely.

The bundled ``default_redaction_patterns.json`` and a project's
``config/log-redaction-patterns.json`` share v2.1's format (see
:func:`load_redaction_patterns`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from txo.log.patterns import FLAGS, RedactionPatterns, RedactionRule
from txo.log.registry import REDACTED, WITHHELD, SecretRegistry
from txo.log.triggers import derive_triggers

__all__ = ["Redactor"]

_SETTLE_PASSES = 3
_FLAGS = FLAGS
# Constructs whose meaning depends on group numbering: such rules cannot join the search regex.
_NUMBERED_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


@dataclass(frozen=True, slots=True)
class _Rule:
    """One compiled rule and how to replace its matches."""

    index: int
    pattern: re.Pattern[str]
    template: str
    combinable: bool  # keeps its meaning inside (?:...) of a bigger regex (the ungated search)
    triggers: tuple[str, ...]  # folded (_fold, or _shape for @ triggers); empty: searched for


class _RuleSet:
    """The gate (which rules could match this text?) in front of the rules themselves."""

    __slots__ = ("digits", "rules", "shape_min", "shapes", "ungated", "words")

    def __init__(self, rules: Iterable[RedactionRule]) -> None:
        self.rules = tuple(_compile_rule(index, rule) for index, rule in enumerate(rules))
        self.words = _buckets(self.rules, shape=False)
        self.shapes = _buckets(self.rules, shape=True)
        self.digits = any("#" in t for _, fine in self.words for t, _ in fine)
        # A text shorter than every @ trigger cannot hold one: skip the shape view.
        self.shape_min = min((len(t) for _, fine in self.shapes for t, _ in fine), default=-1)
        self.ungated = _Ungated(r for r in self.rules if not r.triggers)

    def apply(self, text: str) -> str:
        """``text`` with every rule applied (or ``text`` itself when none can match).

        The rules that could match run one after another in file order, each on
        what the earlier ones left: a match of one rule (``token=Bearer``) must
        not hide the secret another rule matches (the token after ``Bearer``).
        """
        selected = self._select(text)
        if selected is None:
            return text
        for index in sorted(selected):
            rule = self.rules[index]
            text = rule.pattern.sub(rule.template, text)
        return text

    def _select(self, text: str) -> frozenset[int] | None:
        """The rules that could match ``text``, or None when no rule can."""
        chosen = _hits(_fold(text, self.digits), self.words)
        if 0 <= self.shape_min <= len(text):
            chosen |= _hits(_shape(text), self.shapes)
        if self.ungated.indexes and self.ungated.found_in(text):
            chosen |= self.ungated.indexes
        return frozenset(chosen) if chosen else None


class _Ungated:
    """Rules without triggers: one regex that is searched for (or always selected)."""

    __slots__ = ("always", "indexes", "regex")

    def __init__(self, rules: Iterable[_Rule]) -> None:
        chosen = tuple(rules)
        self.indexes = frozenset(r.index for r in chosen)
        searched = [f"(?:{r.pattern.pattern})" for r in chosen if r.combinable]
        self.regex = re.compile("|".join(searched), _FLAGS) if searched else None
        # A stand-alone rule cannot join the search regex: select them all, every time.
        self.always = any(not r.combinable for r in chosen)

    def found_in(self, text: str) -> bool:
        if self.always:
            return True
        return self.regex is not None and self.regex.search(text) is not None


_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = b"abcdefghijklmnopqrstuvwxyz"
_DIGITS = b"0123456789"
_ASCII_FOLD = bytes.maketrans(_UPPER + _DIGITS, _LOWER + b"#" * 10)
_ASCII_SHAPE = bytes.maketrans(_UPPER + _LOWER + _DIGITS, b"@" * 62)
_ANY_DIGIT = re.compile(r"\d")
_ANY_ALNUM = re.compile(r"[^\W_]")


def _fold(text: str, digits: bool = True) -> str:
    """Lowercase (plus the letters re.IGNORECASE folds beyond lower()), digits to ``#``.

    Whatever a case-insensitive rule matches in ``text``, its triggers folded
    the same way are plain substrings of the result: that makes the gate sound.
    """
    if text.isascii():
        if not digits:
            return text.lower()
        return text.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
    # U+0130 lowers to "i" plus a combining dot, which would split a trigger such as "pin=".
    lowered = text.replace("\u0130", "i").lower().replace("\u0131", "i").replace("\u017f", "s")
    return _ANY_DIGIT.sub("#", lowered) if digits else lowered


def _shape(text: str) -> str:
    """Every letter and digit as ``@`` (the view that ``@`` triggers are checked in)."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_SHAPE).decode("ascii")
    return _ANY_ALNUM.sub("@", text)


def _hits(view: str, buckets: tuple[_Bucket, ...]) -> set[int]:
    chosen: set[int] = set()
    for coarse, fine in buckets:
        if coarse in view:
            for trigger, indexes in fine:
                if trigger in view:
                    chosen.update(indexes)
    return chosen


def _compile_rule(index: int, rule: RedactionRule) -> _Rule:
    compiled = re.compile(rule.pattern, _FLAGS)
    given = rule.triggers or derive_triggers(rule.pattern, _FLAGS)
    triggers = tuple(dict.fromkeys(_shape(t) if "@" in t else _fold(t) for t in given))
    combinable = _combinable(rule.pattern, compiled)
    return _Rule(index, compiled, rule.replacement, combinable, triggers)


def _combinable(source: str, compiled: re.Pattern[str]) -> bool:
    """Whether the rule keeps its meaning inside ``(?:...)`` of the ungated rules' search regex."""
    if compiled.groupindex or _NUMBERED_REFERENCE.search(source):
        return False
    try:
        re.compile(f"(?:)|(?P<probe>(?:{source}))", _FLAGS)
    except re.error:  # e.g. a global inline flag such as (?x) that must start the regex
        return False
    return True


def _core(trigger: str) -> str:
    """A shorter trigger the given one contains: its longest ``#`` run, or no edge punctuation."""
    digits = max(re.findall("#+", trigger), key=len, default="")
    if len(digits) >= 4:
        return digits
    core = trigger.strip("\"'\\=:.,;&?/ ")
    return core if len(core) >= 3 else trigger


_Bucket = tuple[str, tuple[tuple[str, tuple[int, ...]], ...]]


def _buckets(rules: Iterable[_Rule], *, shape: bool) -> tuple[_Bucket, ...]:
    """Coarse triggers, each with the fine triggers (and their rules) it guards.

    Every fine trigger contains at least one coarse trigger, so a text in which
    no coarse trigger occurs holds no fine trigger either.  ``shape`` picks the
    ``@`` triggers (checked in the shape view) instead of the word ones.
    """
    rules_of: dict[str, list[int]] = {}
    for rule in rules:
        for trigger in rule.triggers:
            if ("@" in trigger) == shape:
                rules_of.setdefault(trigger, []).append(rule.index)
    coarse = _essential(_core(t) for t in rules_of)
    return tuple(
        (c, tuple((t, tuple(ids)) for t, ids in rules_of.items() if c in t)) for c in coarse
    )


def _essential(triggers: Iterable[str]) -> tuple[str, ...]:
    """Drop triggers that contain a shorter trigger: the shorter one already fires."""
    kept: list[str] = []
    for trigger in sorted(set(triggers), key=len):
        if not any(shorter in trigger for shorter in kept):
            kept.append(trigger)
    return tuple(kept)


class Redactor:
    """Removes registered secrets and pattern matches from text (see the module docstring).

    Thread-safe: compiled rules never change, the combined-regex cache only
    gains complete entries, and the secret regex is swapped as one tuple
    under a lock when the registry's version moves.
    """

    __slots__ = ("_lock", "_rules", "_secret_state", "_secrets", "patterns")

    def __init__(self, patterns: RedactionPatterns, secrets: SecretRegistry) -> None:
        self.patterns = patterns
        self._secrets = secrets
        self._rules = _RuleSet(patterns.rules)
        self._lock = threading.Lock()
        self._secret_state: tuple[int, _Secrets | None] = (-1, None)

    def redact(self, text: str) -> str:
        """``text`` with every registered secret and pattern match replaced."""
        state = self._secret_state
        secrets = state[1] if state[0] == self._secrets.version else self._secret_matcher()
        result = text if secrets is None else secrets.replace(text)
        result = self._rules.apply(result)
        if secrets is not None and result is not text:
            result = secrets.settle(result)
        return result

    def _secret_matcher(self) -> _Secrets | None:
        state = self._secret_state
        if state[0] == self._secrets.version:
            return state[1]
        with self._lock:
            version, values = self._secrets.versioned_forms()
            if self._secret_state[0] != version:
                self._secret_state = (version, _Secrets(values) if values else None)
            return self._secret_state[1]

    def __repr__(self) -> str:
        return f"Redactor({len(self.patterns)} rules, {self._secrets!r})"


class _Secrets:
    """The registered values at one version: exact, case-sensitive, longest first."""

    _SCAN_LIMIT = 4  # up to this many values, ``in`` checks beat the regex on a miss
    __slots__ = ("regex", "scan", "values")

    def __init__(self, values: Iterable[str]) -> None:
        self.values = tuple(sorted(values, key=lambda v: (-len(v), v)))
        self.scan = len(self.values) <= self._SCAN_LIMIT
        self.regex = _literal_union(self.values)

    def replace(self, text: str) -> str:
        """``text`` with every occurrence of a value replaced by ``[REDACTED]``."""
        if self.scan:
            for value in self.values:
                if value in text:
                    break
            else:
                return text
        return self.regex.sub(REDACTED, text)

    def settle(self, text: str) -> str:
        """Make sure no value re-formed next to a replacement marker; else withhold the text."""
        for _ in range(_SETTLE_PASSES):
            if self.regex.search(text) is None:
                return text
            text = self.regex.sub(REDACTED, text)
        return text if self.regex.search(text) is None else WITHHELD


def _literal_union(values: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching any of ``values``, longest first, shaped as a prefix trie.

    A flat ``a|b|c`` alternation retries every value at each position; the
    trie shares prefixes, which made the miss path 2-3x faster with 22 values.
    """
    try:
        return re.compile(_trie_pattern(values))
    except (re.error, RecursionError):  # pathological shapes: the flat form is always valid
        return re.compile("|".join(map(re.escape, values)))  # sorted longest first


def _trie_pattern(values: Iterable[str]) -> str:
    root: dict[str, Any] = {}
    for value in values:
        node = root
        for char in value:
            node = node.setdefault(char, {})
        node[""] = {}  # a value ends here
    return _trie_node(root)


def _trie_node(node: dict[str, Any]) -> str:
    """The pattern below ``node``: single-child chains are written as plain literals."""
    chain = ""
    while len(node) == 1 and "" not in node:
        ((char, node),) = node.items()
        chain += re.escape(char)
    branches = [re.escape(char) + _trie_node(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return chain
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return chain + (f"(?:{body})?" if "" in node else body)
