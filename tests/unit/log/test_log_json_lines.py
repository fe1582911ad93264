"""JSON-lines logs: chosen in logging-config.json, redacted, one valid JSON object per line."""

from __future__ import annotations

import datetime
import io
import json
import logging
import math
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from txo.log import (
    JsonLinesFormatter,
    Redactor,
    SecretRegistry,
    load_redaction_patterns,
    setup_logging,
)
from txo.paths import ProjectPaths

SECRET = "json-secret-4711"
DAY = datetime.date(2024, 5, 1)


def strict(line: str) -> Any:
    """Parse one line as strict JSON (no NaN/Infinity), and check it is one line."""
    assert "\n" not in line

    def reject(constant: str) -> Any:
        raise ValueError(f"non-standard JSON constant {constant}")

    return json.loads(line, parse_constant=reject)


@pytest.fixture
def formatter() -> JsonLinesFormatter:
    return JsonLinesFormatter(
        redactor=Redactor(load_redaction_patterns(), SecretRegistry([SECRET]))
    )


def record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("txo.test", logging.INFO, __file__, 10, msg, args, None)
    made.__dict__.update(extra)
    made.created = datetime.datetime(2024, 5, 1, 12, 0, 0, 123000, datetime.UTC).timestamp()
    return made


def test_fields_and_utc_time(formatter: JsonLinesFormatter) -> None:
    line = formatter.format(record("saved %d rows with %s", 3, SECRET, order=42, note=SECRET))
    assert strict(line) == {
        "time": "2024-05-01T12:00:00.123Z",
        "level": "INFO",
        "logger": "txo.test",
        "message": "saved 3 rows with [REDACTED]",
        "exception": None,
        "extra": {"order": 42, "note": "[REDACTED]"},
    }


def test_exception_and_numeric_secret_in_extra() -> None:
    registry = SecretRegistry([98765432])
    formatter = JsonLinesFormatter(redactor=Redactor(load_redaction_patterns(), registry))
    try:
        raise RuntimeError(f"bad pin 98765432 {float('nan')}")
    except RuntimeError:
        made = record("failed", pin=98765432, ratio=math.inf, payload={"pin": 98765432})
        made.exc_info = sys.exc_info()
    document = strict(formatter.format(made))
    assert "RuntimeError: bad pin [REDACTED] nan" in document["exception"]
    assert document["extra"] == {
        "pin": "[REDACTED]",
        "ratio": "inf",
        "payload": {"pin": "[REDACTED]"},
    }
    assert "98765432" not in json.dumps(document)


def test_chosen_in_logging_config(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    config = {
        "version": 1,
        "formatters": {"json": {"format": "json"}, "text": {"format": "%(message)s"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "text"},
            "file": {"class": "logging.FileHandler", "formatter": "json", "filename": "x.log"},
        },
    }
    (tmp_path / "config" / "logging-config.json").write_text(json.dumps(config))
    console = io.StringIO()
    registry = SecretRegistry([SECRET])
    with setup_logging(ProjectPaths(tmp_path), registry, console=console, today=lambda: DAY) as s:
        s.logger.warning('he said "%s"\nand left \u00e9', SECRET, extra={"user": "ann"})
        assert s.log_file is not None
    lines = s.log_file.read_text(encoding="utf-8").splitlines()
    document = strict(lines[-1])
    assert document["message"] == 'he said "[REDACTED]"\nand left \u00e9'
    assert document["extra"] == {"user": "ann"}
    assert console.getvalue() == 'he said "[REDACTED]"\nand left \u00e9\n'


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(
    message=st.text(),
    argument=st.text(),
    extra=st.dictionaries(
        st.text(st.characters(categories=["Ll"]), min_size=1, max_size=8).map(lambda k: f"x_{k}"),
        json_values,
        max_size=3,
    ),
    secret_at=st.sampled_from(["message", "argument", "extra", "exception", "nowhere"]),
)
def test_every_line_is_valid_redacted_json(
    message: str, argument: str, extra: dict[str, Any], secret_at: str
) -> None:
    formatter = JsonLinesFormatter(
        redactor=Redactor(load_redaction_patterns(), SecretRegistry([SECRET]))
    )
    msg = message.replace("%", "%%") + (f" {SECRET}" if secret_at == "message" else "") + " %s"
    arg = argument + (SECRET if secret_at == "argument" else "")
    fields = {**extra, "x_secret": SECRET} if secret_at == "extra" else extra
    made = record(msg, arg, **fields)
    if secret_at == "exception":
        try:
            raise ValueError(f"{message} {SECRET}")
        except ValueError:
            made.exc_info = sys.exc_info()
    line = formatter.format(made)
    document = strict(line)
    assert SECRET not in line and SECRET not in json.dumps(document, ensure_ascii=False)
    assert document["level"] == "INFO" and document["logger"] == "txo.test"
    assert set(document.get("extra", {})) == set(fields)
