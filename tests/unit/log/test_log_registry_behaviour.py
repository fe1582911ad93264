"""The secret registry's promises: which values count, every form they are matched in, versions."""

from __future__ import annotations

import pytest

from txo.log import REDACTED, Redactor, SecretRegistry, load_redaction_patterns
from txo.log.registry import derived_forms, pair_forms, secret_text

# Quotes of both kinds, a slash, a space, a plus, a control character, non-ASCII, and
# leading bytes whose base64 holds "/" (so the URL-safe alphabet differs).
AWKWARD = ">?\u00e9'\"/ +\x01"


def test_every_form_a_secret_travels_in_is_registered_exactly() -> None:
    assert derived_forms(AWKWARD) == {
        AWKWARD,
        ">?\u00e9\\'\"/ +\\x01",  # repr() and %r: single quotes, so ' is escaped
        ">?\\xe9\\'\"/ +\\x01",  # ascii()
        ">?\\xc3\\xa9\\'\"/ +\\x01",  # repr() of the UTF-8 bytes
        ">?\\u00e9'\\\"/ +\\u0001",  # json.dumps()
        ">?\u00e9'\\\"/ +\\u0001",  # json.dumps(ensure_ascii=False)
        "%3E%3F%C3%A9%27%22/%20%2B%01",  # quote()
        "%3E%3F%C3%A9%27%22%2F%20%2B%01",  # quote(safe="")
        "%3E%3F%C3%A9%27%22%2F+%2B%01",  # quote_plus(), urlencode()
        "Pj/DqSciLyArAQ==",  # base64
        "Pj/DqSciLyArAQ",
        "Pj_DqSciLyArAQ==",  # URL-safe base64
        "Pj_DqSciLyArAQ",
    }


def test_a_lone_surrogate_is_encoded_not_an_error() -> None:
    """Text decoded with surrogateescape (a mangled file name) is still a secret to hide."""
    value = "k>?~\udc80"
    assert "k%3E%3F~%ED%B2%80" in derived_forms(value)
    assert pair_forms("app-id", value) == {
        "YXBwLWlkOms+P37tsoA=",
        "YXBwLWlkOms+P37tsoA",
        "YXBwLWlkOms-P37tsoA=",
        "YXBwLWlkOms-P37tsoA",
    }
    registry = SecretRegistry()
    registry.add_pair("app-id", value)
    assert value in registry
    assert "YXBwLWlkOms-P37tsoA" in registry.forms()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("hunter22", "hunter22"),
        (98765432, "98765432"),
        (0.125, "0.125"),
        (True, None),
        (False, None),
        (None, None),
        (["hunter22"], None),
        (b"hunter22", None),
    ],
)
def test_strings_and_numbers_are_secrets_flags_and_containers_are_not(
    value: object, text: str | None
) -> None:
    assert secret_text(value) == text


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("abcd", True),
        ("abc", False),  # MIN_LENGTH is 4
        (1234, True),
        (123, False),
        (None, False),
        (True, False),
        ("\t \n ", False),  # whitespace only
        (" ab ", True),  # not only whitespace
        ("DACT", False),  # inside the marker: could never be removed
        ("[REDACTED]", False),
        ("[REDACTED]x", True),
    ],
)
def test_which_values_are_accepted(value: object, accepted: bool) -> None:
    assert SecretRegistry.accepts(value) is accepted
    registry = SecretRegistry([value])
    assert (len(registry) == 1) is accepted
    assert (registry.version == 1) is accepted


def test_values_that_are_not_secrets_are_skipped_among_secrets() -> None:
    registry = SecretRegistry([None, True, ["x"], "ab", "real-secret", 98765432])
    assert registry.snapshot() == frozenset({"real-secret", "98765432"})
    assert registry.version == 1  # one bump for the whole batch


def test_membership_compares_the_printed_text() -> None:
    registry = SecretRegistry([98765432])
    assert 98765432 in registry and "98765432" in registry
    assert 9876543 not in registry and True not in registry and None not in registry


def test_forms_hold_every_value_and_its_derived_forms() -> None:
    registry = SecretRegistry(["it's-me", "plain-one"])
    assert registry.forms() == derived_forms("it's-me") | derived_forms("plain-one")
    version, forms = registry.versioned_forms()
    assert (version, forms) == (1, registry.forms())
    assert registry.versioned_snapshot() == (1, frozenset({"it's-me", "plain-one"}))


def test_the_basic_auth_pair_of_a_known_secret_still_moves_the_version() -> None:
    """A redactor built before add_pair must pick up the new Basic form."""
    registry = SecretRegistry(["pa:ss-w0rd"])
    redactor = Redactor(load_redaction_patterns(None), registry)
    assert redactor.redact("warm up") == "warm up"
    registry.add_pair("client-1", "pa:ss-w0rd")
    assert registry.version == 2
    assert len(registry) == 1
    basic = "Y2xpZW50LTE6cGE6c3MtdzByZA=="  # base64("client-1:pa:ss-w0rd")
    assert redactor.redact(f"sent {basic} ok") == f"sent {REDACTED} ok"
    registry.add_pair("client-1", "pa:ss-w0rd")
    assert registry.version == 2  # nothing new


@pytest.mark.parametrize("secret", ["ab", None, True, "    "])
def test_a_pair_with_a_value_that_is_no_secret_registers_nothing(secret: object) -> None:
    registry = SecretRegistry()
    registry.add_pair("client-1", secret)
    assert len(registry) == 0 and registry.version == 0 and registry.forms() == frozenset()


def test_a_numeric_pair_is_registered_by_its_text() -> None:
    registry = SecretRegistry()
    registry.add_pair("client-1", 98765432)
    assert "98765432" in registry
    assert pair_forms("client-1", "98765432") <= registry.forms()


def test_the_repr_counts_without_showing() -> None:
    registry = SecretRegistry(["first-secret", "second-secret"])
    assert repr(registry) == "SecretRegistry(<2 secret(s)>)"
    redactor = Redactor(load_redaction_patterns(None), registry)
    rules = len(load_redaction_patterns(None))
    assert repr(redactor) == f"Redactor({rules} rules, SecretRegistry(<2 secret(s)>))"


def test_only_padding_is_taken_off_the_unpadded_base64_forms() -> None:
    """base64("tokenW") ends in "X" and needs no padding: nothing may be cut off it."""
    assert derived_forms("tokenW") == {"tokenW", "dG9rZW5X"}
    assert pair_forms("id", "tokenW") == {"aWQ6dG9rZW5X"}
