"""Secret registry, redaction patterns and the redactor every log line passes through.

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
   coarse hit are checked next.  Rules without triggers (long token, and
   project patterns that declare none) are joined into one regex that is
   ``search``-ed.  When nothing fires no rule can match, and the text is
   returned as it is: the path almost every log line takes.
3. **One combined regex** of the rules that could match: an alternation of
   named groups ``(?P<r0>…)|(?P<r7>…)``, compiled case-insensitively and
   cached per set of rules.  One scan applies them all; at each position the
   earliest rule in file order wins, and the winning group names the rule,
   whose replacement is returned as is (plain text) or expanded from the
   rule's own match (templates such as ``\\1[REDACTED]``).  Rules that cannot
   share a regex (named groups, back-references, global inline flags) run on
   their own afterwards.  Leaving out rules whose triggers are absent changes
   nothing: such a rule cannot match anywhere in the text.
4. **Settle.**  If anything was replaced and secrets are registered, the
   result is checked again: a replacement marker next to ordinary text can
   re-form a secret.  After three more passes a text that still holds one is
   withheld entirely.

The bundled ``default_redaction_patterns.json`` and a project's
``config/log-redaction-patterns.json`` share v2.1's format (see
:func:`load_redaction_patterns`).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from txo.errors import ConfigError

__all__ = [
    "DEFAULT_PATTERNS_SOURCE",
    "REDACTED",
    "RedactionPatterns",
    "RedactionRule",
    "Redactor",
    "SecretRegistry",
    "load_redaction_patterns",
    "parse_redaction_document",
]

REDACTED = "[REDACTED]"
WITHHELD = "[REDACTED: log text withheld because a secret could not be removed safely]"
DEFAULT_PATTERNS_SOURCE = "txo/log/default_redaction_patterns.json (bundled)"
_DEFAULT_PATTERNS_FILE = "default_redaction_patterns.json"
_SETTLE_PASSES = 3
_FLAGS = re.IGNORECASE

# A keyword starts a word: at the start, after a non-letter/digit, or at a camelCase hump.
_KEYWORD_BOUNDARY = r"(?-i:(?<![A-Za-z0-9])|(?<=[a-z0-9])(?=[A-Z]))"
_SIMPLE_VALUE = r"""(?:"[^"\n]*"|'[^'\n]*'|[^\s;"'&,}]*)"""
# Constructs whose meaning depends on group numbering: such rules cannot join the combined regex.
_NUMBERED_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")

_EXAMPLE_FILE = """{
  "redaction-patterns": {
    "patterns": [
      {"name": "order-key", "pattern": "(x-order-key=)[^&\\\\s]+",
       "replacement": "\\\\1[REDACTED]", "triggers": ["x-order-key="]}
    ],
    "simple-patterns": [
      {"name": "pin", "contains": ["pin="], "replacement": "[REDACTED]"}
    ]
  }
}"""


# --- the secret registry -----------------------------------------------------


class SecretRegistry:
    """A thread-safe set of secret values that must never reach a log line.

    Values shorter than :attr:`MIN_LENGTH` characters, whitespace-only values
    and values found inside ``[REDACTED]`` are ignored: replacing every
    ``"ab"`` or ``" "`` would shred ordinary text, and a value inside the
    marker could never be removed.  ``version`` grows on every change so a
    :class:`Redactor` recompiles only when needed.  The repr never shows a value.
    """

    MIN_LENGTH = 4
    __slots__ = ("_lock", "_values", "_version")

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._version = 0
        self.add_many(values)

    @classmethod
    def accepts(cls, value: object) -> bool:
        """Whether ``value`` would be registered (see the class docstring)."""
        return (
            isinstance(value, str)
            and len(value) >= cls.MIN_LENGTH
            and not value.isspace()
            and value not in REDACTED
        )

    def add(self, value: str) -> None:
        """Register one secret (ignored when :meth:`accepts` says no)."""
        self.add_many((value,))

    def add_many(self, values: Iterable[str]) -> None:
        """Register several secrets at once (one version bump)."""
        fresh = {v for v in values if self.accepts(v)}
        with self._lock:
            fresh -= self._values
            if fresh:
                self._values |= fresh
                self._version += 1

    @property
    def version(self) -> int:
        """A counter that changes whenever a value is added."""
        return self._version

    def snapshot(self) -> frozenset[str]:
        """The registered values right now."""
        return self.versioned_snapshot()[1]

    def versioned_snapshot(self) -> tuple[int, frozenset[str]]:
        """The version and the values it stands for, read together."""
        with self._lock:
            return self._version, frozenset(self._values)

    def __contains__(self, value: object) -> bool:
        with self._lock:
            return value in self._values

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"SecretRegistry(<{len(self)} secret(s)>)"


