"""Python's own output paths that bypass logging, routed through the redacting handlers.

``warnings.warn``, an exception escaping a ``threading.Thread`` and an
uncaught exception are printed by Python's hooks straight to stderr: no
redaction, nothing in the log file.  :class:`OutputHooks` points the three
hooks (``logging.captureWarnings``, ``threading.excepthook``,
``sys.excepthook``) at a logger while a logging setup is installed, and puts
back exactly what it replaced, only where its own hook is still in place.
"""

from __future__ import annotations

import logging
import sys
import threading
import warnings
from types import TracebackType
from typing import Any

__all__ = ["OutputHooks"]

_ExceptHook = Any  # sys.excepthook's type differs between typeshed versions


class OutputHooks:
    """The warning, thread-exception and uncaught-exception hooks of one logging setup."""

    __slots__ = ("_logger", "_sys", "_thread", "_warn", "_warn_installed")

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger
        self._sys: _ExceptHook = None
        self._thread: _ExceptHook = None
        self._warn: _ExceptHook = None
        self._warn_installed: _ExceptHook = None

    def install(self) -> OutputHooks:
        """Take over the three hooks (an earlier setup's hooks are replaced, not chained)."""
        self._sys = _original(sys.excepthook, "_sys")
        self._thread = _original(threading.excepthook, "_thread")
        sys.excepthook = self.uncaught
        threading.excepthook = self.thread_exception
        self._warn = warnings.showwarning
        logging.captureWarnings(True)
        if warnings.showwarning is not self._warn:
            self._warn_installed = warnings.showwarning
        return self

    def uninstall(self) -> None:
        """Restore each hook that is still this object's own (idempotent)."""
        if sys.excepthook == self.uncaught:
            sys.excepthook = self._sys
        if threading.excepthook == self.thread_exception:
            threading.excepthook = self._thread
        if self._warn_installed is not None and warnings.showwarning is self._warn_installed:
            logging.captureWarnings(False)
            warnings.showwarning = self._warn
        self._warn_installed = None

    def uncaught(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        """``sys.excepthook``: log the traceback (Ctrl+C keeps Python's short message)."""
        if issubclass(exc_type, KeyboardInterrupt):
            self._sys(exc_type, exc, tb)
            return
        self._logger.critical("Uncaught exception", exc_info=(exc_type, exc, tb))

    def thread_exception(self, args: threading.ExceptHookArgs) -> None:
        """``threading.excepthook``: log the traceback with the thread's name."""
        if args.exc_type is SystemExit:  # Python's own hook ignores it too
            return
        name = args.thread.name if args.thread is not None else "<unknown>"
        exc_info = (args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)
        self._logger.error("Uncaught exception in thread %s", name, exc_info=exc_info)


def _original(hook: _ExceptHook, slot: str) -> _ExceptHook:
    """What ``hook`` replaced when it is an earlier setup's, else ``hook`` itself."""
    owner = getattr(hook, "__self__", None)
    if isinstance(owner, OutputHooks):
        return getattr(owner, slot)
    return hook
