"""The script entry point: the one place in txo that turns outcomes into exit codes.

``run_script`` parses ``org_id env_type [extras]``, loads and validates the
configuration, sets up redacting logging, builds the container (paths,
data handler, lazily the REST API), calls ``main(ctx)``, closes everything
and returns an exit code:

====  ==========================================================
0     success
1     a HelpfulError (its three parts are printed, no traceback),
      or an unexpected error (traceback logged, redacted)
2     bad command-line arguments (argparse's usage errors, and an
      ``InvalidArgumentError`` such as an org/env id that is not a
      safe file-name part)
130   interrupted (Ctrl-C)
====  ==========================================================

Scripts end with ``raise SystemExit(run_script(main, "What it does"))``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from txo.config import ConfigLoader, ConfigProxy, validate_ids
from txo.container import Container
from txo.errors import HelpfulError, InvalidArgumentError
from txo.paths import ProjectPaths

if TYPE_CHECKING:
    from txo.data import DataHandler
    from txo.http import RestClient
    from txo.log import LoggingSetup, SecretRegistry

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "Arg", "ScriptContext"]
__all__ += [
    "HTTP_TRANSPORT",
    "REST_API",
    "SESSION_POOL",
    "TOKEN_CACHE",
    "build_parser",
    "call_guarded",
    "run_script",
]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
REST_API = "rest_api"  # container key of the script's RestClient
SESSION_POOL, TOKEN_CACHE = "session_pool", "token_cache"
COORDINATION = "coordination"  # the run's fleet coordination (None without the config section)
REDACTOR = "redactor"  # the run's redactor: the project's own patterns plus its secrets
HTTP_TRANSPORT = "http_transport"  # optional container key: an httpx transport to send through
# the argparse actions an Arg can use that take no value: as a positional one is set on every run
_FLAG_ACTIONS = frozenset({"store_true", "store_false", "count"})


@dataclass(frozen=True, slots=True)
class Arg:
    """An extra command-line argument: positional when required without a default.

    A flag (``action`` ``store_true``, ``store_false`` or ``count``) is always an
    option ``--name``: it takes no value, so it cannot be a positional.
    """

    name: str
    type: Callable[[str], Any] = str
    help: str = ""
    default: Any = None
    choices: Sequence[Any] | None = None
    required: bool = True
    action: str | None = None

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Add this argument to ``parser`` the way v2.1's ScriptRunner did."""
        kwargs: dict[str, Any] = {"help": self.help}
        if self.action:
            kwargs["action"] = self.action
        else:
            kwargs["type"] = self.type
        if self.choices:
            kwargs["choices"] = list(self.choices)
        if self.default is not None or not self.required or self.action in _FLAG_ACTIONS:
            flag = "--" + self.name.lstrip("-").replace("_", "-")
            kwargs["dest"] = self.name.lstrip("-").replace("-", "_")
            if self.default is not None:  # else argparse's own (False for store_true)
                kwargs["default"] = self.default
            parser.add_argument(flag, **kwargs)
        else:
            parser.add_argument(self.name, **kwargs)


@dataclass(slots=True)
class ScriptContext:
    """Everything a script's ``main(ctx)`` needs, built and closed by the runner."""

    org_id: str
    env_type: str
    args: argparse.Namespace
    config: ConfigProxy
    paths: ProjectPaths
    logger: logging.Logger
    secrets: SecretRegistry
    container: Container
    token: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> DataHandler:
        """The project's DataHandler (created on first use)."""
        from txo.data import DataHandler

        return self.container.get(DataHandler)

    def api(self) -> RestClient:
        """The REST client built from ``script-behavior`` (created on first use)."""
        client: RestClient = self.container.get(REST_API)
        return client


def build_parser(description: str, extra_args: Sequence[Arg] = ()) -> argparse.ArgumentParser:
    """``org_id env_type`` plus the script's own arguments."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("org_id", help="Organization ID (e.g., 'txo')")
    parser.add_argument("env_type", help="Environment type (e.g., 'test', 'prod')")
    for arg in extra_args:
        arg.add_to(parser)
    return parser


def run_script(
    main: Callable[[ScriptContext], Any],
    description: str,
    *,
    require_token: bool = False,
    extra_args: Sequence[Arg] = (),
    argv: Sequence[str] | None = None,
    root: str | None = None,
    environ: Mapping[str, str] | None = None,
    configure: Callable[[Container], None] | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``main`` as a script and return its exit code (see the module docstring)."""
    try:
        args = build_parser(description, extra_args).parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage or help
        return _code_of(exc)
    run = _ScriptRun(args, description, root, environ, stderr or sys.stderr)
    return run.execute(main, require_token=require_token, configure=configure)


