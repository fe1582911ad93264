"""``python -m txo.migrate``: the same as the ``txo-migrate`` command."""

from __future__ import annotations

from txo.migrate.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
