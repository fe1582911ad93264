"""The ``txo`` command: ``txo init DIR`` starts a new v3 project.

Exit codes as in scripts: 0 success, 1 a helpful error (printed as problem / fix /
example), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from txo.errors import HelpfulError

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """``txo init DIR [--org ORG] [--env ENV] [--force]``."""
    from txo import __version__
    from txo.scaffold import DEFAULT_ENV, DEFAULT_ORG

    parser = argparse.ArgumentParser(prog="txo", description="txo project tools.")
    parser.add_argument("--version", action="version", version=f"txo {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    init = sub.add_parser(
        "init",
        help="create a new v3 project (config, logging, a script, tests)",
        description="Create a new txo v3 project in DIR: config/, logging, an example script "
        "using run_script and pytest tests against the fake Business Central API.",
    )
    init.add_argument("dir", type=Path, metavar="DIR", help="project folder (created if missing)")
    init.add_argument("--org", default=DEFAULT_ORG, help=f"organisation id (default {DEFAULT_ORG})")
    init.add_argument(
        "--env", default=DEFAULT_ENV, help=f"environment name (default {DEFAULT_ENV})"
    )
    init.add_argument("--force", action="store_true", help="overwrite the files a project needs")
    return parser


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the ``txo`` command; returns its exit code."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse printed usage or help
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return _init(args, out, err)


def _init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from txo.scaffold import create_project

    try:
        made = create_project(args.dir, org=args.org, env=args.env, force=args.force)
    except HelpfulError as exc:
        err.write(f"txo init: {exc}\n")
        return EXIT_ERROR
    out.write(f"Created {len(made.files)} files in {made.root}:\n")
    out.writelines(f"  {name}\n" for name in made.files)
    out.write(
        f"\nNext:\n  cd {made.root}\n  pip install -r requirements.txt\n  pytest\n"
        f"  python scripts/list_customers.py {args.org} {args.env}"
        "   # after filling in config/\n"
    )
    return EXIT_OK
