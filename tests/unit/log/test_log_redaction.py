"""Redaction: the secret registry, every bundled pattern family and the Redactor's decisions."""

from __future__ import annotations

import re
import string
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from txo.log import (
    REDACTED,
    RedactionPatterns,
    RedactionRule,
    Redactor,
    SecretRegistry,
    load_redaction_patterns,
)
from txo.log.engine import _fold, _shape
from txo.log.registry import WITHHELD

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

# rule name -> (text, the secret part that must vanish, what must remain)
FAMILIES: dict[str, tuple[str, str, str]] = {
    "bearer-token": ("Authorization: Bearer abc.DEF-1_x~+/==", "abc.DEF", "Bearer [REDACTED]"),
    "jwt-token": (f"id {JWT} end", "dozjgNry", "id [REDACTED_JWT] end"),
    "password-json": ('{"password": "hunter2!"}', "hunter2", '{"password": "[REDACTED]"}'),
    "client-secret-json": (
        '{"client-secret": "cs-val"}',
        "cs-val",
        '"client-secret": "[REDACTED]"',
    ),
    "api-token-json": ('{"apitoken": "at-val"}', "at-val", '{"apitoken": "[REDACTED]"}'),
    "access-token-json": ('{"access_token": "ac-val"}', "ac-val", '"access_token": "[REDACTED]"'),
    "auth-token-json": ('{"auth-token": "au-val"}', "au-val", '"auth-token": "[REDACTED]"'),
    "app-secret-json": ('{"app_secret": "ap-val"}', "ap-val", '"app_secret": "[REDACTED]"'),
    "secret-json-key": ('{"refresh_token": "rt-val"}', "rt-val", '"refresh_token": "[REDACTED]"'),
    "azure-storage-full": (
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=k3y==;EndpointSuffix=x",
        "k3y==",
        "AccountName=[REDACTED];AccountKey=[REDACTED];EndpointSuffix=x",
    ),
    "azure-storage-accountkey": ("AccountKey=k3y==;x", "k3y", "AccountKey=[REDACTED];x"),
    "connection-string-password": ("Server=db;Password='p w';", "p w", "Password=[REDACTED];"),
    "url-api-key": ("https://h/?api_key=ak-val&x=1", "ak-val", "api_key=[REDACTED]&x=1"),
    "url-access-key": ("?access-key=ak-val&x=1", "ak-val", "access-key=[REDACTED]&x=1"),
    "url-auth-token": ("?auth_token=at-val&x=1", "at-val", "auth_token=[REDACTED]&x=1"),
    "url-access-token": ("?access_token=at-val&x=1", "at-val", "access_token=[REDACTED]&x"),
    "url-client-secret": ("?client_secret=cs-val&x=1", "cs-val", "client_secret=[REDACTED]&x"),
    "url-app-secret": ("?app-secret=as-val&x=1", "as-val", "app-secret=[REDACTED]&x=1"),
    "shared-access-key": ("SharedAccessKey=sak-val;x", "sak-val", "SharedAccessKey=[REDACTED];"),
    "primary-key": ("primaryKey=pk-val;x", "pk-val", "primaryKey=[REDACTED];x"),
    "secondary-key": ("secondary_key=sk-val;x", "sk-val", "secondary_key=[REDACTED];x"),
    "secret-param": ("webhooksecret=wh-val&x=1", "wh-val", "webhooksecret=[REDACTED]&x=1"),
    "basic-auth": ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz", "Basic [REDACTED]"),
    "credit-card": ("card 4111 1111 1111 1111 ok", "4111", "card [REDACTED_CARD] ok"),
    "ssn-us": ("ssn 123-45-6789.", "123-45", "ssn [REDACTED_SSN]."),
    "long-token": ("t " + "a1" * 25 + " end", "a1a1a1", "t [REDACTED_TOKEN] end"),
    "api-key-variations": ("apikey:1 apikey=ak-val", "ak-val", "apikey=[REDACTED]"),
    "access-key-variations": ("accessKey=ak-val", "ak-val", "accessKey=[REDACTED]"),
    "account-key-variations": ("account_key=ak-val", "ak-val", "account_key=[REDACTED]"),
    "client-secret-variations": ("clientSecret=cs-val", "cs-val", "clientSecret=[REDACTED]"),
    "app-secret-variations": ("appsecret=as-val", "as-val", "appsecret=[REDACTED]"),
    "auth-token-variations": ("authToken=at-val", "at-val", "authToken=[REDACTED]"),
    "access-token-variations": ("accesstoken=at-val", "at-val", "accesstoken=[REDACTED]"),
    "shared-access-key-variations": ("sharedaccesskey=v-al", "v-al", "sharedaccesskey=[REDACTED]"),
    "primary-key-variations": ("primarykey=pk-val", "pk-val", "primarykey=[REDACTED]"),
    "secondary-key-variations": ("SecondaryKey=sk-val", "sk-val", "SecondaryKey=[REDACTED]"),
    "password-variations": ("db_pass=pw-val, next", "pw-val", "db_pass=[REDACTED], next"),
    "token-variations": ("refreshToken=tk-val", "tk-val", "refreshToken=[REDACTED]"),
    "secret-variations": ('Secret="s v" x', "s v", "Secret=[REDACTED] x"),
}

