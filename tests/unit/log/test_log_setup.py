"""setup_logging: redacting handlers on the root logger, daily file, config file, clean close."""

from __future__ import annotations

import datetime
import io
import json
import logging
import logging.handlers
from typing import Any

import pytest

from txo.errors import HelpfulError
from txo.log import RedactingFormatter, SecretRegistry, setup_logging
from txo.paths import ProjectPaths

SECRET = "client-secret-value-0042"
DAY = datetime.date(2024, 5, 1)

V21_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "simple": {"format": "%(asctime)s | %(levelname)s | %(message)s", "datefmt": "%Y-%m-%d"},
        "detailed": {"format": "%(asctime)s - %(name)s - %(levelname)s - %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "level": "WARNING",
            "formatter": "simple",
            "stream": "ext://sys.stdout",
        },
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "level": "DEBUG",
            "formatter": "detailed",
            "maxBytes": 10485760,
            "backupCount": 5,
            "encoding": "utf8",
            "filename": "logs/app.log",
        },
    },
    "loggers": {
        "TxoApp": {"level": "DEBUG", "handlers": ["console", "file"], "propagate": False},
        "urllib3": {"level": "ERROR", "handlers": ["console"], "propagate": False, "comment": "x"},
    },
    "root": {"level": "INFO", "handlers": ["console", "file"]},
}


@pytest.fixture
def secrets() -> SecretRegistry:
    return SecretRegistry([SECRET])


def setup(paths: ProjectPaths | None, secrets: SecretRegistry, console: io.StringIO) -> Any:
    return setup_logging(paths, secrets, console=console, today=lambda: DAY)


def txo_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h.formatter, RedactingFormatter)]


def test_defaults_console_info_and_daily_file_debug(
    project: ProjectPaths, secrets: SecretRegistry
) -> None:
    console = io.StringIO()
    with setup(project, secrets, console) as logs:
        assert logs.log_file == project.root / "logs" / "app_2024-05-01.log"
        logs.logger.debug("debug detail")
        logs.logger.info("using %s and %d items", SECRET, 3)
    text = logs.log_file.read_text(encoding="utf-8")
    assert "debug detail" in text and "debug detail" not in console.getvalue()
    for output in (text, console.getvalue()):
        assert "txo - INFO - using [REDACTED] and 3 items" in output
        assert SECRET not in output
        assert "Z - txo" in output  # UTC ISO timestamp: 2024-05-01T12:00:00.123Z


def test_percent_formatting_and_a_lone_dict_argument_still_work(
    project: ProjectPaths, secrets: SecretRegistry
) -> None:
    console = io.StringIO()
    with setup(project, secrets, console) as logs:
        logs.logger.info("count=%d ratio=%.1f", 42, 0.25)
        logs.logger.info("user %(name)s has %(n)d items", {"name": "bob", "n": 3})
        logs.logger.info("config %s", {"_client_secret": "abc-123", "n": 1})
    out = console.getvalue()
    assert "count=42 ratio=0.2" in out
    assert "user bob has 3 items" in out
    assert "config {'_client_secret': \"[REDACTED]\", 'n': 1}" in out


def test_traceback_and_stack_are_redacted(project: ProjectPaths) -> None:
    console = io.StringIO()
    secrets = SecretRegistry([SECRET, "frame_named_like_a_secret"])
    with setup(project, secrets, console) as logs:
        try:
            raise ValueError(f"boom with {SECRET}")
        except ValueError:
            logs.logger.exception("request failed token=%s", "tk-123")

        def frame_named_like_a_secret() -> None:
            logs.logger.warning("where am I", stack_info=True)

        frame_named_like_a_secret()
    text = logs.log_file.read_text(encoding="utf-8")
    for output in (text, console.getvalue()):
        assert "Traceback (most recent call last)" in output
        assert "ValueError: boom with [REDACTED]" in output
        assert "request failed token=[REDACTED]" in output
        assert "Stack (most recent call last)" in output and "in [REDACTED]" in output
        assert SECRET not in output and "tk-123" not in output
        assert "frame_named_like_a_secret" not in output


