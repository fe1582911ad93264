"""txo 3.0: hard-failing, secret-safe building blocks for REST/OData automation scripts.

Every public name has one import path, its sub-package: ``txo.runner.run_script``,
``txo.http.RestClient``, ``txo.config.ConfigProxy``, ``txo.paths.Dir``, ``txo.errors.HelpfulError``
(see docs/ARCHITECTURE.md, "Public import paths").  This module holds only the version, so
``import txo`` stays cheap.
"""

from __future__ import annotations

__version__ = "3.0.0.dev0"

__all__ = ["__version__"]
