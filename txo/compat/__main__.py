"""``python -m txo.compat SCRIPT.py [ARGS]``: run an unchanged v2.1 script on txo.

* ``utils`` and ``utils.*`` resolve to :mod:`txo.compat.v21` (import hook).
* The project root is ``$PROJECT_ROOT`` if set, else the nearest ancestor of
  the script that has a ``config/`` folder (else the script's folder); it is
  exported as ``PROJECT_ROOT`` and put on ``sys.path`` (v2.1 ran with the
  repository root on the path).
* txo's removal warnings are shown once per call site on stderr
  (``TXO_WARN_V21=error`` makes them errors); other warning filters are kept.
* Outcomes map to exit codes exactly as in the v3 runner
  (:func:`txo.runner.call_guarded`): the ``sys.exit`` code; 1 for an uncaught
  error, whose redacted traceback goes to the log file and the console; a
  ``sys.exit("message")`` is logged (redacted) and exits 1; 130 on Ctrl-C.
"""

from __future__ import annotations

import logging
import os
import runpy
import sys
from collections.abc import Sequence
from pathlib import Path

from txo.compat import _state
from txo.compat.hook import install_utils_alias
from txo.compat.warnings import enable_warnings
from txo.runner import EXIT_OK, call_guarded

__all__ = ["find_script_root", "main"]

USAGE = "usage: python -m txo.compat SCRIPT.py [ARGS ...]"


def find_script_root(script: Path, environ: dict[str, str] | None = None) -> Path:
    """``$PROJECT_ROOT``, else the nearest ancestor of ``script`` with config/, else its folder."""
    explicit = _state.explicit_root(os.environ if environ is None else environ)
    if explicit is not None:
        return explicit
    for folder in script.resolve().parents:
        if (folder / "config").is_dir():
            return folder
    return script.resolve().parent


def main(argv: Sequence[str] | None = None) -> int:
    """Run the script named in ``argv`` (default ``sys.argv[1:]``); return its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        return 0 if args else 2
    script = Path(args[0])
    if not script.is_file():
        print(f"txo.compat: script not found: {script}\n{USAGE}", file=sys.stderr)
        return 2
    root = find_script_root(script)
    _prepare(script, root, args[1:])
    try:
        return _run(script)
    finally:
        _state.reset_default_container()


def _prepare(script: Path, root: Path, script_args: list[str]) -> None:
    """The process state a v2.1 script expected: argv, sys.path, root, warnings, hook."""
    os.environ[_state.V21_ROOT_ENV_VAR] = str(root)
    sys.argv = [str(script), *script_args]
    for folder in (str(root), str(script.resolve().parent)):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    enable_warnings()
    install_utils_alias()


def _run(script: Path) -> int:
    """Run the script; its outcome becomes an exit code exactly as in the v3 runner."""

    def body() -> int:
        runpy.run_path(str(script), run_name="__main__")
        return EXIT_OK

    report = _CrashReport()
    return call_guarded(body, report.report, report.log)


class _CrashReport:
    """Writes a script's failure through the compat logger: redacted, traceback in the log file.

    The v2.1 logger is set up on first use, so a script that crashed before calling
    ``setup_logger()`` still gets its traceback logged; if logging cannot start,
    the text goes to stderr as the v3 runner does (with the secrets seen so far redacted).
    """

    def report(self, exc: BaseException, *, traceback: bool) -> None:
        logger = self._logger()
        if logger is None:
            text = f"Unexpected error: {exc!r}" if traceback else str(exc)
            print(_redacted(text), file=sys.stderr)
        elif traceback:
            logger.error("Unexpected error: %s", exc, exc_info=exc)
        else:
            logger.error("%s", exc)

    def log(self, level: int, message: str) -> None:
        logger = self._logger()
        if logger is None:
            print(_redacted(message), file=sys.stderr)
        else:
            logger.log(level, message)

    @staticmethod
    def _logger() -> logging.Logger | None:
        from txo.compat.v21._impl.logger import setup_logger

        try:
            return setup_logger().logger
        except Exception:  # logging could not start: the caller falls back to stderr
            return None


def _redacted(text: str) -> str:
    from txo.log import Redactor, load_redaction_patterns

    return Redactor(load_redaction_patterns(None), _state.secrets()).redact(text)


def cli() -> None:  # txo: entry-point
    """Exit with the legacy script's exit code."""
    raise SystemExit(main())


if __name__ == "__main__":
    cli()
