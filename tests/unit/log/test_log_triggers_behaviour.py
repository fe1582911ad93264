"""Derived triggers, construct by construct: as selective as possible, never unsound.

Each expected tuple is what the gate checks before a v2.1 rule (one without
triggers) is tried.  A wrong trigger would hide a match (a leak); a missing
one makes the rule run on every line (slow).  The comments say which match
a wrong derivation would miss.
"""

from __future__ import annotations

import re

import pytest

from txo.log.triggers import derive_triggers

# 65 three-letter words without a common prefix (the parser would factor one out).
WORDS = [chr(97 + i % 26) + chr(97 + i // 26) + "q" for i in range(65)]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # groups and repeats of a fixed text are part of the run
        (r"(ab)cd", ("abcd",)),  # a capturing group ((?:ab) is inlined by the parser)
        (r"ab(?:cd){1}ef", ("abcdef",)),
        (r"abc(?:de)?f", ("abcdef", "abcf")),
        (r"(?=abc)abcdef", ("abcdef",)),  # look-arounds consume nothing
        (r"(?!x)abc", ("abc",)),
        # a repeat of one or more: its first copy joins the run, which then ends
        (r"abc+", ("abc",)),
        (r"xy(?:ab){1,3}", ("xyab",)),
        (r"ab+cde", ("cde",)),  # not "abcde": "abbcde" holds no such text
        (r"abc+de", ("abc",)),
        # an optional repeat ends the run: "xyzababc" and "xyzbc" hold no longer text
        (r"xyz(?:ab){0,2}c", ("xyz",)),
        (r"xyza*bc", ("xyz",)),
        (r"abcx{0}de", ("abc",)),
        (r"x{40}", ("x" * 40,)),
        (r"x{41}", ()),  # longer repeats are not spelled out
        # nested candidates: alternations whose every branch has triggers, repeats of 1+
        (r"(?:token=\S+|secret=\S+)", ("secret=", "token=")),
        (r"(?:token=\S+|\S+)", ()),  # the second branch matches anything
        (r"(?:abc\d+)+", ("abc#",)),
        (r"(?:abc\d+)*", ()),  # zero repeats match the empty text
        (r"xyz(?:abc\d+)*", ("xyz",)),
        (r"xyz(?:[ab][ab][ab]){4}", ("xyz",)),  # 8**4 spellings: too many to list
        # character classes: a few letters multiply the runs, wider ones end them
        (r"key[a-b]=", ("keya=", "keyb=")),
        (r"key[a-d]=", ("keya=", "keyb=", "keyc=", "keyd=")),
        (r"key[a-e]=", ("key",)),
        (r"[\d_]key", ("#key", "_key")),
        (r"[a\u00e9]bcd", ("bcd",)),
        (r"[^a]bcd", ("bcd",)),
        (r"abc\x7fdef", ("abc\x7fdef",)),
        (r"abc\x80def", ("abc",)),  # beyond ASCII: not folded, so not a trigger
        # the shaped view: letters and digits as @, other characters as they are
        (r"[A-Za-z0-9]{3}-[A-Za-z0-9]{3}", ("@@@-@@@",)),
        (r"[A-Za-z0-9]{2}-\d", ("@@-@",)),
        # the best of several candidates: shortest member longest (capped at 8), then fewest
        (r"abcd\s+(?:efgh|ijkl)", ("abcd",)),
        (r"abcdefgh\s+abcdefghi", ("abcdefgh",)),
        (r"abc\s+abcd", ("abcd",)),
        (r"(?:key|apikey)=", ("key=",)),  # "apikey=" holds "key=": one check is enough
    ],
)
def test_derived_triggers_by_construct(pattern: str, expected: tuple[str, ...]) -> None:
    assert derive_triggers(pattern) == expected


def test_up_to_64_spellings_are_listed_and_more_are_not() -> None:
    six = derive_triggers("[ab]" * 6 + "xyz")
    assert len(six) == 64 and {len(t) for t in six} == {9}
    seven = derive_triggers("[ab]" * 7 + "xyz")  # 128: the run ends after six
    assert len(seven) == 64 and {len(t) for t in seven} == {6}


def test_an_alternation_of_64_words_joins_the_run_and_of_65_does_not() -> None:
    joined = derive_triggers("ab(?:" + "|".join(WORDS[:64]) + ")cd")
    assert joined == tuple(sorted(f"ab{w}cd" for w in WORDS[:64]))
    alone = derive_triggers("ab(?:" + "|".join(WORDS) + ")cd")
    assert alone == tuple(sorted(WORDS))


def test_the_flags_the_rule_is_compiled_with_are_the_ones_read() -> None:
    assert derive_triggers("a b c") == ("a b c",)
    assert derive_triggers("a b c", re.IGNORECASE | re.VERBOSE) == ("abc",)
