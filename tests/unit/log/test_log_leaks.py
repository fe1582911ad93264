"""Paths by which a secret used to escape redaction: numbers, encoded forms, hooks, levels."""

from __future__ import annotations

import base64
import datetime
import io
import json
import logging
import sys
import threading
import urllib.parse
import warnings
from pathlib import Path

import pytest

from txo.config import ConfigLoader
from txo.log import Redactor, SecretRegistry, load_redaction_patterns, setup_logging
from txo.paths import ProjectPaths

DAY = datetime.date(2024, 5, 1)
AWKWARD = "p\u00e4ss'w\"o\\rd/+&= ?#%\u20ac"


def redactor(*values: str) -> tuple[Redactor, SecretRegistry]:
    registry = SecretRegistry(values)
    return Redactor(load_redaction_patterns(), registry), registry


# --- numeric secrets --------------------------------------------------------------


def test_numeric_values_are_registered_by_their_text() -> None:
    registry = SecretRegistry()
    registry.add(98765432)
    registry.add(3141.5926)
    registry.add(True)  # a flag is no secret
    registry.add(123)  # shorter than the minimum
    assert "98765432" in registry and "3141.5926" in registry
    assert "True" not in registry and "123" not in registry


def test_loader_registers_numeric_secrets(project: ProjectPaths) -> None:
    config = project.root / "config"
    (config / "acme-prod-config.json").write_text('{"global": {}}', encoding="utf-8")
    secrets_file = config / "acme-prod-config-secrets.json"
    secrets_file.write_text('{"pin": 98765432, "ratio": 0.125, "on": true}', encoding="utf-8")
    registry = SecretRegistry()
    loaded = ConfigLoader(project, secrets=registry).load("acme", "prod", validate=False)
    text = Redactor(load_redaction_patterns(), registry).redact(f"pin {loaded.config['_pin']}")
    assert text == "pin [REDACTED]"
    assert "0.125" in registry and "True" not in registry


def test_loader_registers_the_basic_auth_pair(project: ProjectPaths) -> None:
    config = project.root / "config"
    main = {"global": {"client-id": "app-client-id"}}
    (config / "acme-prod-config.json").write_text(json.dumps(main), encoding="utf-8")
    (config / "acme-prod-config-secrets.json").write_text(
        '{"client-secret": "s3cr3t-value"}', encoding="utf-8"
    )
    registry = SecretRegistry()
    ConfigLoader(project, secrets=registry).load("acme", "prod", validate=False)
    basic = base64.b64encode(b"app-client-id:s3cr3t-value").decode()
    redact = Redactor(load_redaction_patterns(), registry)
    assert redact.redact(f"header value {basic} sent") == "header value [REDACTED] sent"


# --- escaped and encoded forms -----------------------------------------------------


def forms_of(value: str) -> dict[str, str]:
    raw = value.encode("utf-8")
    b64 = base64.b64encode(raw).decode()
    b64url = base64.urlsafe_b64encode(raw).decode()
    return {
        "repr": repr(value),
        "ascii": ascii(value),
        "repr-list": repr([value, 1]),
        "repr-bytes": repr(raw),
        "json": json.dumps({"v": value}),
        "json-unicode": json.dumps({"v": value}, ensure_ascii=False),
        "quote": urllib.parse.quote(value),
        "quote-nosafe": urllib.parse.quote(value, safe=""),
        "quote_plus": urllib.parse.quote_plus(value),
        "urlencode": urllib.parse.urlencode({"secret": value}),
        "b64": b64,
        "b64-unpadded": b64.rstrip("="),
        "b64url": b64url,
        "b64url-unpadded": b64url.rstrip("="),
    }


@pytest.mark.parametrize("form", sorted(forms_of("x")))
def test_escaped_and_encoded_forms_are_redacted(form: str) -> None:
    redact, _ = redactor(AWKWARD)
    text = forms_of(AWKWARD)[form]
    out = redact.redact(f"sending {text} now")
    assert forms_of(AWKWARD)[form] not in out, out
    assert "[REDACTED]" in out


def test_basic_auth_pair_is_redacted() -> None:
    redact, registry = redactor()
    registry.add_pair("client-id-1", "pa:ss-w0rd")
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        basic = encode(b"client-id-1:pa:ss-w0rd").decode()
        assert redact.redact(f"Authorization: Basic {basic}") == "Authorization: Basic [REDACTED]"
    assert "pa:ss-w0rd" in registry


def test_derived_forms_keep_one_scan_and_the_registry_private() -> None:
    registry = SecretRegistry([AWKWARD])
    assert len(registry) == 1  # one secret, however many forms it is matched in
    assert AWKWARD not in repr(registry)
    assert json.dumps(AWKWARD)[1:-1] in registry.forms()


# --- output that bypasses logging --------------------------------------------------


def test_warnings_are_logged_redacted_and_restored(project: ProjectPaths) -> None:
    before = warnings.showwarning
    console = io.StringIO()
    registry = SecretRegistry(["warn-secret-1234"])
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        logs = setup_logging(project, registry, console=console, today=lambda: DAY)
        warnings.warn("token warn-secret-1234 is old", UserWarning, stacklevel=1)
        logs.close()
        assert warnings.showwarning is before or warnings.showwarning == before
    assert logs.log_file is not None
    for text in (console.getvalue(), logs.log_file.read_text(encoding="utf-8")):
        assert "UserWarning: token [REDACTED] is old" in text
        assert "warn-secret-1234" not in text


