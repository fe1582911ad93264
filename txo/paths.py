"""Project folders: the ``Dir`` categories and root discovery.

There is no hidden singleton: a :class:`ProjectPaths` is built once by the
runner (or a test) and passed to whoever needs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path

from txo.errors import HelpfulError

__all__ = ["ROOT_ENV_VAR", "Dir", "ProjectPaths", "find_project_root"]

ROOT_ENV_VAR = "TXO_PROJECT_ROOT"


class Dir(StrEnum):
    """The folders a txo project has; each member equals its folder name."""

    CONFIG = "config"
    DATA = "data"
    FILES = "files"
    GENERATED_PAYLOADS = "generated_payloads"
    LOGS = "logs"
    OUTPUT = "output"
    PAYLOADS = "payloads"
    SCHEMAS = "schemas"
    TMP = "tmp"
    WSDL = "wsdl"

    @classmethod
    def parse(cls, value: Dir | str) -> Dir:
        """Return the member for ``value``, or a HelpfulError listing the valid names."""
        if isinstance(value, Dir):
            return value
        try:
            return cls(value)
        except ValueError:
            valid = ", ".join(d.value for d in cls)
            raise HelpfulError(
                f"Unknown directory category {value!r}.",
                f"Use one of: {valid} (or the Dir enum member).",
                "from txo.paths import Dir\ndata.save(rows, Dir.OUTPUT, 'result.json')",
            ) from None


def find_project_root(
    explicit: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Path:
    """Explicit argument, else ``$TXO_PROJECT_ROOT``, else the nearest ancestor with ``config/``."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return _existing_dir(Path(explicit), "the root argument")
    if env.get(ROOT_ENV_VAR):  # environment, not configuration
        return _existing_dir(Path(env[ROOT_ENV_VAR]), f"${ROOT_ENV_VAR}")
    start = (cwd or Path.cwd()).resolve()
    for candidate in (start, *start.parents):
        if (candidate / Dir.CONFIG).is_dir():
            return candidate
    raise HelpfulError(
        f"No project root found: neither {start} nor any folder above it has a config/ folder.",
        f"Run the script from inside your project, or set {ROOT_ENV_VAR} to the project folder.",
        f"export {ROOT_ENV_VAR}=/path/to/my-project   # the folder that contains config/",
    )


def _existing_dir(path: Path, what: str) -> Path:
    if not path.is_dir():
        raise HelpfulError(
            f"The project root given by {what} is not a directory: {path}",
            "Point it at the folder that contains config/.",
            f"export {ROOT_ENV_VAR}=/path/to/my-project",
        )
    return path.resolve()


class ProjectPaths:
    """The folders of one project, rooted at ``root``."""

    __slots__ = ("root",)

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    @classmethod
    def discover(
        cls,
        explicit: str | os.PathLike[str] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> ProjectPaths:
        """Build from :func:`find_project_root`."""
        return cls(find_project_root(explicit, environ=environ, cwd=cwd))

    def dir(self, category: Dir | str) -> Path:
        """The folder for a category (not created)."""
        return self.root / Dir.parse(category).value

    def path(self, category: Dir | str, filename: str, *, ensure_parent: bool = False) -> Path:
        """``<root>/<category>/<filename>``; optionally creates the parent folder."""
        target = self.dir(category) / filename
        if ensure_parent:
            target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def ensure_dirs(self, categories: Iterable[Dir] = tuple(Dir)) -> list[Path]:
        """Create the given folders; return those that were created."""
        created = []
        for category in categories:
            folder = self.dir(category)
            if not folder.is_dir():
                folder.mkdir(parents=True, exist_ok=True)
                created.append(folder)
        return created

    def __repr__(self) -> str:
        return f"ProjectPaths(root={str(self.root)!r})"