def test_other_handlers_see_the_original_record(
    project: ProjectPaths, secrets: SecretRegistry
) -> None:
    seen: list[tuple[Any, str, str | None]] = []

    class Spy(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append((record.args, logging.Formatter().format(record), record.exc_text))

    payload = {"password": "pw-1"}
    spy = Spy()
    logging.getLogger().addHandler(spy)
    try:
        with setup(project, secrets, io.StringIO()) as logs:
            logs.logger.info("n=%d secret=%s payload=%s", 7, SECRET, payload)
    finally:
        logging.getLogger().removeHandler(spy)
    args, formatted, _ = seen[0]
    assert args == (7, SECRET, payload) and args[2] is payload
    assert f"n=7 secret={SECRET} payload={{'password': 'pw-1'}}" in formatted


def test_unformattable_record_is_logged_redacted_not_raised(
    project: ProjectPaths, secrets: SecretRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    console = io.StringIO()
    with setup(project, secrets, console) as logs:
        # Straight to txo's handlers: pytest's own capture handler would raise on this record.
        record = logs.logger.makeRecord(
            "txo", logging.INFO, __file__, 1, f"value %d for {SECRET}", ("nan",), None
        )
        for handler in logs.handlers:
            handler.handle(record)
    out = console.getvalue()
    assert "could not log the message 'value %d for [REDACTED]'" in out
    assert "TypeError" in out and SECRET not in out
    assert "Logging error" not in capsys.readouterr().err


def test_third_party_records_pass_the_redacting_handlers(
    project: ProjectPaths, secrets: SecretRegistry
) -> None:
    console = io.StringIO()
    logging.getLogger("httpx").setLevel(logging.NOTSET)
    with setup(project, secrets, console):
        logging.getLogger("third.party").warning("auth with Bearer abc.def-123")
        logging.getLogger("httpx").info("HTTP Request: GET https://x 200")
        assert logging.getLogger("httpx").level == logging.WARNING
    out = console.getvalue()
    assert "third.party - WARNING - auth with Bearer [REDACTED]" in out
    assert "HTTP Request" not in out
    assert logging.getLogger("httpx").level == logging.NOTSET  # close() restored it


def test_close_restores_levels_only_while_installed(
    project: ProjectPaths, secrets: SecretRegistry
) -> None:
    txo_logger = logging.getLogger("txo")
    txo_logger.setLevel(logging.ERROR)
    first = setup_logging(project, secrets, console=io.StringIO(), level=logging.DEBUG)
    assert txo_logger.level == logging.DEBUG
    second = setup_logging(project, secrets, console=io.StringIO(), level=logging.INFO)
    first.close()  # replaced already: the active setup's level stays
    assert txo_logger.level == logging.INFO
    second.close()
    assert txo_logger.level == logging.DEBUG  # the state second found when it started


def test_setup_twice_replaces_and_close_removes_exactly_its_handlers(
    project: ProjectPaths, secrets: SecretRegistry
) -> None:
    foreign = logging.NullHandler()
    logging.getLogger().addHandler(foreign)
    try:
        first = setup(project, secrets, io.StringIO())
        second = setup(project, secrets, io.StringIO())
        assert txo_handlers() == list(second.handlers)
        assert all(h not in logging.getLogger().handlers for h in first.handlers)
        first.close()  # already replaced: harmless
        assert txo_handlers() == list(second.handlers)
        second.close()
        second.close()
        assert txo_handlers() == []
        assert foreign in logging.getLogger().handlers
    finally:
        logging.getLogger().removeHandler(foreign)


def test_console_only_without_a_project(secrets: SecretRegistry) -> None:
    console = io.StringIO()
    with setup(None, secrets, console) as logs:
        logs.logger.info("hello %s", SECRET)
        assert logs.log_file is None
        assert [h.name for h in logs.handlers] == ["console"]
    assert "hello [REDACTED]" in console.getvalue()


def test_level_argument_and_logger_name(project: ProjectPaths, secrets: SecretRegistry) -> None:
    console = io.StringIO()
    logs = setup_logging(project, secrets, logger_name="txo.test", level=logging.WARNING,
                         console=console, today=lambda: DAY)  # fmt: skip
    with logs:
        logs.logger.info("dropped")
        logs.logger.warning("kept")
    assert logs.logger.name == "txo.test"
    assert "kept" in console.getvalue() and "dropped" not in console.getvalue()


def test_logging_config_json_is_honoured(project: ProjectPaths, secrets: SecretRegistry) -> None:
    (project.root / "config" / "logging-config.json").write_text(json.dumps(V21_CONFIG))
    console = io.StringIO()
    with setup(project, secrets, console) as logs:
        handlers = {h.name: h for h in logs.handlers}
        assert isinstance(handlers["file"], logging.handlers.RotatingFileHandler)
        assert handlers["file"].backupCount == 5
        assert handlers["file"].baseFilename == str(logs.log_file)
        assert all(isinstance(h.formatter, RedactingFormatter) for h in logs.handlers)
        assert logging.getLogger("urllib3").level == logging.ERROR
        assert logging.getLogger().level == logging.INFO
        logs.logger.info("info %s", SECRET)
        logs.logger.warning("warn %s", SECRET)
    assert logs.log_file == project.root / "logs" / "app_2024-05-01.log"
    out, text = console.getvalue(), logs.log_file.read_text(encoding="utf-8")
    assert "info" not in out and " | WARNING | warn [REDACTED]" in out
    assert "txo - INFO - info [REDACTED]" in text and SECRET not in text
    assert not (project.root / "logs" / "app.log").exists()


def test_handler_without_formatter_gets_a_redacting_one(
    project: ProjectPaths, secrets: SecretRegistry
) -> None:
    config = {"version": 1, "handlers": {"plain": {"class": "logging.StreamHandler"}}}
    (project.root / "config" / "logging-config.json").write_text(json.dumps(config))
    console = io.StringIO()
    with setup(project, secrets, console) as logs:
        logs.logger.warning("key %s", SECRET)
        assert logs.log_file is None
    assert "txo - WARNING - key [REDACTED]" in console.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{broken", "is not valid JSON"),
        ("[1, 2]", "holds a JSON list, not an object"),
        (json.dumps({"version": 1, "handlers": {}}), 'has no "handlers"'),
        (
            json.dumps({"version": 1, "handlers": {"h": {"class": "no.such.Handler"}}}),
            "handler 'h' could not be built",
        ),
        (
            json.dumps(
                {
                    "handlers": {"h": {"class": "logging.StreamHandler", "formatter": "f"}},
                    "formatters": {"f": {"format": "%(nope"}},
                }
            ),
            "formatter 'f' is invalid",
        ),
        (
            json.dumps(
                {"handlers": {"h": {"class": "logging.StreamHandler"}}, "root": {"level": "LOUD"}}
            ),
            "root.level is 'LOUD'",
        ),
    ],
)
def test_bad_logging_config_is_a_helpful_error(
    project: ProjectPaths, secrets: SecretRegistry, content: str, expected: str
) -> None:
    path = project.root / "config" / "logging-config.json"
    path.write_text(content)
    before = list(logging.getLogger().handlers)
    with pytest.raises(HelpfulError) as caught:
        setup(project, secrets, io.StringIO())
    message = str(caught.value)
    assert str(path) in message and expected in message
    assert "Fix: " in message and '"handlers"' in message  # the example config
    assert logging.getLogger().handlers == before


def test_bad_redaction_patterns_file_is_a_helpful_error(
    project: ProjectPaths, secrets: SecretRegistry
) -> None:
    path = project.root / "config" / "log-redaction-patterns.json"
    path.write_text(json.dumps({"redaction-patterns": {"patterns": [{"name": "x"}]}}))
    with pytest.raises(HelpfulError) as caught:
        setup(project, secrets, io.StringIO())
    assert str(path) in str(caught.value) and "patterns[1] ('x')" in str(caught.value)


def test_project_redaction_patterns_are_used(
    project: ProjectPaths, secrets: SecretRegistry
) -> None:
    patterns = {"name": "emp", "pattern": r"EMP-\d{6}", "replacement": "[EMPLOYEE]"}
    path = project.root / "config" / "log-redaction-patterns.json"
    path.write_text(json.dumps({"redaction-patterns": {"patterns": [patterns]}}))
    console = io.StringIO()
    with setup(project, secrets, console) as logs:
        logs.logger.info("employee EMP-123456 updated")
        assert logs.redactor.redact("EMP-654321") == "[EMPLOYEE]"
    assert "employee [EMPLOYEE] updated" in console.getvalue()


def test_extra_fields_in_the_format_are_redacted_too(secrets: SecretRegistry) -> None:
    logs = setup_logging(None, secrets, console=io.StringIO())
    with logs:
        redactor = logs.redactor
    record = logging.makeLogRecord({"msg": "login", "user": f"bob:{SECRET}", "levelname": "INFO"})
    whole = RedactingFormatter("%(levelname)s %(user)s %(message)s", redactor=redactor)
    braces = RedactingFormatter("{levelname} {user} {message}", style="{", redactor=redactor)
    parts = RedactingFormatter(redactor=redactor)
    assert not whole.redacts_parts and not braces.redacts_parts and parts.redacts_parts
    assert whole.format(record) == "INFO bob:[REDACTED] login"
    assert braces.format(record) == "INFO bob:[REDACTED] login"
    assert record.__dict__["user"] == f"bob:{SECRET}"  # the record itself is untouched


def test_unwritable_logs_folder_is_a_helpful_error(
    project: ProjectPaths, secrets: SecretRegistry
) -> None:
    (project.root / "logs").write_text("a file where the logs folder should be")
    with pytest.raises(HelpfulError) as caught:
        setup(project, secrets, io.StringIO())
    message = str(caught.value)
    assert "app_2024-05-01.log" in message and "Fix: Make" in message
    assert txo_handlers() == []