# --- rules and pattern files -------------------------------------------------


def _at_word_start(keyword: str) -> str:
    """``keyword`` that must start a word, with the check *after* the literal.

    A pattern that opens with a look-behind is tried at every position; one
    that opens with its literal lets the regex engine skip ahead (~3x faster
    on a typical log line).  The look-behind re-reads the keyword, so it is
    fixed-width and checks the character before it.
    """
    literal = re.escape(keyword)
    return f"{literal}(?<={_KEYWORD_BOUNDARY}{literal})"


@dataclass(frozen=True, slots=True)
class RedactionRule:
    """One redaction rule: a regex and its ``re.sub`` replacement template.

    Simple patterns become rules too: ``contains`` keeps their keywords and
    ``pattern`` is generated (keyword at a word start, then its value).
    """

    name: str
    pattern: str
    replacement: str
    triggers: tuple[str, ...] = ()
    description: str = ""
    kind: str = "regex"
    contains: tuple[str, ...] = ()

    @classmethod
    def simple(
        cls, name: str, contains: Iterable[str], replacement: str, description: str = ""
    ) -> RedactionRule:
        """A keyword rule: ``<keyword><value>`` becomes ``<keyword><replacement>``."""
        keywords = tuple(dict.fromkeys(k.lower() for k in contains))
        ordered = sorted(keywords, key=len, reverse=True)
        pattern = f"({'|'.join(map(_at_word_start, ordered))}){_SIMPLE_VALUE}"
        template = "\\1" + replacement.replace("\\", "\\\\")
        return cls(name, pattern, template, keywords, description, "simple", keywords)


@dataclass(frozen=True, slots=True)
class RedactionPatterns:
    """An ordered, validated set of rules and the files they came from."""

    rules: tuple[RedactionRule, ...]
    sources: tuple[str, ...] = ()
    disabled: frozenset[str] = field(default_factory=frozenset)

    def names(self) -> tuple[str, ...]:
        """Rule names in priority order."""
        return tuple(rule.name for rule in self.rules)

    def merged(self, project: RedactionPatterns) -> RedactionPatterns:
        """These rules updated by ``project``: same name replaces, new names append, disabled go."""
        by_name = {rule.name: rule for rule in project.rules}
        kept = [by_name.pop(r.name, r) for r in self.rules if r.name not in project.disabled]
        combined = [*kept, *by_name.values()]
        regex = [r for r in combined if r.kind == "regex"]
        simple = [r for r in combined if r.kind != "regex"]
        return RedactionPatterns((*regex, *simple), (*self.sources, *project.sources))

    def __iter__(self) -> Iterator[RedactionRule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


def load_redaction_patterns(project_file: Path | None = None) -> RedactionPatterns:
    """The bundled patterns, merged with a project's ``log-redaction-patterns.json`` if given.

    Any problem in the project file is a :class:`~txo.errors.ConfigError`
    naming the file, the entry, the fix and an example entry.
    """
    bundled = resources.files("txo.log").joinpath(_DEFAULT_PATTERNS_FILE)
    defaults = parse_redaction_document(
        bundled.read_text(encoding="utf-8"), DEFAULT_PATTERNS_SOURCE
    )
    if project_file is None:
        return defaults
    return defaults.merged(parse_redaction_document(_read(project_file), str(project_file)))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"Cannot read the redaction patterns file {path}: {type(exc).__name__}: {exc}",
            f"Make sure {path} exists, is readable and is UTF-8 JSON, or delete it to use "
            "the bundled patterns only.",
            _EXAMPLE_FILE,
        ) from None


