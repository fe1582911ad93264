"""SHIMS: the one registry of every legacy public name and its v3 replacement.

Legacy means the TXO Python Template's ``utils/`` package: every v2.1.x
public name, plus what v3.1.x added (``since="3.1"``): new module names,
new members of v2.1 classes (``kind="member"``, e.g.
``utils.load_n_save.TxoDataHandler.save_with_timestamp``) and v3.1
behaviours of v2.1 members (``kind="behaviour"``).

It drives the deprecation warnings, the facade modules, the ``__deprecated__``
notes, the name-by-name table in migration/GUIDE.md and the migration
checker's deprecated-name rule.

The registry is plain data (no imports of the compat implementation), so
the migration checker can read it without loading the compat layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = [
    "DEPRECATED_NAME_CODE",
    "SHIMS",
    "V21_MODULES",
    "Shim",
    "ShimKind",
    "members_of",
    "names_in",
    "v21_module",
]

DEPRECATED_NAME_CODE = "TXO501"
_REMOVAL = "4.0"


ShimKind = Literal["name", "member", "behaviour"]


@dataclass(frozen=True, slots=True)
class Shim:
    """One legacy name: what replaces it, the rule code that flags it, when it goes.

    ``kind``: ``"name"`` is a module-level name, ``"member"`` an attribute of a
    legacy class (``module`` is then the class's dotted name), ``"behaviour"``
    a v3.1 behaviour of an existing member (it warns when that behaviour is used).
    ``since``: the legacy release that introduced it (``"2.1"`` or ``"3.1"``).
    """

    v21_name: str  # dotted, e.g. "utils.logger.setup_logger"
    replacement: str  # v3 name or short instruction, e.g. "txo.log.setup_logging"
    code: str  # migration rule code, e.g. "TXO501"
    removal: str  # removal version, e.g. "4.0"
    note: str = ""
    since: str = "2.1"
    kind: ShimKind = "name"

    @property
    def module(self) -> str:
        return self.v21_name.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.v21_name.rpartition(".")[2]


_Row = tuple[str, str, str]  # name, replacement, note


def v21_module(module: str) -> str:
    """``"logger"`` → ``"utils.logger"``; ``""`` (the package itself) → ``"utils"``."""
    return f"utils.{module}" if module else "utils"


def _module(module: str, rows: tuple[_Row, ...]) -> tuple[Shim, ...]:
    return tuple(
        Shim(f"{v21_module(module)}.{name}", replacement, DEPRECATED_NAME_CODE, _REMOVAL, note)
        for name, replacement, note in rows
    )


_LOGGER_ROW: _Row = (
    "logger",
    "logging.getLogger(__name__)",
    "v2.1 configured logging at import; in v3 the runner configures it once.",
)
_NO_V3 = "no v3 equivalent; kept only in txo.compat"

_PACKAGE: tuple[_Row, ...] = (
    ("__version__", "txo.__version__", "v2.1 reported '2.0.0'."),
    ("setup_logger", "txo.log.setup_logging", "In scripts use ctx.logger."),
    ("parse_args_and_load_config", "txo.runner.run_script", "main(ctx) receives ctx.config."),
    ("TxoDataHandler", "txo.data.DataHandler", "In scripts use ctx.data."),
    ("create_rest_api", "txo.http.create_rest_api", "In scripts use ctx.api()."),
    ("HelpfulError", "txo.errors.HelpfulError", "str() is 'Problem: …\\nFix: …' in v3."),
    ("ApiOperationError", "txo.errors.ApiOperationError", ""),
)

_PATH_HELPERS: tuple[_Row, ...] = (
    ("CategoryType", "txo.paths.Dir", "Annotate categories as Dir | str."),
    (
        "Dir",
        "txo.paths.Dir",
        "A StrEnum: Dir.all() becomes set(Dir); Dir.validate(x) Dir.parse(x).",
    ),
    ("ProjectPaths", "txo.paths.ProjectPaths", "Built by the runner (ctx.paths); no singleton."),
    (
        "get_path",
        "txo.paths.ProjectPaths.path",
        "ctx.paths.path(Dir.OUTPUT, name, ensure_parent=True)",
    ),
    (
        "set_project_root",
        "txo.paths.ProjectPaths",
        "Build ProjectPaths(root) or set TXO_PROJECT_ROOT.",
    ),
    ("get_project_root", "txo.paths.find_project_root", "In scripts: ctx.paths.root."),
    ("cleanup_old_files", "pathlib.Path.glob + Path.unlink", _NO_V3),
    ("cleanup_tmp", "pathlib.Path.glob + shutil.rmtree", _NO_V3),
    ("format_size", "a local helper", _NO_V3),
    ("get_dir_size", "pathlib.Path.rglob", _NO_V3),
    ("list_files", "txo.paths.ProjectPaths.dir(category).glob", ""),
    ("ensure_file_backup", "shutil.copy2", _NO_V3),
)

_LOGGER: tuple[_Row, ...] = (
    ("TokenRedactionFilter", "txo.log.Redactor", "Redaction happens in the formatter."),
    ("UTCFormatter", "txo.log.RedactingFormatter", ""),
    ("TxoLogger", "txo.log.setup_logging", "Use the logging.Logger in LoggingSetup.logger."),
    ("setup_logger", "txo.log.setup_logging", "In scripts use ctx.logger."),
    ("ContextFilter", "txo.log.setup_logging", "2.1.0 only; org_id/elapsed_ms are not added."),
)

_EXCEPTIONS: tuple[_Row, ...] = (
    ("ErrorContext", "txo.errors.ErrorContext", "Immutable in v3."),
    ("TxoBaseError", "txo.errors.TxoError", ""),
    ("ApiError", "txo.errors.ApiError", ""),
    ("ApiOperationError", "txo.errors.ApiOperationError", ""),
    ("ApiTimeoutError", "txo.errors.ApiTimeoutError", ""),
    ("ApiRateLimitError", "txo.errors.RateLimitError", ""),
    ("ApiAuthenticationError", "txo.errors.ApiAuthenticationError", ""),
    ("ApiNotFoundError", "txo.errors.EntityNotFoundError", ""),
    ("ApiValidationError", "txo.errors.ApiValidationError", ""),
    ("EntityNotFoundError", "txo.errors.EntityNotFoundError", ""),
    ("ConfigurationError", "txo.errors.ConfigError", ""),
    ("ValidationError", "txo.errors.ValidationError", ""),
    ("FileOperationError", "txo.errors.FileOperationError", ""),
    ("HelpfulError", "txo.errors.HelpfulError", "str() is 'Problem: …\\nFix: …' in v3."),
)

_LOAD_N_SAVE: tuple[_Row, ...] = (
    _LOGGER_ROW,
    ("FileFormat", "txo.data codecs (chosen by file extension)", ""),
    ("DecimalEncoder", "txo.data.DataHandler.save", "The JSON codec encodes Decimal."),
    ("TxoDataHandler", "txo.data.DataHandler", "An instance bound to ProjectPaths (ctx.data)."),
)

_CONFIG_LOADER: tuple[_Row, ...] = (
    _LOGGER_ROW,
    ("data_handler", "txo.data.DataHandler", "Use ctx.data."),
    ("ConfigLoader", "txo.config.ConfigLoader", "ConfigLoader(paths).load(org, env).config"),
    ("get_config_loader", "txo.config.ConfigLoader", "No loader cache; the runner loads once."),
    ("ConfigContext", "txo.config.ConfigLoader", "The runner passes ctx.config."),
)

_SCRIPT_RUNNER: tuple[_Row, ...] = (
    _LOGGER_ROW,
    ("ArgumentDefinition", "txo.runner.run_script(extra_args=...)", ""),
    ("ScriptRunner", "txo.runner.run_script", ""),
    ("parse_args_and_load_config", "txo.runner.run_script", "main(ctx) receives ctx.config."),
    (
        "parse_custom_args_and_load_config",
        "txo.runner.run_script(extra_args=...)",
        "Values are in ctx.args.",
    ),
)

_OAUTH: tuple[_Row, ...] = (
    _LOGGER_ROW,
    ("TokenInfo", "txo.http.TokenCache", "Tokens live in the per-run TokenCache."),
    ("TokenCache", "txo.http.TokenCache", "One per run, not module-level."),
    ("OAuthClient", "txo.http.ClientCredentialsAuth", ""),
    ("get_client_credentials_token", "txo.http.ClientCredentialsAuth", "Or ctx.token."),
    ("clear_token_cache", "txo.http.TokenCache.clear", ""),
    ("get_oauth_client", "txo.http.ClientCredentialsAuth", ""),
)

_API_COMMON: tuple[_Row, ...] = (
    _LOGGER_ROW,
    ("RateLimiter", "txo.http.TokenBucket", "Takes an injectable clock; exact rate."),
    ("CircuitBreaker", "txo.http.CircuitBreaker", "One trial call in half-open."),
    ("apply_jitter", "txo.http.RetryPolicy", "Jitter is part of the retry policy."),
    ("manual_retry", "txo.http.RetryPolicy", ""),
    ("APIMetrics", "a local helper", _NO_V3),
)

_RATE_LIMIT_MANAGER: tuple[_Row, ...] = (
    ("EndpointLimits", "txo.http.TokenBucket", ""),
    ("RateLimitManager", "txo.http.HostCooldown", "Per-host limits and Retry-After cool-downs."),
)

_REST_API_HELPERS: tuple[_Row, ...] = (
    _LOGGER_ROW,
    ("RestOperationResult", "txo.http.RestClient", "Errors are raised, not returned."),
    ("SessionManager", "txo.http.SessionPool", ""),
    ("TxoRestAPI", "txo.http.RestClient", "In scripts use ctx.api()."),
    ("retry_rest_call", "txo.http.RetryPolicy", "RestClient already retries."),
)

_API_FACTORY: tuple[_Row, ...] = (
    _LOGGER_ROW,
    ("create_rest_api", "txo.http.create_rest_api", "In scripts use ctx.api()."),
    ("clear_api_cache", "txo.container.Container.close", "Clients live in the run's container."),
    ("ApiManager", "txo.runner.ScriptContext.api", ""),
    ("get_batch_config", "ConfigProxy.require('script-behavior', 'batch-handling')", ""),
)

_STDLIB_POOL = "concurrent.futures.ThreadPoolExecutor"
_CONCURRENCY: tuple[_Row, ...] = (
    _LOGGER_ROW,
    ("T", "typing.TypeVar", "Declare your own TypeVar."),
    ("ProcessingResult", "a local dataclass", _NO_V3),
    ("ProgressTracker", "a local helper or tqdm", _NO_V3),
    ("run_parallel_environments", _STDLIB_POOL, _NO_V3),
    ("parallel_map", _STDLIB_POOL, _NO_V3),
    ("batch_process", _STDLIB_POOL, _NO_V3),
    ("rate_limited_parallel", "ThreadPoolExecutor + txo.http.TokenBucket", _NO_V3),
    ("parallel_aggregate", _STDLIB_POOL, _NO_V3),
    ("with_timeout", "concurrent.futures.Future.result(timeout=...)", _NO_V3),
    ("run_parallel", _STDLIB_POOL, "Deprecated already in v2.1 (parallel_map)."),
)

_URL_HELPERS: tuple[_Row, ...] = (
    _LOGGER_ROW,
    ("URLComponents", "httpx.URL", ""),
    ("build_url", "httpx.URL", ""),
    ("build_query_string", "urllib.parse.urlencode", ""),
    ("build_odata_filter", "an explicit $filter", "Values with quotes need '' escaping."),
    ("parse_url", "urllib.parse.urlsplit", ""),
    ("add_query_params", "httpx.URL.copy_merge_params", ""),
    ("extract_path_params", "a local regex", _NO_V3),
    ("build_context_string", "a local helper", _NO_V3),
    ("normalize_path", "posixpath.normpath", ""),
    ("join_url_paths", "httpx.URL.join", ""),
)

_ROWS: tuple[tuple[str, tuple[_Row, ...]], ...] = (
    ("", _PACKAGE),
    ("path_helpers", _PATH_HELPERS),
    ("logger", _LOGGER),
    ("exceptions", _EXCEPTIONS),
    ("load_n_save", _LOAD_N_SAVE),
    ("config_loader", _CONFIG_LOADER),
    ("script_runner", _SCRIPT_RUNNER),
    ("oauth_helpers", _OAUTH),
    ("api_common", _API_COMMON),
    ("rate_limit_manager", _RATE_LIMIT_MANAGER),
    ("rest_api_helpers", _REST_API_HELPERS),
    ("api_factory", _API_FACTORY),
    ("concurrency", _CONCURRENCY),
    ("url_helpers", _URL_HELPERS),
)


_TIMESTAMP = "datetime.now(timezone.utc).strftime('%Y-%m-%dT%H%M%SZ')"
_V31_SAVE_NOTE = (
    "3.1: a {sheet: DataFrame} dict saved to .xlsx is a multi-sheet workbook; a single "
    "DataFrame goes to sheet 'Data' (2.1: 'Sheet1'; chosen by the compat target)."
)
#: What the template's v3.1.x added: (dotted name, replacement, note, kind).
_V31: tuple[tuple[str, str, str, ShimKind], ...] = (
    (
        "load_n_save.TxoDataHandler.get_utc_timestamp",
        _TIMESTAMP,
        "Static; UTC 'YYYY-MM-DDTHHMMSSZ'.",
        "member",
    ),
    (
        "load_n_save.TxoDataHandler.save_with_timestamp",
        "txo.data.DataHandler.save with a timestamped file name",
        "Static; inserts _<timestamp> before the last dot when add_timestamp=True.",
        "member",
    ),
    (
        "load_n_save.TxoDataHandler.save",
        "pandas.ExcelWriter, or txo.data.DataHandler.save per sheet",
        _V31_SAVE_NOTE,
        "behaviour",
    ),
    (
        "path_helpers.setup_import_path",
        "run scripts as modules from the project root (python -m)",
        "Puts the project root on sys.path.",
        "name",
    ),
    (
        "oauth_helpers.OAuthClient.clear_cache",
        "txo.http.TokenCache.clear",
        "A staticmethod in 3.1 (an instance method in 2.1); both forms work.",
        "member",
    ),
    ("rate_limit_manager.logger", *_LOGGER_ROW[1:], "name"),
    (
        "validate_tko_compliance.main",
        "txo-migrate check",
        "Running the 3.1 validator under compat runs txo-migrate check (with a warning).",
        "name",
    ),
    (
        "validate_tko_compliance.TkoComplianceValidator",
        "txo-migrate check",
        "Not provided: importing it raises ImportError naming txo-migrate check.",
        "name",
    ),
    (
        "config_loader.ConfigLoader.load_config",
        "txo.config.ConfigLoader.load (raises txo.errors.ConfigError)",
        "3.1: a schema violation raises ValidationError('Schema validation failed at ...'); "
        "compat raises one error that is both that and v2.1's HelpfulError.",
        "behaviour",
    ),
)


def _short(module: str) -> str:
    """``"utils.logger"`` → ``"logger"``; ``"utils"`` → ``""`` (inverse of v21_module)."""
    return "" if module == "utils" else module.removeprefix("utils.")


def _v31() -> tuple[Shim, ...]:
    return tuple(
        Shim(f"utils.{name}", replacement, DEPRECATED_NAME_CODE, _REMOVAL, note, "3.1", kind)
        for name, replacement, note, kind in _V31
    )


def _build(shims: tuple[Shim, ...]) -> Mapping[str, Shim]:
    return MappingProxyType({s.v21_name: s for s in shims})


SHIMS: Mapping[str, Shim] = _build(
    tuple(shim for module, rows in _ROWS for shim in _module(module, rows)) + _v31()
)


#: The legacy modules, v2.1's in its API reference's order, then 3.1's ("" is the package).
V21_MODULES: tuple[str, ...] = tuple(module for module, _rows in _ROWS) + tuple(
    dict.fromkeys(
        _short(s.module)
        for s in SHIMS.values()
        if s.kind == "name" and _short(s.module) not in dict(_ROWS)
    )
)


def names_in(module: str) -> tuple[str, ...]:
    """The public names of one legacy module (``""`` for the package), in registry order."""
    dotted = v21_module(module)
    return tuple(s.name for s in SHIMS.values() if s.module == dotted and s.kind == "name")


def members_of(owner: str) -> tuple[Shim, ...]:
    """Member and behaviour shims of a legacy class (``utils.load_n_save.TxoDataHandler``)."""
    return tuple(s for s in SHIMS.values() if s.module == owner and s.kind != "name")
