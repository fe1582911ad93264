"""TXO601: secrets passed to print or logging."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping

from txo.migrate.rules._util import callee_name, split_words
from txo.migrate.rules.base import Handler, Rule

__all__ = ["SecretInOutput", "looks_secret"]

_SECRET_WORDS = frozenset(
    {"token", "secret", "password", "passwd", "pwd", "passphrase", "apikey", "bearer"}
    | {"credential", "credentials", "authorization"}
)
_SECRET_PAIRS = frozenset(
    {("api", "key"), ("access", "key"), ("private", "key"), ("account", "key")}
)
# A word after the secret word that makes the name describe something else.
_QUALIFIERS = frozenset(
    {"url", "uri", "endpoint", "type", "types", "count", "len", "length", "name", "names"}
    | {"path", "file", "filename", "dir", "expiry", "expires", "expiration", "ttl", "timeout"}
    | {"scope", "scopes", "field", "fields", "env", "var", "key", "keys", "id", "ids", "prefix"}
    | {"pattern", "patterns", "regex", "header", "policy", "required", "set", "valid", "age"}
    | {"requests", "calls", "attempts", "refreshes", "issued", "total", "stats", "metrics"}
)
_PREFIX_FLAGS = frozenset({"is", "has", "use", "uses", "need", "needs", "with", "no", "num", "n"})
_LOG_LEVELS = frozenset(
    {"debug", "info", "warning", "warn", "error", "critical", "exception", "fatal", "log"}
)
_LOGGER_WORDS = frozenset({"log", "logger", "logging"})
_PRINTS = frozenset({"print", "pprint"})
# Calls whose result still carries their argument's text.
_PASS_FUNCS = frozenset({"str", "repr", "format", "dumps", "dict", "list", "tuple"})
_PASS_METHODS = frozenset(
    {"format", "join", "upper", "lower", "strip", "lstrip", "rstrip", "encode", "decode"}
    | {"replace", "format_map", "dumps"}
)


def looks_secret(name: str) -> bool:
    """token, api_key, clientSecret, _client_secret, "client-secret" … but not token_url."""
    words = split_words(name)
    if not words or words[0] in _PREFIX_FLAGS:
        return False
    last = -1
    for i, word in enumerate(words):
        if word in _SECRET_WORDS or (i > 0 and (words[i - 1], word) in _SECRET_PAIRS):
            last = i
    return last >= 0 and not any(w in _QUALIFIERS for w in words[last + 1 :])


def _is_logger(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Name):
        return (split_words(expr.id) or [""])[-1] in _LOGGER_WORDS
    if isinstance(expr, ast.Attribute):
        return (split_words(expr.attr) or [""])[-1] in _LOGGER_WORDS
    if isinstance(expr, ast.Call):
        return callee_name(expr) in ("getLogger", "get_logger", "getChild")
    return False


def _output_call(call: ast.Call) -> str | None:
    """``print``/``logger.info``… for an output call, else None."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in _PRINTS:
        return func.id
    if isinstance(func, ast.Attribute) and func.attr in _LOG_LEVELS and _is_logger(func.value):
        target = func.value
        owner = target.id if isinstance(target, ast.Name) else "logger"
        return f"{owner}.{func.attr}"
    return None


def _secret_in(expr: ast.expr) -> str | None:
    """The first secret-looking name whose value ends up in the formatted output."""
    stack: list[ast.expr] = [expr]
    while stack:
        node = stack.pop()
        found, more = _inspect(node)
        if found:
            return found
        stack.extend(more)
    return None


def _inspect(node: ast.expr) -> tuple[str | None, Iterator[ast.expr] | tuple[ast.expr, ...]]:
    if isinstance(node, ast.Name):
        return (node.id if looks_secret(node.id) else None), ()
    if isinstance(node, ast.Attribute):
        return (node.attr if looks_secret(node.attr) else None), ()
    if isinstance(node, ast.Subscript):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return (repr(key.value) if looks_secret(key.value) else None), ()
        return None, (node.value,)
    if isinstance(node, ast.Dict):
        for k in node.keys:
            if isinstance(k, ast.Constant) and isinstance(k.value, str) and looks_secret(k.value):
                return repr(k.value), ()
        return None, tuple(v for v in node.values if v is not None)
    if isinstance(node, ast.Call):
        return None, _call_parts(node)
    return None, _children(node)