def test_thread_exceptions_are_logged_redacted_and_restored(project: ProjectPaths) -> None:
    before = threading.excepthook
    console = io.StringIO()
    registry = SecretRegistry(["thread-secret-99"])

    def fail() -> None:
        raise RuntimeError("thread failed with thread-secret-99")

    logs = setup_logging(project, registry, console=console, today=lambda: DAY)
    assert threading.excepthook is not before
    worker = threading.Thread(target=fail, name="worker-7")
    worker.start()
    worker.join()
    logs.close()
    assert threading.excepthook is before
    assert logs.log_file is not None
    logged = logs.log_file.read_text(encoding="utf-8")
    for text in (console.getvalue(), logged):
        assert "worker-7" in text and "RuntimeError: thread failed with [REDACTED]" in text
        assert "thread-secret-99" not in text
    assert "Traceback (most recent call last)" in logged


def test_uncaught_exceptions_are_logged_redacted_and_restored(project: ProjectPaths) -> None:
    before = sys.excepthook
    console = io.StringIO()
    registry = SecretRegistry(["crash-secret-77"])
    logs = setup_logging(project, registry, console=console, today=lambda: DAY)
    assert sys.excepthook is not before
    try:
        raise ValueError("auth failed: crash-secret-77")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    logs.close()
    assert sys.excepthook is before
    assert logs.log_file is not None
    for text in (console.getvalue(), logs.log_file.read_text(encoding="utf-8")):
        assert "ValueError: auth failed: [REDACTED]" in text
        assert "crash-secret-77" not in text


def test_hooks_replaced_by_someone_else_are_left_alone(project: ProjectPaths) -> None:
    before = sys.excepthook
    logs = setup_logging(project, SecretRegistry(), console=io.StringIO(), today=lambda: DAY)

    def theirs(*args: object) -> None: ...

    sys.excepthook = theirs
    try:
        logs.close()
        assert sys.excepthook is theirs  # not ours to restore any more
    finally:
        sys.excepthook = before


# --- scripts' own loggers ----------------------------------------------------------


def test_scripts_own_loggers_log_at_the_configured_level(project: ProjectPaths) -> None:
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    console = io.StringIO()
    logs = setup_logging(project, SecretRegistry(), console=console, today=lambda: DAY)
    logging.getLogger("my_script.module").info("loaded 12 rows")
    logging.getLogger("my_script.module").debug("row detail")
    logs.close()
    assert root.level == logging.WARNING  # restored
    assert logs.log_file is not None
    logged = logs.log_file.read_text(encoding="utf-8")
    assert "my_script.module - INFO - loaded 12 rows" in console.getvalue()
    assert "my_script.module - DEBUG - row detail" in logged
    assert "row detail" not in console.getvalue()


# --- one redaction per record -------------------------------------------------------


class CountingRedactor(Redactor):
    """A redactor that counts its calls."""

    calls = 0

    def redact(self, text: str) -> str:
        CountingRedactor.calls += 1
        return super().redact(text)


def test_a_record_is_redacted_once_however_many_handlers_format_it(tmp_path: Path) -> None:
    import logging.handlers

    from txo.log import RedactingFormatter

    redact = CountingRedactor(load_redaction_patterns(), SecretRegistry(["once-secret-1"]))
    console = logging.StreamHandler(io.StringIO())
    rotating = logging.handlers.RotatingFileHandler(
        tmp_path / "app.log", maxBytes=1_000_000, backupCount=1, encoding="utf-8"
    )
    logger = logging.getLogger("txo.test.once")
    logger.propagate = False
    for handler in (console, rotating):
        handler.setFormatter(RedactingFormatter(redactor=redact))
        logger.addHandler(handler)
    try:
        CountingRedactor.calls = 0
        logger.warning("value %s", "once-secret-1")
        assert CountingRedactor.calls == 1  # not once per handler, nor twice for the rotation
    finally:
        for handler in (console, rotating):
            logger.removeHandler(handler)
            handler.close()
    assert "value [REDACTED]" in (tmp_path / "app.log").read_text(encoding="utf-8")


# --- debug logging stays lazy ---------------------------------------------------------


class Expensive:
    """An argument that counts how often it is rendered."""

    rendered = 0

    def __str__(self) -> str:
        Expensive.rendered += 1
        return "expensive"


def test_debug_records_nobody_reads_are_never_built() -> None:
    console = io.StringIO()
    with setup_logging(None, SecretRegistry(), console=console) as logs:
        Expensive.rendered = 0
        for name in ("txo.http.client", "my_script.module"):
            assert not logging.getLogger(name).isEnabledFor(logging.DEBUG)
            logging.getLogger(name).debug("request %s", Expensive())
        assert Expensive.rendered == 0  # no record, no formatting, no redaction
        logs.logger.info("done %s", Expensive())
    assert console.getvalue().count("done expensive") == 1


def test_warnings_stay_on_stderr_when_the_console_handler_is_stdout(
    project: ProjectPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tools read warnings from stderr; a v2.1 console handler on stdout must not take them."""
    config = {
        "version": 1,
        "handlers": {
            "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
        },
    }
    (project.root / "config" / "logging-config.json").write_text(json.dumps(config))
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        with setup_logging(project, SecretRegistry(["stderr-secret-5"]), today=lambda: DAY):
            warnings.warn("old API with stderr-secret-5", DeprecationWarning, stacklevel=1)
    captured = capsys.readouterr()
    assert "DeprecationWarning: old API with [REDACTED]" in captured.err
    assert "stderr-secret-5" not in captured.err + captured.out
    assert "DeprecationWarning" not in captured.out
