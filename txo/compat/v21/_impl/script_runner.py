"""v2.1 ``utils.script_runner``: argument parsing, config loading, optional token.

``parse_args_and_load_config`` / ``parse_custom_args_and_load_config`` are
v2.1's script boundary, so they keep its exit codes: 1 for a HelpfulError
or an unexpected error, 130 for Ctrl-C (argparse exits 2 itself).  The
parser is v3's :func:`txo.runner.build_parser` plus v2.1's rules for extra
arguments.  2.1.0 call forms (``require_token=True`` passed explicitly)
work; the 2.1.1 default (``False``) applies when it is omitted.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from txo import errors as v3
from txo.compat.v21._impl._util import v21_default
from txo.compat.v21._impl.config_loader import ConfigLoader
from txo.compat.v21._impl.exceptions import HelpfulError
from txo.compat.v21._impl.logger import setup_logger
from txo.compat.v21._impl.oauth_helpers import OAuthClient
from txo.compat.v21._impl.path_helpers import v3_paths
from txo.compat.warnings import shim_of
from txo.config.loader import check_name
from txo.runner import build_parser

__all__ = [
    "ArgumentDefinition",
    "ScriptRunner",
    "parse_args_and_load_config",
    "parse_custom_args_and_load_config",
]

_log = logging.getLogger("TxoApp")
_TOKEN_EXAMPLE = (
    'In config: "global": {"tenant-id": "...", "client-id": "...", "oauth-scope": "..."}\n'
    'In secrets: {"client-secret": "...", "az-token": "fallback-token-here"}'
)


@shim_of("utils.script_runner.ArgumentDefinition")
@dataclass
class ArgumentDefinition:
    """One extra command-line argument (v2.1 rules: see ScriptRunner.parse_arguments)."""

    name: str
    type: type = str
    help: str = ""
    default: Any = None
    choices: list[Any] | None = None
    required: bool = True
    action: str | None = None


def _add_argument(parser: argparse.ArgumentParser, arg: ArgumentDefinition) -> None:
    """An option ``--name`` if it has a default or is optional, else a positional."""
    kwargs: dict[str, Any] = {"help": arg.help}
    name = arg.name
    if arg.default is not None or not arg.required:
        name = f"--{arg.name.replace('_', '-')}" if not arg.name.startswith("-") else arg.name
        kwargs.update(default=arg.default, required=arg.required)
    if arg.action:
        kwargs["action"] = arg.action
    else:
        kwargs["type"] = arg.type
    if arg.choices:
        kwargs["choices"] = arg.choices
    parser.add_argument(name, **kwargs)


def _missing_config(name: str) -> HelpfulError:
    """Which file is missing, how to create it, and which configurations do exist."""
    config_dir = v3_paths().path("config", name).parent
    found = (
        sorted(p.name for p in config_dir.glob("*-*-config.json")) if config_dir.is_dir() else []
    )
    return HelpfulError(
        f"Configuration file not found: {config_dir / name}",
        f"Create config/{name}: copy config/templates/org-env-config_example.json (or another "
        "environment's config) and fill in your values, or pass the org and env of an existing "
        "configuration.",
        "Existing configurations: " + (", ".join(found) if found else "none in config/"),
    )


def _missing_oauth(config: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    section = config["global"]
    found = {k: v21_default(section, k, None) for k in ("tenant-id", "client-id", "oauth-scope")}
    found["client-secret"] = v21_default(config, "_client_secret", None)
    missing = [k for k, v in found.items() if not v]
    return [
        m if m != "client-secret" else "client-secret (in secrets file)" for m in missing
    ], found


@shim_of("utils.script_runner.ScriptRunner")
class ScriptRunner:
    """Parse ``org_id env_type [extras]``, load the config, optionally get a token."""

    def __init__(self, description: str, require_token: bool = False) -> None:
        self.description = description
        self.require_token = require_token
        self.oauth_client: OAuthClient | None = None

    def parse_arguments(
        self, extra_args: Sequence[ArgumentDefinition] | None = None
    ) -> argparse.Namespace:
        parser = build_parser(self.description)
        for arg in extra_args or ():
            _add_argument(parser, arg)
        args = parser.parse_args()
        for value, what in ((args.org_id, "org_id"), (args.env_type, "env_type")):
            try:
                check_name(value, what)
            except v3.ConfigError as exc:  # a bad argument, as the v3 runner says: exit 2
                parser.error(f"{exc.what_went_wrong} {exc.how_to_fix}")
        return args

    def load_configuration(self, org_id: str, env_type: str) -> dict[str, Any]:
        """The validated config with secrets, ``_org_id`` and ``_env_type`` injected."""
        setup_logger()
        _log.info("Starting %s", self.description)
        _log.info("Configuration: %s-%s", org_id, env_type)
        loader = ConfigLoader(org_id, env_type)
        try:
            config = loader.load_config(validate=True, include_secrets=True)
        except HelpfulError:
            raise
        except v3.FileOperationError as exc:
            raise _missing_config(loader.config_filename) from exc
        except v3.HelpfulError as exc:
            raise HelpfulError(exc.what_went_wrong, exc.how_to_fix, exc.example) from exc
        config["_org_id"] = org_id
        config["_env_type"] = env_type
        return config

    def acquire_token(self, config: dict[str, Any]) -> str | None:
        """``_az_token`` first, else OAuth client credentials; None when not required."""
        if not self.require_token:
            return None
        _log.info("Acquiring OAuth token...")
        fallback = v21_default(config, "_az_token", None)
        if fallback:
            _log.info("Using fallback token from secrets")
            return str(fallback)
        missing, found = _missing_oauth(config)
        if missing:
            raise HelpfulError(
                f"Token required but OAuth config incomplete. Missing: {', '.join(missing)}",
                "Either add the OAuth settings (global section) and client-secret, add "
                "'az-token' to your secrets file, or use require_token=False",
                _TOKEN_EXAMPLE,
            )
        try:
            return self._token(config, found)
        except Exception as exc:
            raise HelpfulError(
                f"Token acquisition failed: {exc}",
                "Check OAuth configuration or add fallback token",
                "Verify client-id, client-secret, and tenant-id are correct",
            ) from exc

    def _token(self, config: dict[str, Any], found: dict[str, Any]) -> str:
        if self.oauth_client is None:
            authority = v21_default(config["global"], "oauth-authority", None)
            self.oauth_client = OAuthClient(
                found["tenant-id"], cache_tokens=True, authority=authority
            )
        token = self.oauth_client.get_client_credentials_token(
            found["client-id"], found["client-secret"], found["oauth-scope"], found["tenant-id"]
        )
        _log.info("✅ Token acquired successfully")
        return token

    def run(self, extra_args: Sequence[ArgumentDefinition] | None = None) -> dict[str, Any]:
        """Parse, load, inject ``_<arg>`` per extra argument and ``_token``."""
        args = self.parse_arguments(extra_args)
        config = self.load_configuration(args.org_id, args.env_type)
        for arg in extra_args or ():
            attr = arg.name.replace("-", "_")
            if hasattr(args, attr):
                config[f"_{attr}"] = getattr(args, attr)
        config["_token"] = self.acquire_token(config) if self.require_token else None
        return config


def _run_at_boundary(runner: ScriptRunner, extra: Sequence[ArgumentDefinition] | None) -> Any:
    """v2.1's script boundary: errors are logged and become exit codes."""
    try:
        return runner.run(extra)
    except v3.HelpfulError as exc:
        setup_logger().error(str(exc))
        sys.exit(1)  # txo: ignore[TXO201] v2.1 semantics: documented exit code of this API
    except KeyboardInterrupt:
        setup_logger().info("Script interrupted by user")
        sys.exit(130)  # txo: ignore[TXO201] v2.1 semantics: documented exit code of this API
    except Exception as exc:
        setup_logger().error(f"Unexpected error: {exc}", exc_info=True)
        sys.exit(1)  # txo: ignore[TXO201] v2.1 semantics: documented exit code of this API


@shim_of("utils.script_runner.parse_args_and_load_config")
def parse_args_and_load_config(description: str, require_token: bool = False) -> dict[str, Any]:
    """The config dict with ``_org_id``, ``_env_type`` and ``_token``; exits 1/130 on failure."""
    config: dict[str, Any] = _run_at_boundary(ScriptRunner(description, require_token), None)
    return config


@shim_of("utils.script_runner.parse_custom_args_and_load_config")
def parse_custom_args_and_load_config(
    description: str,
    custom_args: Sequence[ArgumentDefinition] | None = None,
    require_token: bool = False,
) -> dict[str, Any]:
    """As parse_args_and_load_config, plus ``_<name>`` for each custom argument."""
    config: dict[str, Any] = _run_at_boundary(ScriptRunner(description, require_token), custom_args)
    return config