def parse_redaction_document(text: str, source: str) -> RedactionPatterns:
    """Validate one file in the v2.1 ``redaction-patterns`` format and build its rules."""
    section = _section(_parse_json(text, source), source)
    rules: list[RedactionRule] = []
    disabled: set[str] = set()
    for where, entry, build in _entries(section):
        name = _entry_name(entry, where, source)
        if _is_disabled(entry, where, name, source):
            disabled.add(name)
        else:
            rules.append(build(entry, f"{where} ('{name}')", source))
    _check_unique([*(r.name for r in rules), *disabled], source)
    return RedactionPatterns(tuple(rules), (source,), frozenset(disabled))


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _problem(
            source,
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            "Correct the JSON syntax: a missing comma or quote, or a single backslash in a "
            "regex (JSON needs \\\\d for the regex \\d).",
        ) from None


def _section(document: Any, source: str) -> Mapping[str, Any]:
    if not isinstance(document, dict) or not isinstance(
        _member(document, "redaction-patterns"), dict
    ):
        raise _problem(
            source,
            'has no "redaction-patterns" object at the top level.',
            'Put the rules inside {"redaction-patterns": {"patterns": [...]}}.',
        )
    section: dict[str, Any] = document["redaction-patterns"]
    if "patterns" not in section or not isinstance(section["patterns"], list):
        raise _problem(
            source,
            '"redaction-patterns" has no "patterns" list.',
            'Add "patterns": [...] inside "redaction-patterns" (it may be empty: []).',
        )
    if "simple-patterns" in section and not isinstance(section["simple-patterns"], list):
        raise _problem(
            source,
            '"redaction-patterns"."simple-patterns" is not a list.',
            'Make "simple-patterns" a list of {"name", "contains", "replacement"} objects.',
        )
    return section


_Builder = Callable[[Mapping[str, Any], str, str], RedactionRule]


def _entries(section: Mapping[str, Any]) -> Iterator[tuple[str, Any, _Builder]]:
    for index, entry in enumerate(section["patterns"], 1):
        yield f"patterns[{index}]", entry, _regex_rule
    for index, entry in enumerate(_member(section, "simple-patterns") or (), 1):
        yield f"simple-patterns[{index}]", entry, _simple_rule


def _entry_name(entry: Any, where: str, source: str) -> str:
    if not isinstance(entry, dict):
        raise _problem(source, f"entry {where} is not an object.", _ENTRY_FIX)
    if "name" not in entry or not isinstance(entry["name"], str) or not entry["name"].strip():
        raise _problem(source, f'entry {where} has no "name" (a non-empty string).', _ENTRY_FIX)
    name: str = entry["name"]
    return name


def _is_disabled(entry: Mapping[str, Any], where: str, name: str, source: str) -> bool:
    if "enabled" not in entry:
        return False
    if not isinstance(entry["enabled"], bool):
        raise _problem(
            source,
            f"entry {where} ('{name}') has \"enabled\" that is not true or false.",
            'Write "enabled": false to switch a bundled pattern off, or leave the key out.',
        )
    return not entry["enabled"]


def _regex_rule(entry: Mapping[str, Any], where: str, source: str) -> RedactionRule:
    pattern = _text_field(entry, "pattern", where, source)
    replacement = _text_field(entry, "replacement", where, source)
    compiled = _compile(pattern, where, source)
    _check_template(compiled, replacement, where, source)
    triggers = _triggers(entry, where, source)
    return RedactionRule(
        entry["name"], pattern, replacement, triggers, _description(entry, where, source)
    )


def _simple_rule(entry: Mapping[str, Any], where: str, source: str) -> RedactionRule:
    replacement = _text_field(entry, "replacement", where, source)
    contains = _member(entry, "contains")
    if (
        not isinstance(contains, list)
        or not contains
        or not all(isinstance(k, str) and k for k in contains)
    ):
        raise _problem(
            source,
            f'entry {where} needs "contains": a non-empty list of non-empty strings.',
            'List the keywords that precede a secret, e.g. "contains": ["pin=", "pincode="].',
        )
    return RedactionRule.simple(
        entry["name"], contains, replacement, _description(entry, where, source)
    )


def _text_field(entry: Mapping[str, Any], key: str, where: str, source: str) -> str:
    if key not in entry or not isinstance(entry[key], str):
        raise _problem(source, f'entry {where} has no "{key}" string.', _ENTRY_FIX)
    if key == "pattern" and not entry[key]:
        raise _problem(source, f'entry {where} has an empty "pattern".', _ENTRY_FIX)
    value: str = entry[key]
    return value


