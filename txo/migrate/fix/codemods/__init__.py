"""The codemods, one module each, in the order the pipeline runs them.

TXO501 runs first so TXO502 sees where ``Dir`` now comes from.
"""

from __future__ import annotations

from txo.migrate.fix.codemods.base import Codemod, Edit
from txo.migrate.fix.codemods.config_get import ConfigGet
from txo.migrate.fix.codemods.dir_categories import DirCategories
from txo.migrate.fix.codemods.v21_imports import V21Imports

__all__ = ["CODEMODS", "Codemod", "ConfigGet", "DirCategories", "Edit", "V21Imports"]

CODEMODS: tuple[type[Codemod], ...] = (V21Imports, ConfigGet, DirCategories)
