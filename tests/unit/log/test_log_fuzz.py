"""Security fuzz suite: a registered secret, in any common form, never leaves through any sink.

Each generated case draws a secret (quotes, backslashes, non-ASCII,
URL-reserved characters, digits-only numbers), one *form* it travels in
(raw, repr, JSON, URL-encoded, base64, HTTP Basic ``id:secret``, ...) and
one *sink* a user can read (console, log file, a JSON-lines log, an error
message, a traceback, a warning, a thread's or an uncaught exception), each through a
fresh ``setup_logging`` of a real project folder, installed and closed per
case.  Neither the form nor the raw secret may appear in what the sink
wrote.  The suite prints how many cases ran and how many leaked (must be 0).

Profiles: quick (2,000 cases, the normal test run) or full (10,000 cases:
``TXO_FUZZ=full``, as ``make fuzz`` runs it).
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import logging
import os
import re
import sys
import threading
import urllib.parse
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from txo.errors import HelpfulError
from txo.log import LoggingSetup, SecretRegistry, setup_logging
from txo.log.registry import REDACTED, WITHHELD
from txo.paths import ProjectPaths

FULL = os.environ.get("TXO_FUZZ", "").lower() == "full"
CASES = 10_000 if FULL else int(os.environ.get("TXO_FUZZ_CASES", "2000"))
DAY = datetime.date(2024, 5, 1)
CLIENT_ID = "fuzz-client-id"
PLACEHOLDER = "\u2400PLACEHOLDER\u2400"
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")

# --- secrets and the forms they travel in ------------------------------------------

AWKWARD = "\"'\\`:/?#[]@!$&()*+,;=% \u00e9\u00fc\u20ac\u4e2d\u0130\U0001f511\t"
SECRET_ALPHABET = st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(AWKWARD)
text_secrets = st.text(SECRET_ALPHABET, min_size=4, max_size=24)
digit_secrets = st.integers(min_value=1000, max_value=10**15).map(str)
secrets = st.one_of(text_secrets, digit_secrets, st.text(st.sampled_from(AWKWARD), min_size=4))


def _b64(value: str, *, urlsafe: bool = False, padded: bool = True) -> str:
    raw = value.encode("utf-8")
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode()
    return text if padded else text.rstrip("=")


FORMS: dict[str, Callable[[str], str]] = {
    "raw": lambda s: s,
    "repr": repr,
    "ascii": ascii,
    "repr-list": lambda s: repr([s, 1]),
    "repr-dict": lambda s: repr({"secret": s}),
    "repr-bytes": lambda s: repr(s.encode("utf-8")),
    "json": lambda s: json.dumps({"secret": s}),
    "json-unicode": lambda s: json.dumps({"secret": s}, ensure_ascii=False),
    "quote": urllib.parse.quote,
    "quote-nosafe": lambda s: urllib.parse.quote(s, safe=""),
    "quote_plus": urllib.parse.quote_plus,
    "urlencode": lambda s: urllib.parse.urlencode({"secret": s}),
    "base64": _b64,
    "base64-unpadded": lambda s: _b64(s, padded=False),
    "base64-urlsafe": lambda s: _b64(s, urlsafe=True),
    "base64-urlsafe-unpadded": lambda s: _b64(s, urlsafe=True, padded=False),
    "basic-auth": lambda s: "Basic " + _b64(f"{CLIENT_ID}:{s}"),
}


def _payload(form: str, secret: str) -> str:
    """The encoded text itself (for basic auth: without the ``Basic`` keyword)."""
    text = FORMS[form](secret)
    return text.removeprefix("Basic ") if form == "basic-auth" else text


# --- sinks: every place in-process where a user reads text ------------------------


def _log(setup: LoggingSetup, message: str) -> None:
    setup.logger.warning("sending %s now", message)


def _log_error(setup: LoggingSetup, message: str) -> None:
    """A HelpfulError as the runner reports it: logged with ``%s``."""
    setup.logger.error("%s", HelpfulError(f"Login failed: {message}", "Check the secret."))


def _traceback(setup: LoggingSetup, message: str) -> None:
    try:
        raise RuntimeError(message)
    except RuntimeError:
        setup.logger.exception("Unexpected error")


def _warning(setup: LoggingSetup, message: str) -> None:
    warnings.warn(message, UserWarning, stacklevel=1)  # run_sink shows every warning


def _thread(setup: LoggingSetup, message: str) -> None:
    def fail() -> None:
        raise ValueError(message)

    worker = threading.Thread(target=fail, name="fuzz-worker")
    worker.start()
    worker.join()


def _uncaught(setup: LoggingSetup, message: str) -> None:
    try:
        raise KeyError(message)
    except KeyError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)


LOGGED_SINKS: dict[str, Callable[[LoggingSetup, str], None]] = {
    "console+file": _log,
    "helpful-error": _log_error,
    "traceback": _traceback,
    "warning": _warning,
    "thread-exception": _thread,
    "sys-excepthook": _uncaught,
}
SINKS = (*LOGGED_SINKS, "error-message", "json-log")
JSON_CONFIG = {
    "version": 1,
    "formatters": {"json": {"format": "json"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "level": "INFO"},
        "file": {"class": "logging.FileHandler", "formatter": "json", "filename": "x.log"},
    },
}


def _json_log(setup: LoggingSetup, message: str) -> None:
    """A message, an ``extra`` field and an exception, into a JSON-lines log file."""
    try:
        raise RuntimeError(message)
    except RuntimeError:
        setup.logger.exception("sending %s", message, extra={"payload": message})


def _decoded(text: str) -> str:
    """Every text value of every JSON line, decoded (what a log viewer shows)."""

    def leaves(value: object) -> Iterator[str]:
        if isinstance(value, dict):
            for item in value.values():
                yield from leaves(item)
        elif isinstance(value, list):
            for item in value:
                yield from leaves(item)
        elif value is not None:
            yield str(value)

    documents = [json.loads(line) for line in text.splitlines() if line.strip()]
    return "\n".join(leaf for document in documents for leaf in leaves(document))


@dataclass
class Tally:
    """Counts across the whole module, printed at the end."""

    cases: int = 0
    leaks: list[str] = field(default_factory=list)
    by_sink: dict[str, int] = field(default_factory=dict)


@dataclass
class Bench:
    """A project folder reused by every case (the log file is emptied per case)."""

    root: Path
    json_root: Path
    console: io.StringIO = field(default_factory=io.StringIO)

    def log_file(self, root: Path) -> Path:
        return root / "logs" / f"app_{DAY.isoformat()}.log"


def run_sink(bench: Bench, registry: SecretRegistry, sink: str, message: str) -> str:
    """Everything the user can read after ``message`` went through ``sink``."""
    if sink == "error-message":  # what the runner prints: str(error) through the redactor
        with setup_logging(None, registry, console=io.StringIO()) as setup:
            error = HelpfulError(f"Login failed: {message}", "Check the secret.")
            return setup.redactor.redact(str(error))
    root = bench.json_root if sink == "json-log" else bench.root
    log_file = bench.log_file(root)
    if log_file.exists():
        log_file.write_text("", encoding="utf-8")
    bench.console.seek(0)
    bench.console.truncate()
    action = _json_log if sink == "json-log" else LOGGED_SINKS[sink]
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        paths = ProjectPaths(root)
        with setup_logging(paths, registry, console=bench.console, today=lambda: DAY) as setup:
            action(setup, message)
    logged = log_file.read_text(encoding="utf-8")
    if sink == "json-log":  # decoded: "\\u0000" is no leak of a secret "0000"
        logged = _decoded(logged)
    return bench.console.getvalue() + logged


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    counts = Tally()
    yield counts
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    line = (
        f"security fuzz ({'full' if FULL else 'quick'} profile): {counts.cases} cases, "
        f"{len(counts.leaks)} leaks; per sink {dict(sorted(counts.by_sink.items()))}"
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():  # shown even when output is captured
        reporter.write_line("")
        reporter.write_line(line)


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Bench:
    root = tmp_path_factory.mktemp("fuzz-project")
    (root / "config").mkdir()
    json_root = tmp_path_factory.mktemp("fuzz-json-project")
    (json_root / "config").mkdir()
    (json_root / "config" / "logging-config.json").write_text(json.dumps(JSON_CONFIG))
    return Bench(root, json_root)


@pytest.fixture(scope="module")
def ambient(bench: Bench) -> dict[str, str]:
    """What each sink writes around a harmless message (paths, source lines, level names)."""
    quiet = SecretRegistry()
    return {
        sink: TIMESTAMP.sub("", run_sink(bench, quiet, sink, PLACEHOLDER))
        + REDACTED
        + WITHHELD
        + repr(REDACTED)
        for sink in SINKS
    }


@pytest.fixture(autouse=True, scope="module")
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = (sys.excepthook, threading.excepthook, warnings.showwarning)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    assert (sys.excepthook, threading.excepthook, warnings.showwarning) == hooks


@settings(
    max_examples=CASES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
@given(
    secret=secrets,
    form=st.sampled_from(sorted(FORMS)),
    sink=st.sampled_from(SINKS),
    prefix=st.text(max_size=12),
    suffix=st.text(max_size=12),
)
def test_no_secret_leaves_through_any_sink(
    tally: Tally,
    bench: Bench,
    ambient: dict[str, str],
    secret: str,
    form: str,
    sink: str,
    prefix: str,
    suffix: str,
) -> None:
    assume(SecretRegistry.accepts(secret))
    payload = _payload(form, secret)
    around = ambient[sink]
    assume(secret not in around and payload not in around)
    registry = SecretRegistry()
    if form == "basic-auth":
        registry.add_pair(CLIENT_ID, secret)
    elif secret.isdigit() and not secret.startswith("0"):
        registry.add(int(secret))  # a number in the secrets file
    else:
        registry.add(secret)
    message = f"{prefix} {FORMS[form](secret)} {suffix}"
    out = TIMESTAMP.sub("", run_sink(bench, registry, sink, message))
    tally.cases += 1
    tally.by_sink[sink] = tally.by_sink.get(sink, 0) + 1
    leaked = [text for text in {secret, payload} if text in out]
    if leaked:
        tally.leaks.append(f"{sink}/{form}: {secret!r}")
    assert not leaked, f"{sink}/{form} leaked {leaked!r}:\n{out}"
