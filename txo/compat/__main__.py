"""``python -m txo.compat [--target 2.1|3.1] [--clock real|instant] SCRIPT.py [ARGS]``.

Runs an unchanged legacy script (the template's v2.1.x or v3.1.x ``utils``) on txo.

* ``utils`` and ``utils.*`` resolve to :mod:`txo.compat.v21` (import hook).
* ``--target`` (else ``$TXO_COMPAT_TARGET``, else 2.1) picks the legacy release
  whose behaviour wins where 2.1 and 3.1 differ (see migration/GUIDE.md).
* ``--clock instant`` (else ``$TXO_COMPAT_CLOCK=instant``; ``fake`` means the
  same) makes every wait of the script take no real time, for repeatable runs.
  The clock is built here and handed to the run's
  :class:`~txo.compat.runtime.CompatRuntime`; the library never picks one.
* The project root is ``$PROJECT_ROOT`` if set, else the nearest ancestor of
  the script that has a ``config/`` folder (else the script's folder); it is
  exported as ``PROJECT_ROOT`` and put on ``sys.path`` (v2.1 ran with the
  repository root on the path).
* txo's removal warnings are shown once per call site on stderr
  (``TXO_WARN_V21=error`` makes them errors); other warning filters are kept.
* Outcomes map to exit codes exactly as in the v3 runner
  (:func:`txo.runner.call_guarded`): the ``sys.exit`` code; 1 for an uncaught
  error, whose redacted traceback goes to the log file and the console; a
  script's exit with a message (a string code) is logged (redacted) and exits 1; 130 on Ctrl-C;
  2 for bad arguments of this command.
"""

from __future__ import annotations

import logging
import os
import runpy
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from txo.clock import Clock, SystemClock
from txo.compat.hook import install_utils_alias
from txo.compat.runtime import (
    V21_ROOT_ENV_VAR,
    CompatRuntime,
    InstantClock,
    Target,
    current,
    explicit_root,
    install,
    parse_target,
    reset,
    target_from_environ,
)
from txo.compat.warnings import enable_warnings, warn_deprecated
from txo.errors import ConfigError
from txo.runner import EXIT_OK, EXIT_USAGE, call_guarded

__all__ = ["CLOCK_ENV_VAR", "find_script_root", "main"]

USAGE = "usage: python -m txo.compat [--target 2.1|3.1] [--clock real|instant] SCRIPT.py [ARGS ...]"
CLOCK_ENV_VAR = "TXO_COMPAT_CLOCK"
_CLOCKS = {"real": SystemClock, "instant": InstantClock, "fake": InstantClock}
_OPTIONS = ("--target", "--clock")


def find_script_root(script: Path, environ: dict[str, str] | None = None) -> Path:
    """``$PROJECT_ROOT``, else the nearest ancestor of ``script`` with config/, else its folder."""
    explicit = explicit_root(os.environ if environ is None else environ)
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
        return 0 if args else EXIT_USAGE
    try:
        options, args = _options(args, os.environ)
    except (ValueError, ConfigError) as exc:
        print(f"txo.compat: {exc}\n{USAGE}", file=sys.stderr)
        return EXIT_USAGE
    script = Path(args[0])
    if not script.is_file():
        print(f"txo.compat: script not found: {script}\n{USAGE}", file=sys.stderr)
        return EXIT_USAGE
    root = find_script_root(script)
    if script.name == "validate_tko_compliance.py" and script.parent.name == "utils":
        return _tko_validator(args[1:] or [str(root)])
    _prepare(script, root, args[1:])
    install(CompatRuntime(root=root, clock=options.clock, target=options.target))
    try:
        return _run(script)
    finally:
        reset()


@dataclass(frozen=True, slots=True)
class _Options:
    target: Target
    clock: Clock


def _options(args: list[str], environ: Mapping[str, str]) -> tuple[_Options, list[str]]:
    """``--target``/``--clock`` given before the script (else the environment's); the rest."""
    given: dict[str, str] = {}
    while args and args[0].partition("=")[0] in _OPTIONS:
        name, has_value, value = args.pop(0).partition("=")
        if not has_value:
            if not args:
                raise ValueError(f"{name} needs a value")
            value = args.pop(0)
        given[name] = value
    if not args:
        raise ValueError("no script given")
    if "--target" in given:
        target = parse_target(given["--target"], "--target")
    else:
        target = target_from_environ(environ)
    clock = given["--clock"] if "--clock" in given else _env(environ, CLOCK_ENV_VAR, "real")
    return _Options(target, _clock(clock)), args


def _env(environ: Mapping[str, str], name: str, default: str) -> str:
    return environ[name] if name in environ and environ[name].strip() else default


def _clock(name: str) -> Clock:
    key = name.strip().lower()
    if key not in _CLOCKS:
        raise ValueError(f"unknown clock {name!r} (use real or instant)")
    clock: Clock = _CLOCKS[key]()
    return clock


def _tko_validator(paths: list[str]) -> int:
    """3.1's ``utils/validate_tko_compliance.py``: ``txo-migrate check`` replaces it (warned)."""
    from txo.compat.v21._impl.validate_tko_compliance import main as validate

    enable_warnings()
    warn_deprecated("utils.validate_tko_compliance.main")
    return validate(paths)


def _prepare(script: Path, root: Path, script_args: list[str]) -> None:
    """The process state a legacy script expected: argv, sys.path, root, warnings, hook."""
    os.environ[V21_ROOT_ENV_VAR] = str(root)
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

    return Redactor(load_redaction_patterns(None), current().secrets).redact(text)


def cli() -> None:  # txo: entry-point
    """Exit with the legacy script's exit code."""
    raise SystemExit(main())


if __name__ == "__main__":
    cli()
