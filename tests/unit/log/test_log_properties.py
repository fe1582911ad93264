"""Property: whatever the message, arguments or exception text, a secret never reaches a log."""

from __future__ import annotations

import datetime
import io
import logging
import string
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from txo.log import SecretRegistry, setup_logging
from txo.paths import ProjectPaths

SECRET_ALPHABET = string.ascii_letters + string.digits + "-_.~+/!@$^*"
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-._~+/"
B64URL = string.ascii_letters + string.digits + "-_"

secret_values = st.text(SECRET_ALPHABET, min_size=8, max_size=32)
free_text = st.text(max_size=40)
placements = st.sampled_from(["message", "argument", "exception", "dict"])
jwts = st.builds(
    lambda a, b, c: f"ey{a}.ey{b}.{c}",
    st.text(B64URL, min_size=4, max_size=30),
    st.text(B64URL, min_size=4, max_size=60),
    st.text(B64URL, min_size=4, max_size=40),
)
bearers = st.text(TOKEN_ALPHABET, min_size=8, max_size=60).map(lambda t: f"Bearer {t}")

Log = Callable[[logging.Logger], None]


def everything_logged(secrets: SecretRegistry, log: Log) -> str:
    """Console output plus the daily file of a fresh project after ``log`` ran."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "config").mkdir()
        console = io.StringIO()
        today = datetime.date(2024, 5, 1)
        with setup_logging(ProjectPaths(root), secrets, console=console, today=lambda: today) as s:
            log(s.logger)
            assert s.log_file is not None
        return console.getvalue() + s.log_file.read_text(encoding="utf-8")


def placed(prefix: str, secret: str, suffix: str, placement: str) -> Log:
    """Log ``secret`` between two arbitrary texts, in the message, an argument, an error..."""
    text = f"{prefix} {secret} {suffix}"

    def log(logger: logging.Logger) -> None:
        if placement == "message":
            logger.warning(text)  # no args: logging does not %-format it
        elif placement == "argument":
            logger.info("%s|%s|%s", prefix, secret, suffix)
        elif placement == "dict":
            logger.info("payload %s", {"note": prefix, "value": secret, "n": 1})
        else:
            try:
                raise RuntimeError(text)
            except RuntimeError:
                logger.exception("failed: %s", prefix)

    return log


@settings(max_examples=60)
@given(secret=secret_values, prefix=free_text, suffix=free_text, placement=placements)
def test_registered_secret_never_reaches_console_or_file(
    secret: str, prefix: str, suffix: str, placement: str
) -> None:
    output = everything_logged(SecretRegistry([secret]), placed(prefix, secret, suffix, placement))
    assert secret not in output
    assert "[REDACTED]" in output


@settings(max_examples=60)
@given(token=st.one_of(bearers, jwts), prefix=free_text, suffix=free_text, placement=placements)
def test_pattern_matched_token_never_reaches_console_or_file(
    token: str, prefix: str, suffix: str, placement: str
) -> None:
    secret = token.removeprefix("Bearer ")
    assume(secret not in prefix and secret not in suffix)
    output = everything_logged(SecretRegistry(), placed(prefix, token, suffix, placement))
    assert secret not in output
    assert "[REDACTED" in output
