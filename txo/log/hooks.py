"""Python's own output paths that bypass logging, redacted and written to the log file too.

``warnings.warn``, an exception escaping a ``threading.Thread`` and an
uncaught exception are printed by Python's hooks straight to stderr: no
redaction, nothing in the log file.  While a logging setup is installed,
:class:`OutputHooks` replaces the three hooks (``warnings.showwarning``,
``threading.excepthook``, ``sys.excepthook``).  Each still prints what
Python prints, where Python prints it (stderr, or the setup's console
stream), but through the setup's redactor; and each hands a record to the
setup's non-console handlers (the log file), which redact it as any other.
The terminal keeps Python's familiar format on stderr, so tools that read
warnings from stderr (``txo-migrate verify``) see them as before, and a
v2.1 console handler on stdout does not swallow them.  ``uninstall`` puts
back exactly what was replaced, only where this object's hook is still in
place.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
import warnings
from collections.abc import Sequence
from types import TracebackType
from typing import Any, TextIO

from txo.log.engine import Redactor

__all__ = ["OutputHooks"]

_Hook = Any  # the hooks' exact types differ between typeshed versions
_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class OutputHooks:
    """The warning, thread-exception and uncaught-exception hooks of one logging setup."""

    __slots__ = ("_logger", "_redactor", "_sys", "_targets", "_terminal", "_thread", "_warn")

    def __init__(
        self,
        logger: logging.Logger,
        redactor: Redactor,
        handlers: Sequence[logging.Handler],
        terminal: TextIO | None = None,
    ) -> None:
        self._logger = logger
        self._redactor = redactor
        self._targets = tuple(h for h in handlers if not _is_console(h))
        self._terminal = terminal
        self._sys: _Hook = None
        self._thread: _Hook = None
        self._warn: _Hook = None

    def install(self) -> OutputHooks:
        """Take over the three hooks (an earlier setup's hooks are replaced, not chained)."""
        self._sys = _original(sys.excepthook, "_sys")
        self._thread = _original(threading.excepthook, "_thread")
        self._warn = _original(warnings.showwarning, "_warn")
        sys.excepthook = self.uncaught
        threading.excepthook = self.thread_exception
        warnings.showwarning = self.show_warning
        return self

    def uninstall(self) -> None:
        """Restore each hook that is still this object's own (idempotent)."""
        if sys.excepthook == self.uncaught:
            sys.excepthook = self._sys
        if threading.excepthook == self.thread_exception:
            threading.excepthook = self._thread
        if warnings.showwarning == self.show_warning:
            warnings.showwarning = self._warn

    def show_warning(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        """``warnings.showwarning``: Python's warning line, redacted, plus a log record."""
        text = warnings.formatwarning(message, category, filename, lineno, line)
        self._print(text, file)
        record = logging.LogRecord(
            "py.warnings", logging.WARNING, filename, lineno, "%s", (text.rstrip(),), None
        )
        self._handle(record)

    def uncaught(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        """``sys.excepthook``: the traceback, redacted (Ctrl+C keeps Python's short message)."""
        if issubclass(exc_type, KeyboardInterrupt):
            self._sys(exc_type, exc, tb)
            return
        self._report((exc_type, exc, tb), logging.CRITICAL, "Uncaught exception", "")

    def thread_exception(self, args: threading.ExceptHookArgs) -> None:
        """``threading.excepthook``: the thread's name and traceback, redacted."""
        if args.exc_type is SystemExit:  # Python's own hook ignores it too
            return
        name = args.thread.name if args.thread is not None else "<unknown>"
        exc_info = (args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)
        self._report(
            exc_info,
            logging.ERROR,
            f"Uncaught exception in thread {name}",
            f"Exception in thread {name}:\n",
        )

    def _report(self, exc_info: _ExcInfo, level: int, message: str, heading: str) -> None:
        self._print(heading + "".join(traceback.format_exception(*exc_info)), None)
        record = self._logger.makeRecord(
            self._logger.name, level, "(hook)", 0, message, (), exc_info
        )
        self._handle(record)

    def _print(self, text: str, file: TextIO | None) -> None:
        """Write where Python would (``file``, else the console or stderr), redacted."""
        stream = file or self._terminal or sys.stderr
        if stream is None:  # pythonw: Python prints nothing either
            return
        try:
            stream.write(self._redactor.redact(text))
            stream.flush()
        except (OSError, ValueError):  # a closed or broken stream: as Python, stay quiet
            pass

    def _handle(self, record: logging.LogRecord) -> None:
        for handler in self._targets:
            if record.levelno >= handler.level:
                handler.handle(record)


def _is_console(handler: logging.Handler) -> bool:
    return isinstance(handler, logging.StreamHandler) and not isinstance(
        handler, logging.FileHandler
    )


def _original(hook: _Hook, slot: str) -> _Hook:
    """What ``hook`` replaced when it is an earlier setup's, else ``hook`` itself."""
    owner = getattr(hook, "__self__", None)
    if isinstance(owner, OutputHooks):
        return getattr(owner, slot)
    return hook