class _ScriptRun:
    """One execution of a script: set up, call main, map the outcome, clean up."""

    def __init__(
        self,
        args: argparse.Namespace,
        description: str,
        root: str | None,
        environ: Mapping[str, str] | None,
        stderr: TextIO,
    ) -> None:
        self.args, self.description = args, description
        self.root, self.environ, self.stderr = root, environ, stderr
        self.container = Container()
        self.logging: LoggingSetup | None = None

    def execute(
        self,
        main: Callable[[ScriptContext], Any],
        *,
        require_token: bool,
        configure: Callable[[Container], None] | None,
    ) -> int:
        code = self._run_main(main, require_token, configure)
        return self._close(code)

    def _run_main(
        self,
        main: Callable[[ScriptContext], Any],
        require_token: bool,
        configure: Callable[[Container], None] | None,
    ) -> int:
        def body() -> int:
            validate_ids(self.args.org_id, self.args.env_type)  # before anything is created
            ctx = self._build_context(require_token, configure)
            main(ctx)
            ctx.logger.info("Finished: %s", self.description)
            return EXIT_OK

        return call_guarded(body, self._report, self._log)

    def _build_context(
        self, require_token: bool, configure: Callable[[Container], None] | None
    ) -> ScriptContext:
        from txo.log import SecretRegistry, setup_logging

        paths = ProjectPaths.discover(self.root, environ=self.environ)
        secrets = SecretRegistry()
        self.logging = setup_logging(paths, secrets)
        logger = self.logging.logger
        logger.info("Starting %s (%s-%s)", self.description, self.args.org_id, self.args.env_type)
        loaded = ConfigLoader(paths, secrets=secrets).load(self.args.org_id, self.args.env_type)
        _register_services(self.container, paths, loaded.config, secrets, logger)
        self.container.register_value(REDACTOR, self.logging.redactor)
        if configure is not None:
            configure(self.container)
        ctx = ScriptContext(
            self.args.org_id, self.args.env_type, self.args, loaded.config, paths,
            logger, secrets, self.container,
        )  # fmt: skip
        if require_token:
            ctx.token = _acquire_token(self.container)
        return ctx

    def _report(self, exc: BaseException, *, traceback: bool) -> None:
        if self.logging is None:  # logging itself failed to start: plain stderr
            print(str(exc) if not traceback else f"Unexpected error: {exc!r}", file=self.stderr)
            return
        if traceback:
            self.logging.logger.error("Unexpected error: %s", exc, exc_info=exc)
        else:
            self.logging.logger.error("%s", exc)

    def _log(self, level: int, message: str) -> None:
        if self.logging is not None:
            self.logging.logger.log(level, message)
        else:
            print(message, file=self.stderr)

    def _close(self, code: int) -> int:
        """Close every service, then logging; a failing close turns success into exit 1."""
        try:
            self.container.close()
        except Exception as exc:
            self._report(exc, traceback=True)
            code = code or EXIT_ERROR
        if self.logging is not None:
            self.logging.close()
        return code


def _register_services(
    container: Container,
    paths: ProjectPaths,
    config: ConfigProxy,
    secrets: SecretRegistry,
    logger: logging.Logger,
) -> None:
    """The services every script can ask for; heavy ones are built on first use."""
    from txo.data import DataHandler
    from txo.log import SecretRegistry as Registry

    container.register_value(ProjectPaths, paths)
    container.register_value(ConfigProxy, config)
    container.register_value(Registry, secrets)
    container.register_value(logging.Logger, logger)
    container.register(DataHandler, lambda c: DataHandler(c.get(ProjectPaths)))
    container.register(SESSION_POOL, _session_pool_factory)
    container.register(TOKEN_CACHE, _token_cache_factory)
    container.register(COORDINATION, _coordination_factory)
    container.register(REST_API, _rest_client_factory)


def _rest_client_factory(container: Container) -> Any:
    from txo.http import create_rest_api

    config = container.get(ConfigProxy)
    return create_rest_api(config, pool=container.get(SESSION_POOL), **_auth_services(container))


def _acquire_token(container: Container) -> str:
    """A bearer token for scripts that declared ``require_token`` (pre-issued wins)."""
    from txo.http.factory import acquire_token

    return acquire_token(container.get(ConfigProxy), **_auth_services(container))


def _auth_services(container: Container) -> dict[str, Any]:
    """Shared by token acquisition and the REST client: one token cache per script run."""
    from txo.log import SecretRegistry

    services: dict[str, Any] = {
        "secrets": container.get(SecretRegistry),
        "token_cache": container.get(TOKEN_CACHE),
        "coordination": container.get(COORDINATION),
    }
    if REDACTOR in container:
        services["redactor"] = container.get(REDACTOR)
    if HTTP_TRANSPORT in container:
        services["transport"] = container.get(HTTP_TRANSPORT)
    return services


def _session_pool_factory(container: Container) -> Any:
    from txo.http.pool import SessionPool

    config = container.get(ConfigProxy)
    size = config.optional("script-behavior", "session-pool", "max-size", default=50)
    return SessionPool(max_size=size)


def _coordination_factory(container: Container) -> Any:
    """One coordination per run: the API client and the token share it (and its one warning)."""
    from txo.clock import SystemClock
    from txo.fleet import open_coordination

    return open_coordination(container.get(ConfigProxy), SystemClock())


def _token_cache_factory(_container: Container) -> Any:
    from txo.http.auth import TokenCache

    return TokenCache()


def call_guarded(
    body: Callable[[], int],
    report: Callable[..., None],
    log: Callable[[int, str], None],
) -> int:
    """Run ``body`` and turn its outcome into an exit code (the table in the module docstring).

    ``report(exc, traceback=bool)`` and ``log(level, message)`` write through the
    redacting logging; ``python -m txo.compat`` maps legacy scripts' outcomes here too.
    """
    try:
        return body()
    except InvalidArgumentError as exc:  # a bad org/env id is a bad argument
        report(exc, traceback=False)
        return EXIT_USAGE
    except HelpfulError as exc:
        report(exc, traceback=False)
        return EXIT_ERROR
    except KeyboardInterrupt:
        log(logging.INFO, "Script interrupted by user")
        return EXIT_INTERRUPTED
    except SystemExit as exc:  # a script's own exit request is honoured
        if exc.code is not None and not isinstance(exc.code, int):  # Python would print it
            log(logging.ERROR, str(exc.code))
        return _code_of(exc)
    except Exception as exc:
        report(exc, traceback=True)
        return EXIT_ERROR


def _code_of(exc: SystemExit) -> int:
    if exc.code is None:
        return EXIT_OK
    if isinstance(exc.code, int):
        return exc.code
    return EXIT_ERROR