def _description(entry: Mapping[str, Any], where: str, source: str) -> str:
    if "description" not in entry:
        return ""
    if not isinstance(entry["description"], str):
        raise _problem(
            source, f'entry {where} has a "description" that is not a string.', _ENTRY_FIX
        )
    text: str = entry["description"]
    return text


def _triggers(entry: Mapping[str, Any], where: str, source: str) -> tuple[str, ...]:
    if "triggers" not in entry:
        return ()
    triggers = entry["triggers"]
    if not isinstance(triggers, list) or not all(isinstance(t, str) and t for t in triggers):
        raise _problem(
            source,
            f'entry {where} has "triggers" that is not a list of non-empty strings.',
            "List words of which every match contains at least one (any case), or leave "
            '"triggers" out to try the pattern on every message, e.g. "triggers": ["order-key="].',
        )
    return tuple(dict.fromkeys(t.lower() for t in triggers))


def _compile(pattern: str, where: str, source: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern, _FLAGS)
    except re.error as exc:
        position = f" at position {exc.pos}" if exc.pos is not None else ""
        raise _problem(
            source,
            f'entry {where} has a "pattern" that does not compile: {exc.msg}{position}.',
            "Correct the regular expression; in JSON every backslash is doubled "
            '("\\\\s+" means the regex \\s+). Test it with python -c "import re; re.compile(...)".',
        ) from None
    if compiled.fullmatch("") is not None:
        raise _problem(
            source,
            f'entry {where} has a "pattern" that matches empty text, so it would fire everywhere.',
            "Make the pattern require at least one character: [^&\\\\s]+, not [^&\\\\s]*.",
        )
    return compiled


def _check_template(compiled: re.Pattern[str], template: str, where: str, source: str) -> None:
    """Expand ``template`` against an empty match with the same groups, as ``re.sub`` would."""
    names = {index: name for name, index in compiled.groupindex.items()}
    groups = "".join(
        f"(?P<{names[i]}>)" if i in names else "()" for i in range(1, compiled.groups + 1)
    )
    probe = re.compile(groups).match("")
    try:
        if probe is not None:
            probe.expand(template)
    except (re.error, IndexError) as exc:
        raise _problem(
            source,
            f'entry {where} has a "replacement" that does not fit its pattern: {exc}.',
            "Refer only to groups the pattern has (\\\\1 is the first (...) group) and double "
            "every other backslash.",
        ) from None