INNOCUOUS = [
    "Processing customer record 123 of 1000",
    "Saved 1500 rows to output/result_2024-01-15.csv at 10:30:00",
    "GET https://api.example.com/v2/companies(5f1c)/customers?$top=20 -> 200 in 0.123s",
    "compass=north, bypass=yes, mytoken=plain",
    '{"token_type": "Bearer", "max_tokens": 5, "key": "Customer/1", "expires_in": 3599}',
    "Using key 42; token count 3; the password policy changed",
    "order 2024-000123 shipped; phone 555-1234",
    "",
]


@pytest.fixture(scope="module")
def patterns() -> RedactionPatterns:
    return load_redaction_patterns(None)


@pytest.fixture
def redactor(patterns: RedactionPatterns) -> Redactor:
    return Redactor(patterns, SecretRegistry())


def test_every_bundled_rule_has_an_example(patterns: RedactionPatterns) -> None:
    assert set(patterns.names()) == set(FAMILIES)
    assert len([r for r in patterns if r.kind == "simple"]) == 13


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_each_family_redacts_its_example(name: str, patterns: RedactionPatterns) -> None:
    text, secret, expected = FAMILIES[name]
    only = RedactionPatterns(tuple(r for r in patterns if r.name == name))
    for redactor in (Redactor(only, SecretRegistry()), Redactor(patterns, SecretRegistry())):
        out = redactor.redact(text)
        assert secret not in out
        assert expected in out


@pytest.mark.parametrize("text", INNOCUOUS)
def test_innocuous_text_is_left_alone(text: str, redactor: Redactor) -> None:
    assert redactor.redact(text) is text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ('{"_client_secret": "abc-123", "user": "bob"}', '"_client_secret": "[REDACTED]"'),
        ('{"_password":"p4ss"}', '"_password":"[REDACTED]"'),
        ('{"_api_key": "k-1"}', '"_api_key": "[REDACTED]"'),
        ('{"_token": "t-1"}', '"_token": "[REDACTED]"'),
        ('{"_webhook_secret": "w-1"}', '"_webhook_secret": "[REDACTED]"'),
        ("{'client_secret': 'abc-123', 'n': 1}", "'client_secret': \"[REDACTED]\", 'n': 1"),
        ("{'_az_token': \"it's-1\"}", "'_az_token': \"[REDACTED]\""),
        ('{\\"password\\": \\"p-1\\", \\"user\\": \\"bob\\"}', '\\"user\\": \\"bob\\"'),
        ('{"password": "unterminated p-1\nnext line', "next line"),
    ],
)
def test_json_and_repr_keys_are_redacted_with_or_without_underscore(
    text: str, kept: str, redactor: Redactor
) -> None:
    out = redactor.redact(text)
    assert kept in out
    for secret in ("abc-123", "p4ss", "k-1", "t-1", "w-1", "it's", "p-1"):
        assert secret not in out


def test_simple_keywords_need_a_word_start(redactor: Redactor) -> None:
    assert redactor.redact("compass=north") == "compass=north"
    assert redactor.redact("pass=hunter2") == "pass=[REDACTED]"
    assert redactor.redact("x pwd=a1;y") == "x pwd=[REDACTED];y"


