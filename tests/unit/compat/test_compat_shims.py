"""SHIMS: every v2.1 name exists, warns with its replacement, points at the caller."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from txo.compat._exports import implementation
from txo.compat.registry import DEPRECATED_NAME_CODE, SHIMS, V21_MODULES, Shim, names_in
from txo.compat.runtime import CompatRuntime
from txo.compat.warnings import (
    STRICT_ENV_VAR,
    TxoDeprecationWarning,
    TxoV4RemovalWarning,
    enable_warnings,
    message_for,
    shim_of,
    strict_mode,
    warn_deprecated,
    warning_class,
)

# v21-api.md §0: 38 public module functions and 40 classes (2.1.1), plus 2.1.0's ContextFilter.
V21_FUNCTIONS = {
    "path_helpers": "get_path set_project_root get_project_root cleanup_old_files cleanup_tmp "
    "format_size get_dir_size list_files ensure_file_backup",
    "logger": "setup_logger",
    "config_loader": "get_config_loader",
    "script_runner": "parse_args_and_load_config parse_custom_args_and_load_config",
    "oauth_helpers": "get_client_credentials_token clear_token_cache get_oauth_client",
    "api_common": "apply_jitter manual_retry",
    "rest_api_helpers": "retry_rest_call",
    "api_factory": "create_rest_api clear_api_cache get_batch_config",
    "concurrency": "run_parallel_environments parallel_map batch_process rate_limited_parallel "
    "parallel_aggregate with_timeout run_parallel",
    "url_helpers": "build_url build_query_string build_odata_filter parse_url add_query_params "
    "extract_path_params build_context_string normalize_path join_url_paths",
}
V21_CLASSES = {
    "path_helpers": "Dir ProjectPaths",
    "logger": "TokenRedactionFilter UTCFormatter TxoLogger",
    "exceptions": "ErrorContext TxoBaseError ApiError ApiOperationError ApiTimeoutError "
    "ApiRateLimitError ApiAuthenticationError ApiNotFoundError ApiValidationError "
    "EntityNotFoundError ConfigurationError ValidationError FileOperationError HelpfulError",
    "load_n_save": "DecimalEncoder TxoDataHandler",
    "config_loader": "ConfigLoader ConfigContext",
    "script_runner": "ArgumentDefinition ScriptRunner",
    "oauth_helpers": "TokenInfo TokenCache OAuthClient",
    "api_common": "RateLimiter CircuitBreaker APIMetrics",
    "rate_limit_manager": "EndpointLimits RateLimitManager",
    "rest_api_helpers": "RestOperationResult SessionManager TxoRestAPI",
    "api_factory": "ApiManager",
    "concurrency": "ProcessingResult ProgressTracker",
    "url_helpers": "URLComponents",
}
NOT_CALLABLE = {"logger", "data_handler", "T", "CategoryType", "FileFormat", "__version__"}


def _listed(table: dict[str, str]) -> set[str]:
    return {f"utils.{m}.{n}" for m, names in table.items() for n in names.split()}


@pytest.fixture
def compat_root(tmp_path: Path, compat_runtime: CompatRuntime) -> Iterator[Path]:
    """A fresh compat default state rooted at an empty project (closed afterwards)."""
    (tmp_path / "config").mkdir()
    yield tmp_path


def _public(shim: Shim) -> object:
    return importlib.import_module("txo.compat.v21" + shim.module.removeprefix("utils"))


def test_every_function_and_class_of_v21_api_is_registered() -> None:
    functions, classes = _listed(V21_FUNCTIONS), _listed(V21_CLASSES)
    assert len(functions) == 38
    assert len(classes) == 40
    assert functions | classes | {"utils.logger.ContextFilter"} <= set(SHIMS)


def test_registry_rows_are_complete() -> None:
    for shim in SHIMS.values():
        assert shim.code == DEPRECATED_NAME_CODE == "TXO501"
        assert shim.removal == "4.0"
        assert shim.replacement
        module = shim.module if shim.kind == "name" else shim.module.rpartition(".")[0]
        assert module.removeprefix("utils").lstrip(".") in V21_MODULES
        assert shim.since in ("2.1", "3.1")
    assert names_in("")[:1] == ("__version__",)


ABSENT = {"utils.validate_tko_compliance.TkoComplianceValidator"}
MODULE_NAMES = [n for n, s in SHIMS.items() if s.kind == "name" and n not in ABSENT]


@pytest.mark.parametrize("v21_name", MODULE_NAMES)
def test_name_exists_warns_with_replacement_at_caller(v21_name: str, compat_root: Path) -> None:
    shim = SHIMS[v21_name]
    module = _public(shim)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = getattr(module, shim.name)
    assert value is not None
    assert shim.name in dir(module)
    ours = [w for w in caught if issubclass(w.category, TxoDeprecationWarning)]
    assert len(ours) == 1
    assert ours[0].category is TxoV4RemovalWarning
    assert shim.replacement in str(ours[0].message)
    assert v21_name in str(ours[0].message)
    assert ours[0].filename == __file__


@pytest.mark.parametrize("v21_name", [n for n in MODULE_NAMES if SHIMS[n].name not in NOT_CALLABLE])
def test_callables_carry_typing_deprecated(v21_name: str) -> None:
    shim = SHIMS[v21_name]
    module = shim.module.removeprefix("utils").lstrip(".")
    obj = implementation(module, shim.name)
    assert obj.__deprecated__ == f"v2.1 shim: use {shim.replacement} (removed in txo 4.0)"


def test_from_import_points_at_the_import_line() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from txo.compat.v21.url_helpers import build_url  # noqa: F401
    assert [(w.filename, w.category) for w in caught] == [(__file__, TxoV4RemovalWarning)]


def test_each_call_site_is_warned_once() -> None:
    module = importlib.import_module("txo.compat.v21.url_helpers")
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter("ignore")
        enable_warnings(environ={})
        for _ in range(3):
            module.normalize_path("/a//b")  # one call site, three calls
        module.normalize_path("/c")  # a second call site
    assert [w.lineno for w in caught] == sorted({w.lineno for w in caught})
    assert len(caught) == 2


def test_unknown_name_is_an_attribute_error() -> None:
    module = importlib.import_module("txo.compat.v21.logger")
    with pytest.raises(AttributeError, match=r"utils.logger"):
        module.no_such_name  # noqa: B018


def test_strict_mode_raises_via_parameter() -> None:
    assert strict_mode({STRICT_ENV_VAR: "error"})
    assert strict_mode({STRICT_ENV_VAR: " ERROR "})
    assert not strict_mode({STRICT_ENV_VAR: "default"})
    assert not strict_mode({})
    with pytest.raises(TxoV4RemovalWarning, match=r"txo.log.setup_logging"):
        warn_deprecated("utils.logger.setup_logger", environ={STRICT_ENV_VAR: "error"})


def test_strict_mode_raises_in_a_fresh_interpreter() -> None:
    code = "from txo.compat.v21.path_helpers import format_size"
    env = {"TXO_WARN_V21": "error", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "TxoV4RemovalWarning: utils.path_helpers.format_size is deprecated" in result.stderr


def test_warning_classes_and_message() -> None:
    assert issubclass(TxoV4RemovalWarning, DeprecationWarning)
    assert warning_class("4.0") is TxoV4RemovalWarning
    shim = SHIMS["utils.logger.setup_logger"]
    assert message_for(shim) == (
        "utils.logger.setup_logger is deprecated and will be removed in txo 4.0; "
        "use txo.log.setup_logging instead [TXO501]"
    )


def test_importing_the_compat_layer_is_quiet_and_never_exits() -> None:
    code = (
        "import warnings; warnings.simplefilter('error');"
        "import txo.compat, txo.compat.v21, txo.compat.v21.logger, txo.compat.v21.api_factory;"
        "import logging; assert not logging.getLogger().handlers; print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_shim_notes_are_derived_from_shims_not_restated() -> None:
    impl = Path(__file__).resolve().parents[3] / "txo" / "compat" / "v21" / "_impl"
    sources = "\n".join(p.read_text(encoding="utf-8") for p in impl.glob("*.py"))
    assert "v2.1 shim:" not in sources
    assert "@deprecated(" not in sources
    with pytest.raises(KeyError):
        shim_of("utils.nowhere.nothing")
