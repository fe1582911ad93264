"""Logging with redaction (full bundled pattern set + registered secrets) vs plain stdlib logging.

Both sides log the same batch of records, with the same format string,
through a ``logging.StreamHandler`` writing to ``os.devnull`` on a
dedicated, non-propagating logger (so pytest's capture handler on the root
logger costs neither side anything).  The batch is what a script's log
looks like: mostly ordinary lines, one in ten carrying a secret.
Target: median ≤ 1.5x.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tools.bench import BASELINE, GROUP_LOGGING, SUBJECT, tag
from txo.log import (
    DEFAULT_FORMAT,
    RedactingFormatter,
    Redactor,
    SecretRegistry,
    load_redaction_patterns,
)

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2FwaS5i.c2lnbmF0dXJl"
CLIENT_SECRET = "Zx8Q~mY2.secretvalue_0123456789abcdef"
SECRETS = [TOKEN, CLIENT_SECRET, *(f"tenant-secret-{i:04d}-value" for i in range(20))]
URL = "https://api.businesscentral.dynamics.com/v2.0/t/production/api/v2.0/companies(1)/customers"
ORDINARY: list[tuple[str, tuple[Any, ...]]] = [
    ("GET %s -> %d", (URL, 200)),
    ("Processed %d customers in %.2fs", (250, 1.234)),
    ("Saved %s (%d bytes)", ("output/customers_2024-05-01.json", 48_213)),
    ("Page %d of %s: %d items", (3, "customers", 20)),
    ("Rate limit: waiting %.3fs for a token", (0.125,)),
    ("Loaded configuration from %s", ("config/txo-prod-config.json",)),
    ("Customer %s updated (etag %s)", ("C00042", 'W/"JzQ0OzE3NDg3MTIzNDs="')),
    ("Retrying %s %s: HTTP %d; retrying in %.1fs", ("GET", URL, 503, 1.5)),
    ("Batch %d/%d complete", (7, 12)),
]
SECRET_LINE: tuple[str, tuple[Any, ...]] = (
    "Token response for %s: Authorization: Bearer %s client_secret=%s",
    ("tenant", TOKEN, CLIENT_SECRET),
)
RECORDS = [*ORDINARY, SECRET_LINE] * 10  # 100 records, 10 with secrets


def _log_batch(logger: logging.Logger) -> int:
    for msg, args in RECORDS:
        logger.info(msg, *args)
    return len(RECORDS)


@pytest.fixture
def redactor() -> Redactor:
    return Redactor(load_redaction_patterns(), SecretRegistry(SECRETS))


@pytest.fixture(params=[SUBJECT, BASELINE])
def bench_logger(request: pytest.FixtureRequest, redactor: Redactor) -> Iterator[logging.Logger]:
    role = request.param
    logger = logging.getLogger(f"txo.bench.logging.{role}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = logging.StreamHandler(open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    if role == SUBJECT:
        handler.setFormatter(RedactingFormatter(DEFAULT_FORMAT, redactor=redactor))
    else:
        handler.setFormatter(logging.Formatter(DEFAULT_FORMAT))
    logger.addHandler(handler)
    try:
        yield logger
    finally:
        logger.removeHandler(handler)
        handler.stream.close()


def test_logging_throughput(benchmark: Any, bench_logger: logging.Logger) -> None:
    role = bench_logger.name.rsplit(".", 1)[-1]
    tag(benchmark, GROUP_LOGGING, role)
    assert benchmark(_log_batch, bench_logger) == len(RECORDS)
    handler = bench_logger.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    captured = io.StringIO()
    handler.setStream(captured)  # what the measured handler wrote, for one more batch
    _log_batch(bench_logger)
    text = captured.getvalue()
    assert text.count("\n") == len(RECORDS)
    leaked = [s for s in (TOKEN, CLIENT_SECRET) if s in text]
    if role == SUBJECT:
        assert not leaked
        assert text.count("[REDACTED]") >= 10
        assert "customers_2024-05-01.json" in text  # ordinary lines pass unchanged
    else:
        assert leaked == [TOKEN, CLIENT_SECRET]