def test_case_folding_beyond_lower_is_still_caught(redactor: Redactor) -> None:
    # re.IGNORECASE matches U+017F (long s) to "s"; the gate must not miss it.
    assert "hunter2" not in redactor.redact("\u017fecret=hunter2")


def test_registered_secrets_are_replaced_longest_first(patterns: RedactionPatterns) -> None:
    secrets = SecretRegistry(["abcd-1234", "abcd-1234-efgh"])
    redactor = Redactor(patterns, secrets)
    assert redactor.redact("x abcd-1234-efgh y abcd-1234") == f"x {REDACTED} y {REDACTED}"


def test_secrets_added_later_are_picked_up(patterns: RedactionPatterns) -> None:
    secrets = SecretRegistry()
    redactor = Redactor(patterns, secrets)
    assert redactor.redact("token is zq-77-xx") == "token is zq-77-xx"
    secrets.add("zq-77-xx")
    assert redactor.redact("token is zq-77-xx") == f"token is {REDACTED}"


def test_secret_reformed_next_to_a_marker_is_removed_or_withheld(
    patterns: RedactionPatterns,
) -> None:
    redactor = Redactor(patterns, SecretRegistry(["D]D]"]))
    out = redactor.redact("D]D]D]")
    assert "D]D]" not in out
    assert redactor.redact("plain text") == "plain text"
    # Each pass re-forms the secret from the marker plus one more "x": give up, withhold.
    stubborn = Redactor(patterns, SecretRegistry(["[REDACTED]x"]))
    assert stubborn.redact("[REDACTED]xx") == REDACTED
    assert stubborn.redact("[REDACTED]" + "x" * 8) == WITHHELD


class TestSecretRegistry:
    def test_ignores_short_blank_and_marker_values(self) -> None:
        registry = SecretRegistry(["abc", "    ", "DACT", "", "long-enough"])
        assert registry.snapshot() == frozenset({"long-enough"})
        assert len(registry) == 1
        assert "abc" not in registry and "long-enough" in registry

    def test_version_moves_only_on_change(self) -> None:
        registry = SecretRegistry()
        start = registry.version
        registry.add("value-one")
        registry.add("value-one")
        registry.add("ab")
        registry.add_many(["value-two", "value-three"])
        assert registry.version == start + 2
        assert registry.versioned_snapshot() == (
            start + 2,
            frozenset({"value-one", "value-two", "value-three"}),
        )

    def test_repr_never_shows_values(self) -> None:
        registry = SecretRegistry(["very-secret-value"])
        assert "very-secret" not in repr(registry)
        assert "1 secret" in repr(registry)
        redactor = Redactor(load_redaction_patterns(None), registry)
        assert "very-secret" not in repr(redactor)

    def test_threads_adding_while_another_redacts(self, patterns: RedactionPatterns) -> None:
        registry = SecretRegistry()
        redactor = Redactor(patterns, registry)
        leaks: list[str] = []
        done = threading.Event()

        def add(worker: int) -> None:
            for i in range(150):
                registry.add(f"w{worker}-secret-{i:03d}")

        def redact() -> None:
            while not done.is_set():
                for value in list(registry.snapshot())[:20]:
                    if value in redactor.redact(f"a {value} b"):
                        leaks.append(value)

        reader = threading.Thread(target=redact)
        writers = [threading.Thread(target=add, args=(n,)) for n in range(4)]
        reader.start()
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join()
        done.set()
        reader.join()
        assert leaks == []
        assert len(registry) == 600
        assert redactor.redact("x w3-secret-149 y") == f"x {REDACTED} y"


class TestCustomRules:
    def test_template_rule_and_standalone_rule(self) -> None:
        rules = (
            RedactionRule("order-key", r"(x-order-key=)[^&\s]+", r"\1[REDACTED]", ("x-order-key",)),
            RedactionRule("pair", r"(?P<k>pin)=(\d+)", r"\g<k>=###", ()),
            RedactionRule("quoted", r"(['\"])code:.*?\1", "[CODE]", ()),
        )
        redactor = Redactor(RedactionPatterns(rules), SecretRegistry())
        text = "a x-order-key=abc&pin=1234 'code:zz' b"
        assert redactor.redact(text) == "a x-order-key=[REDACTED]&pin=### [CODE] b"

    def test_rule_without_triggers_is_tried_on_every_text(self) -> None:
        rule = RedactionRule("employee", r"EMP-\d{6}", "[EMPLOYEE]")
        redactor = Redactor(RedactionPatterns((rule,)), SecretRegistry())
        assert redactor.redact("emp-123456 left") == "[EMPLOYEE] left"

    def test_simple_rule_keeps_keyword(self) -> None:
        rule = RedactionRule.simple("pin", ["PIN="], "<hidden>")
        redactor = Redactor(RedactionPatterns((rule,)), SecretRegistry())
        assert redactor.redact("card PIN=1234, ok") == "card PIN=<hidden>, ok"
        assert rule.triggers == ("pin=",)