def _check_unique(names: Iterable[str], source: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise _problem(
                source,
                f"has two entries named '{name}'.",
                "Give every entry its own name (a project entry with a bundled name replaces "
                "the bundled one).",
            )
        seen.add(name)


_ENTRY_FIX = (
    'Give every entry "name", "pattern" and "replacement" strings ("description" and '
    '"triggers" are optional); simple patterns need "name", "contains" and "replacement".'
)


def _member(mapping: Mapping[str, Any], key: str) -> Any:
    """``mapping[key]``, or None when the optional key is absent."""
    if key in mapping:
        return mapping[key]
    return None


def _problem(source: str, what: str, fix: str) -> ConfigError:
    return ConfigError(f"Redaction patterns file {source} {what}", fix, _EXAMPLE_FILE)


# --- the redactor --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rule:
    """One compiled rule and how to replace its matches."""

    index: int
    pattern: re.Pattern[str]
    template: str
    literal: bool  # the template has no backslash: the replacement is the template itself
    combinable: bool  # keeps its meaning inside (?P<rN>(?:...)) of a bigger regex
    triggers: tuple[str, ...]  # folded (_fold, or _shape for @ triggers); empty: searched for


class _Combined:
    """The selected combinable rules as one alternation, plus any stand-alone ones.

    Each rule's groups keep their order inside its named group ``rN``, so its
    replacement template is rewritten once to the combined numbering and
    expanded straight from the combined match (no second match per hit).
    """

    __slots__ = ("regex", "standalone", "templates")

    def __init__(self, rules: Iterable[_Rule]) -> None:
        chosen = sorted(rules, key=lambda r: r.index)
        joined = [r for r in chosen if r.combinable]
        alternatives = (f"(?P<r{r.index}>(?:{r.pattern.pattern}))" for r in joined)
        self.regex = re.compile("|".join(alternatives), _FLAGS) if joined else None
        offsets = self.regex.groupindex if self.regex is not None else {}
        self.templates: dict[str, _Template] = {
            f"r{r.index}": r.template
            if r.literal
            else _compile_template(r.template, offsets[f"r{r.index}"])
            for r in joined
        }
        self.standalone = tuple(r for r in chosen if not r.combinable)

    def apply(self, text: str) -> str:
        if self.regex is not None:
            text = self.regex.sub(self._replace, text)
        for rule in self.standalone:
            text = rule.pattern.sub(rule.template, text)
        return text

    def _replace(self, match: re.Match[str]) -> str:
        template = self.templates[match.lastgroup or ""]
        if isinstance(template, str):  # a literal replacement
            return template
        if isinstance(template, tuple):
            return "".join(p if isinstance(p, str) else match.group(p) or "" for p in template)
        return template(match)


_GROUP_REFERENCE = re.compile(r"\\(?:(\d+)|g<(\d+)>)")
_Template = str | tuple[str | int, ...] | Callable[[re.Match[str]], str]


def _compile_template(template: str, outer: int) -> _Template:
    """The replacement for a rule nested as group ``outer`` of the combined regex.

    Plain text plus group references becomes a tuple of parts joined per
    match (``Match.expand`` re-parses its template on every call); a template
    with other escapes (such as ``\\n``) is renumbered and expanded.
    """
    parts: list[str | int] = []
    position = 0
    for ref in _GROUP_REFERENCE.finditer(template):
        parts += [template[position : ref.start()], outer + int(ref.group(1) or ref.group(2))]
        position = ref.end()
    parts.append(template[position:])
    if not any(isinstance(p, str) and "\\" in p for p in parts):
        return tuple(p for p in parts if p != "")
    renumbered = _GROUP_REFERENCE.sub(
        lambda ref: f"\\g<{outer + int(ref.group(1) or ref.group(2))}>", template
    )
    return lambda match: match.expand(renumbered)


class _RuleSet:
    """The gate (which rules could match this text?) in front of cached combined regexes.

    The cache only ever gains complete entries (and is emptied when full), so
    threads may share it without a lock.
    """

    _CACHE_LIMIT = 256
    __slots__ = ("_cache", "digits", "letters", "rules", "shapes", "ungated", "words")

    def __init__(self, rules: Iterable[RedactionRule]) -> None:
        self.rules = tuple(_compile_rule(index, rule) for index, rule in enumerate(rules))
        self.words = _buckets(self.rules, shape=False)
        self.shapes = _buckets(self.rules, shape=True)
        self.digits = any("#" in t for _, fine in self.words for t, _ in fine)
        self.letters = bool(self.shapes)
        self.ungated = _Ungated(r for r in self.rules if not r.triggers)
        self._cache: dict[frozenset[int], _Combined] = {}

    def apply(self, text: str) -> str:
        """``text`` with every rule applied (or ``text`` itself when none can match)."""
        selected = self._select(text)
        if selected is None:
            return text
        combined = self._cache.get(selected)
        if combined is None:
            if len(self._cache) >= self._CACHE_LIMIT:
                self._cache.clear()
            chosen = (r for r in self.rules if r.index in selected)
            combined = self._cache[selected] = _Combined(chosen)
        return combined.apply(text)

    def _select(self, text: str) -> frozenset[int] | None:
        """The rules that could match ``text``, or None when no rule can."""
        chosen = _hits(_fold(text, self.digits), self.words)
        if self.letters:
            chosen |= _hits(_shape(text), self.shapes)
        if self.ungated.found_in(text):
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
    lowered = text.lower().replace("\u0131", "i").replace("\u017f", "s")
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
    triggers = tuple(dict.fromkeys(_shape(t) if "@" in t else _fold(t) for t in rule.triggers))
    literal = "\\" not in rule.replacement
    combinable = _combinable(rule.pattern, compiled)
    return _Rule(index, compiled, rule.replacement, literal, combinable, triggers)


def _combinable(source: str, compiled: re.Pattern[str]) -> bool:
    """Whether the rule keeps its meaning inside ``(?P<rN>(?:...))`` of a bigger regex."""
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
        secrets = self._secret_matcher()
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
            version, values = self._secrets.versioned_snapshot()
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