def _call_parts(call: ast.Call) -> tuple[ast.expr, ...]:
    func = call.func
    parts = (*call.args, *(k.value for k in call.keywords))
    if isinstance(func, ast.Name) and func.id in _PASS_FUNCS:
        return parts
    if isinstance(func, ast.Attribute) and func.attr in _PASS_METHODS:
        return (func.value, *parts)
    return ()


def _children(node: ast.expr) -> tuple[ast.expr, ...]:
    if isinstance(node, ast.JoinedStr):
        return tuple(node.values)
    if isinstance(node, ast.FormattedValue):
        return (node.value,)
    if isinstance(node, ast.BinOp):
        return (node.left, node.right)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return tuple(node.elts)
    if isinstance(node, ast.BoolOp):
        return tuple(node.values)
    if isinstance(node, ast.IfExp):
        return (node.body, node.orelse)
    if isinstance(node, (ast.Starred, ast.NamedExpr)):
        return (node.value,)
    return ()


class SecretInOutput(Rule):
    """Secrets passed to ``print()`` or logging.

    Why: secrets never leave.  A token or password in a log line ends up in log
    files, CI output and support tickets; the redacting formatter is the last
    line of defence, not the plan.  Log that a secret was used, never its value.

    How it decides: for ``print(...)``, ``pprint(...)``, ``<logger>.<level>(...)``
    and ``logging.<level>(...)`` (a receiver whose name ends in ``log``,
    ``logger`` or ``logging``, e.g. ``self.logger``, or ``getLogger(...)``), the
    arguments are searched — through f-strings, ``%`` and ``+`` formatting,
    ``.format()``, ``str()``/``repr()``/``json.dumps()``, containers and
    conditional expressions — for a name, attribute, string subscript key or
    dict-literal key that looks secret: it contains token, secret, password,
    passwd, pwd, passphrase, api_key/apikey, access_key, private_key, credential,
    bearer or authorization (in any case, snake, kebab or camel: ``_token``,
    ``client-secret``, ``clientSecret``) with no describing word after it
    (``token_url``, ``token_type``, ``secret_name``, ``password_policy``,
    ``token_requests`` are fine) and no flag prefix (``has_token``,
    ``is_secret``).  Other calls hide their arguments: ``len(token)``,
    ``mask(token)`` and ``bool(password)`` are fine.
    """

    code = "TXO601"
    name = "secret-in-output"
    summary = "Secret value passed to print() or logging"
    flagged = (
        'def f(token):\n    print(f"Using token {token}")\n',
        'def f(logger, config):\n    logger.info("token: %s", config["_token"])\n',
        'import logging\n\n\ndef f(password):\n    logging.debug("pw=" + password)\n',
        'def f(log, creds):\n    log.warning("auth {}".format(creds.client_secret))\n',
        "class Client:\n    def show(self):\n        self.logger.error(self.api_key)\n",
        'def f(secrets):\n    print({"client-secret": secrets[0]})\n',
        'def f(headers, logger):\n    logger.debug("headers %s", headers["Authorization"])\n',
        "def f(access_token):\n    print(str(access_token).strip())\n",
    )
    accepted = (
        'def f(token):\n    print(f"token has {len(token)} characters")\n',
        'def f(logger, token_url):\n    logger.info("fetching a token from %s", token_url)\n',
        'def f(logger):\n    logger.info("token acquired")\n',
        'def f(logger, has_token):\n    logger.info("has token: %s", has_token)\n',
        'def f(fake):\n    print("token requests:", fake.token_requests)\n',
        'def f(response):\n    print(response["value"])\n',
        'def f(config, logger):\n    logger.info("org %s", config["_org_id"])\n',
        "def f(token, mask):\n    print(mask(token))\n",
    )

    def handlers(self) -> Mapping[type[ast.AST], Handler]:
        return {ast.Call: self._on_call}

    def _on_call(self, node: ast.Call) -> None:
        target = _output_call(node)
        if target is None:
            return
        parts = [*node.args, *(k.value for k in node.keywords if k.arg == "extra")]
        for part in parts:
            secret = _secret_in(part)
            if secret is not None:
                self.report(
                    node,
                    f"`{secret}` looks like a secret and is passed to `{target}()`: log that it "
                    "was used, never its value",
                )
                return