class TestGate:
    """The cheap checks in front of the regexes must never hide a match."""

    def test_fold_covers_every_character_ignorecase_maps_to_a_letter(self) -> None:
        any_letter = re.compile("[a-z]", re.IGNORECASE)
        extra = [chr(c) for c in range(0x80, 0x110000) if any_letter.fullmatch(chr(c))]
        assert extra == ["\u0130", "\u0131", "\u017f", "\u212a"]
        for char in extra:
            for letter in string.ascii_lowercase:
                if re.fullmatch(letter, char, re.IGNORECASE):
                    assert letter in _fold(char) and _shape(char) == "@"

    def test_unicode_digits_count_as_digits(self) -> None:
        arabic_indic = "\u0664\u0661\u0661\u0661"  # ٤١١١
        text = " ".join([arabic_indic] * 4)
        redactor = Redactor(load_redaction_patterns(None), SecretRegistry())
        assert redactor.redact(f"card {text}") == "card [REDACTED_CARD]"

    def test_digit_and_letter_placeholders_in_triggers(self) -> None:
        rules = (
            RedactionRule("emp", r"(emp-)\d{6}", r"\1######", ("emp-######",)),
            RedactionRule("serial", r"\bSN[A-Z0-9]{10}\b", "[SN]", ("@" * 12,)),
            RedactionRule("kv", r"(key=)\d+", r"\1#", ("key=##",)),
        )
        redactor = Redactor(RedactionPatterns(rules), SecretRegistry())
        assert redactor.redact("EMP-123456 SNAB12CD34EF key=42") == "EMP-###### [SN] key=#"
        assert redactor.redact("emp-12345 SNAB12 key=x") == "emp-12345 SNAB12 key=x"


def test_combined_rules_expand_their_own_group_numbers() -> None:
    """Rules joined into one regex keep their templates' group references and escapes."""
    from txo.log import RedactionPatterns, RedactionRule, Redactor, SecretRegistry

    rules = (
        RedactionRule("pair", r"(user)=(\w+)", r"\2<-\1 [R]", triggers=("user=",)),
        RedactionRule("named", r"(pin)=(\d+)", r"\g<1>=\g<2>x", triggers=("pin=",)),
        RedactionRule("escape", r"(tab)=(\w+)", r"\1\t[R]", triggers=("tab=",)),
        RedactionRule("plain", r"code=\w+", "code=[R]", triggers=("code=",)),
    )
    redactor = Redactor(RedactionPatterns(rules), SecretRegistry())
    text = "user=bob pin=1234 tab=x code=zz"
    assert redactor.redact(text) == "bob<-user [R] pin=1234x tab\t[R] code=[R]"


@given(
    st.lists(st.text(alphabet="ab.*\\-(é", min_size=1, max_size=6), min_size=1, max_size=12),
    st.text(alphabet="ab.*\\-(é x", max_size=40),
)
def test_secret_trie_matches_like_a_longest_first_alternation(values: list[str], text: str) -> None:
    from txo.log.engine import _literal_union

    ordered = tuple(sorted(set(values), key=lambda v: (-len(v), v)))
    flat = re.compile("|".join(map(re.escape, ordered)))
    assert _literal_union(ordered).sub("#", text) == flat.sub("#", text)


def test_dotted_capital_i_does_not_hide_a_keyword() -> None:
    """re.IGNORECASE matches U+0130 as "i"; the gate's folded view must too."""
    rule = RedactionRule.simple("pin", ["pin="], "[REDACTED]")
    redactor = Redactor(RedactionPatterns((rule,)), SecretRegistry())
    assert redactor.redact("door P\u0130N=4711") == "door P\u0130N=[REDACTED]"
