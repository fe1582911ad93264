"""v2.1 ``utils.path_helpers`` (deprecated; removed in txo 4.0).

Served as ``utils.path_helpers`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.path_helpers``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.path_helpers import (
        CategoryType as CategoryType,
    )
    from txo.compat.v21._impl.path_helpers import (
        Dir as Dir,
    )
    from txo.compat.v21._impl.path_helpers import (
        ProjectPaths as ProjectPaths,
    )
    from txo.compat.v21._impl.path_helpers import (
        cleanup_old_files as cleanup_old_files,
    )
    from txo.compat.v21._impl.path_helpers import (
        cleanup_tmp as cleanup_tmp,
    )
    from txo.compat.v21._impl.path_helpers import (
        ensure_file_backup as ensure_file_backup,
    )
    from txo.compat.v21._impl.path_helpers import (
        format_size as format_size,
    )
    from txo.compat.v21._impl.path_helpers import (
        get_dir_size as get_dir_size,
    )
    from txo.compat.v21._impl.path_helpers import (
        get_path as get_path,
    )
    from txo.compat.v21._impl.path_helpers import (
        get_project_root as get_project_root,
    )
    from txo.compat.v21._impl.path_helpers import (
        list_files as list_files,
    )
    from txo.compat.v21._impl.path_helpers import (
        set_project_root as set_project_root,
    )

__all__ = public_names("path_helpers")


def __getattr__(name: str) -> Any:
    return resolve("path_helpers", name)


def __dir__() -> list[str]:
    return sorted(__all__)
