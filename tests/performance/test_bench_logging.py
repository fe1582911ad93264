"""Logging with redaction vs plain stdlib logging with the same handlers, in two configurations.

*Minimal* (``logging-redaction``): the bundled patterns and registered
secrets, one ``StreamHandler`` to ``os.devnull`` on a dedicated,
non-propagating logger, against the same handler with a plain formatter.

*Realistic* (``logging-redaction-realistic``): what a migrated project runs.
The legacy corpus's v2.1 ``config/logging-config.json`` and
``log-redaction-patterns.json`` are copied into a project and logging is set
up the way ``run_script`` does (``setup_logging(paths, secrets)``): console
(to ``os.devnull``) plus rotating file handler on the root logger, secrets
registered with all their derived forms.  The baseline is plain stdlib
logging with the same two handlers, levels, formats and rotation settings.
Both log through a script's own logger.  Other root handlers (pytest's log
capture) are taken off while a side is measured, so neither pays for them.

The batch is what a script's log looks like: mostly ordinary lines, one in
ten carrying a secret.  Target: median ≤ 1.5x in both configurations.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import logging.handlers
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import pytest

from tools.bench import BASELINE, GROUP_LOGGING, GROUP_LOGGING_REALISTIC, SUBJECT, tag
from txo.log import (
    DEFAULT_FORMAT,
    RedactingFormatter,
    Redactor,
    SecretRegistry,
    load_redaction_patterns,
    setup_logging,
)
from txo.paths import ProjectPaths

LEGACY_CONFIG = Path(__file__).parents[2] / "migration" / "legacy" / "config"
V21_FILES = ("logging-config.json", "log-redaction-patterns.json")

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


# --- the realistic configuration -------------------------------------------------------


def _devnull() -> TextIO:
    return open(os.devnull, "w", encoding="utf-8")


def _plain_handlers(folder: Path, console: TextIO) -> list[logging.Handler]:
    """The legacy logging-config.json's two handlers, built by hand with plain formatters."""
    config = json.loads((LEGACY_CONFIG / "logging-config.json").read_text(encoding="utf-8"))
    handlers: list[logging.Handler] = []
    for name, spec in config["handlers"].items():
        formatter = config["formatters"][spec["formatter"]]
        if spec["class"].endswith("RotatingFileHandler"):
            handler: logging.Handler = logging.handlers.RotatingFileHandler(
                folder / "app.log",
                maxBytes=spec["maxBytes"],
                backupCount=spec["backupCount"],
                encoding="utf-8",
            )
        else:
            handler = logging.StreamHandler(console)
        handler.setLevel(spec["level"])
        handler.setFormatter(logging.Formatter(formatter["format"], formatter["datefmt"]))
        handler.name = name
        handlers.append(handler)
    return handlers


@pytest.fixture(params=[SUBJECT, BASELINE])
def realistic_logger(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[logging.Logger, list[logging.Handler]]]:
    role = request.param
    root = logging.getLogger()
    foreign, level = list(root.handlers), root.level
    for handler in foreign:
        root.removeHandler(handler)
    console = _devnull()
    setup = None
    try:
        if role == SUBJECT:
            (tmp_path / "config").mkdir()
            for name in V21_FILES:
                shutil.copy(LEGACY_CONFIG / name, tmp_path / "config" / name)
            today = datetime.date(2024, 5, 1)
            secrets = SecretRegistry(SECRETS)
            setup = setup_logging(
                ProjectPaths(tmp_path), secrets, console=console, today=lambda: today
            )
            handlers = list(setup.handlers)
        else:
            handlers = _plain_handlers(tmp_path, console)
            for handler in handlers:
                root.addHandler(handler)
            root.setLevel(logging.DEBUG)  # as the legacy config's root level
        yield logging.getLogger("bench.script"), handlers
    finally:
        if setup is not None:
            setup.close()
        for handler in root.handlers[:]:
            root.removeHandler(handler)
            handler.close()
        for handler in foreign:
            root.addHandler(handler)
        root.setLevel(level)
        console.close()


def test_logging_throughput_realistic(
    benchmark: Any, realistic_logger: tuple[logging.Logger, list[logging.Handler]]
) -> None:
    logger, handlers = realistic_logger
    role = SUBJECT if isinstance(handlers[0].formatter, RedactingFormatter) else BASELINE
    tag(benchmark, GROUP_LOGGING_REALISTIC, role)
    assert {type(h).__name__ for h in handlers} == {"StreamHandler", "RotatingFileHandler"}
    assert benchmark(_log_batch, logger) == len(RECORDS)
    console = next(h for h in handlers if type(h) is logging.StreamHandler)
    captured = io.StringIO()
    console.setStream(captured)  # what the measured console handler wrote, for one more batch
    _log_batch(logger)
    text = captured.getvalue()
    assert text.count("\n") == len(RECORDS)
    leaked = [s for s in (TOKEN, CLIENT_SECRET) if s in text]
    if role == SUBJECT:
        assert not leaked
        assert text.count("[REDACTED]") >= 10
    else:
        assert leaked == [TOKEN, CLIENT_SECRET]
