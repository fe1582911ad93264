"""``python -m txo.compat SCRIPT.py [ARGS]``: run an unchanged v2.1 script on txo.

* ``utils`` and ``utils.*`` resolve to :mod:`txo.compat.v21` (import hook).
* The project root is ``$PROJECT_ROOT`` if set, else the nearest ancestor of
  the script that has a ``config/`` folder (else the script's folder); it is
  exported as ``PROJECT_ROOT`` and put on ``sys.path`` (v2.1 ran with the
  repository root on the path).
* txo's removal warnings are shown once per call site on stderr
  (``TXO_WARN_V21=error`` makes them errors); other warning filters are kept.
* The exit code is the script's: the ``sys.exit`` code, 1 for an uncaught error
  (with its traceback, as ``python SCRIPT.py`` would), 0 otherwise.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from txo.compat import _state
from txo.compat.hook import install_utils_alias
from txo.compat.warnings import enable_warnings

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
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exc:
        return _exit_code(exc)
    except KeyboardInterrupt:
        return 130
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def cli() -> None:  # txo: entry-point
    """Exit with the legacy script's exit code."""
    raise SystemExit(main())


if __name__ == "__main__":
    cli()
