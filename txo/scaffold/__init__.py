"""``txo init DIR``: a new v3 project, ready to run and to test.

The files come from ``template/`` (shipped as package data); ``{{org}}``, ``{{env}}``,
``{{project}}`` and ``{{txo_version}}`` are filled in.  Nothing is written when a file
would be overwritten, unless ``force`` is given: a half-written project is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from txo.data.atomic import atomic_write
from txo.errors import HelpfulError

__all__ = ["DEFAULT_ENV", "DEFAULT_ORG", "Scaffold", "create_project", "planned_files"]

DEFAULT_ORG = "myorg"
DEFAULT_ENV = "dev"
_NAME = re.compile(r"[a-z0-9][a-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class Scaffold:
    """What :func:`create_project` wrote: the project folder and each file, relative to it."""

    root: Path
    files: tuple[str, ...]


def planned_files(org: str, env: str) -> dict[str, str]:
    """Each file of a new project (relative path) → its template under ``template/``."""
    config = f"config/{org}-{env}-config"
    return {
        "README.md": "README.md.tmpl",
        ".gitignore": "gitignore.tmpl",
        "pyproject.toml": "pyproject.toml.tmpl",
        "requirements.txt": "requirements.txt.tmpl",
        f"{config}.json": "config/config.json.tmpl",
        f"{config}-secrets.json": "config/secrets.json.tmpl",
        f"{config}-secrets.example.json": "config/secrets.json.tmpl",
        "config/logging-config.json": "config/logging-config.json.tmpl",
        "scripts/list_customers.py": "scripts/list_customers.py.tmpl",
        "tests/test_list_customers.py": "tests/test_list_customers.py.tmpl",
        "data/.gitkeep": "",
    }


def create_project(
    target: Path, *, org: str = DEFAULT_ORG, env: str = DEFAULT_ENV, force: bool = False
) -> Scaffold:
    """Write a new project into ``target`` (created if missing)."""
    _check_name(org, "organisation id", "--org acme")
    _check_name(env, "environment name", "--env prod")
    files = planned_files(org, env)
    if not force:
        _refuse_overwrite(target, files)
    values = {
        "org": org,
        "env": env,
        "project": target.resolve().name,
        "txo_version": _txo_version(),
    }
    for relative, template in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path) as out:
            out.write(_render(template, values).encode("utf-8"))
    return Scaffold(target, tuple(files))


def _check_name(value: str, what: str, example: str) -> None:
    if not _NAME.match(value):
        raise HelpfulError(
            f"The {what} {value!r} cannot name config files.",
            "Use lower-case letters, digits and underscores, starting with a letter or digit.",
            f"txo init my-project {example}",
        )


def _refuse_overwrite(target: Path, files: Mapping[str, str]) -> None:
    existing = sorted(name for name in files if (target / name).exists())
    if existing:
        more = len(existing) - 5
        shown = ", ".join(existing[:5]) + (f" and {more} more" if more > 0 else "")
        raise HelpfulError(
            f"{target} already holds files a new project would overwrite: {shown}.",
            "Choose a new or empty folder, or pass --force to overwrite those files "
            "(other files in the folder are left alone).",
            f"txo init {target.name}-new    # or: txo init {target} --force",
        )


def _render(template: str, values: Mapping[str, str]) -> str:
    if not template:
        return ""
    text = resources.files(__package__).joinpath("template", template).read_text("utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def _txo_version() -> str:
    from txo import __version__

    return __version__
