"""A fake Microsoft Dynamics 365 Business Central API, defined once.

:class:`FakeBusinessCentral` is a plain ``handle(request) -> response``
function over ``httpx`` objects, so the same definition serves

* in-process tests: ``httpx.Client(transport=httpx.MockTransport(fake.handle))``
  or a respx route whose side effect is ``fake.handle``;
* real-socket tests: :class:`txo.testing.server.LoopbackServer` turns every
  HTTP request on 127.0.0.1 into an ``httpx.Request`` and calls ``fake.handle``.

It dispatches on the path only (any host), so one fake answers both the
token endpoint ``/{tenant}/oauth2/v2.0/token`` and the API
``…/api/v2.0/companies({id})/customers``.  It offers server-driven paging
(absolute ``@odata.nextLink``), ETag concurrency, a 202 long-running action
with a status monitor, throttling and injected failures on demand, bearer
token checking and a request log.  Time comes from an injected clock.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote

import httpx

from txo.clock import Clock, SystemClock

__all__ = [
    "DEFAULT_API_ROOT",
    "DEFAULT_SCOPE",
    "DEFAULT_TOKEN_ROOT",
    "MAX_TIMEOUT_DELAY",
    "FakeBusinessCentral",
    "FaultTarget",
    "LoggedRequest",
    "SimulatedTimeout",
]

DEFAULT_API_ROOT = "https://api.businesscentral.dynamics.com/v2.0/fake-tenant/production"
DEFAULT_TOKEN_ROOT = "https://login.microsoftonline.com"
DEFAULT_SCOPE = "https://api.businesscentral.dynamics.com/.default"
"""The OAuth scope a client credentials request for the BC API asks for."""
MAX_TIMEOUT_DELAY = 10.0
"""Upper bound (seconds) on how long a simulated timeout may hold a real connection."""

FaultTarget = Literal["api", "token", "any"]
Kind = Literal["api", "token"]

_TOKEN_PATH = re.compile(r"^/(?P<tenant>[^/]+)/oauth2/v2\.0/token$")
_API_PATH = re.compile(r"^(?P<prefix>.*?)/api/v2\.0/(?P<rest>.*)$")
_ID = r"\(\s*'?(?P<{name}>[^)']+)'?\s*\)"
_ROUTES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (
        name,
        re.compile(
            "^" + pattern.format(cid=_ID.format(name="cid"), id=_ID.format(name="id")) + "$"
        ),
    )
    for name, pattern in (
        ("companies", "companies"),
        ("company", "companies{cid}"),
        ("customers", "companies{cid}/customers"),
        ("customer", "companies{cid}/customers{id}"),
        ("sync_now", "companies{cid}/customers{id}/Microsoft\\.NAV\\.syncNow"),
        ("operation", "operations" + _ID.format(name="op")),
    )
)
_FILTER_TERM = re.compile(
    r"^\s*(?P<field>\w+)\s+eq\s+(?:'(?P<text>(?:[^']|'')*)'|(?P<raw>\S+))\s*$"
)
_READ_ONLY = frozenset({"id", "lastModifiedDateTime"})


class SimulatedTimeout(httpx.ReadTimeout):
    """Raised by the fake for ``timeout_next``.

    In-process it reaches the client as a plain ``httpx.ReadTimeout``; the
    loopback server instead holds the connection ``delay`` seconds (bounded
    by :data:`MAX_TIMEOUT_DELAY`) and closes it without answering.
    """

    def __init__(self, delay: float, request: httpx.Request) -> None:
        super().__init__(f"simulated read timeout (server delay {delay:g}s)", request=request)
        self.delay = delay


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request the fake saw, and the status it answered (0 = simulated timeout)."""

    method: str
    url: str
    path: str
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    status: int
    kind: Kind

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode()))


@dataclass(slots=True)
class _Fault:
    kind: Literal["status", "timeout"]
    remaining: int
    target: FaultTarget
    status: int = 503
    retry_after: float | None = None
    delay: float = 0.0


@dataclass(slots=True)
class _Operation:
    company_id: str
    customer_id: str
    polls_left: int


@dataclass(frozen=True, slots=True)
class _Ctx:
    """The parsed request an API handler works on."""

    request: httpx.Request
    base: str  # scheme://host[:port]
    prefix: str  # the path before /api/v2.0, e.g. /v2.0/{tenant}/production
    cid: str
    id: str
    op: str

    @property
    def api_root(self) -> str:
        return f"{self.base}{self.prefix}/api/v2.0"


class FakeBusinessCentral:
    """A thread-safe, in-memory BC tenant with one company and some customers."""

    def __init__(
        self,
        *,
        tenant_id: str = "fake-tenant",
        client_id: str = "fake-client-id",
        client_secret: str = "fake-client-secret-value",
        clock: Clock | None = None,
        page_size: int = 20,
        expires_in: int = 3600,
        customers: int = 5,
        company_name: str = "CRONUS USA, Inc.",
        action_polls: int = 2,
        action_retry_after: float = 1.0,
        require_auth: bool = True,
        absolute_links: bool = True,
        timeout_delay: float = 2.0,
        log_size: int = 10_000,
    ) -> None:
        self.tenant_id, self.client_id = tenant_id, client_id
        self._client_secret = client_secret
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.page_size, self.expires_in = page_size, expires_in
        self.action_polls, self.action_retry_after = action_polls, action_retry_after
        self.require_auth, self.absolute_links = require_auth, absolute_links
        self.timeout_delay = min(timeout_delay, MAX_TIMEOUT_DELAY)
        self._lock = threading.RLock()
        self._log: deque[LoggedRequest] = deque(maxlen=log_size)
        self._faults: list[_Fault] = []
        self._tokens: dict[str, float] = {}
        self._companies: dict[str, dict[str, Any]] = {}
        self._customers: dict[str, dict[str, dict[str, Any]]] = {}
        self._operations: dict[str, _Operation] = {}
        self._counters = {"token_requests": 0, "tokens": 0, "requests": 0, "ops": 0}
        self._handlers = self._handler_table()
        self.company_id = self.add_company(company_name)
        for n in range(customers):
            self.add_customer(self.company_id, displayName=f"Customer {n + 1:03d}")

    def __repr__(self) -> str:
        return f"FakeBusinessCentral(tenant_id={self.tenant_id!r}, client_id={self.client_id!r})"

    # --- set-up and inspection -------------------------------------------------

    @property
    def client_secret(self) -> str:
        return self._client_secret

    def api_root(self, base: str = DEFAULT_API_ROOT) -> str:
        """``{base}/api/v2.0`` — e.g. ``fake.api_root(server.url)``."""
        return f"{base.rstrip('/')}/api/v2.0"

    def customers_url(self, base: str = DEFAULT_API_ROOT, company_id: str | None = None) -> str:
        return f"{self.api_root(base)}/companies({company_id or self.company_id})/customers"

    def token_url(self, base: str = DEFAULT_TOKEN_ROOT) -> str:
        return f"{base.rstrip('/')}/{self.tenant_id}/oauth2/v2.0/token"

    def add_company(self, name: str) -> str:
        company_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"company/{name}"))
        with self._lock:
            self._companies[company_id] = {
                "id": company_id,
                "name": name,
                "displayName": name,
                "businessProfileId": "",
                "systemVersion": "24.0.16410.0",
            }
            self._customers[company_id] = {}
        return company_id

    def add_customer(self, company_id: str, **fields: Any) -> dict[str, Any]:
        """Create a customer directly (no HTTP); returns its JSON representation."""
        with self._lock:
            table = self._customers[company_id]
            number = str(fields.pop("number", f"C{len(table) + 1:05d}"))
            cust_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"customer/{company_id}/{number}"))
            record: dict[str, Any] = {"id": cust_id, "number": number, "displayName": ""}
            record |= {"type": "Company", "email": "", "phoneNumber": "", "blocked": " "}
            record |= fields
            record["lastModifiedDateTime"] = self._now_iso()
            record["_version"] = 1
            table[cust_id] = record
            return _render(record)

    def customers(self, company_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [_render(r) for r in self._customers[company_id or self.company_id].values()]

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    @property
    def api_requests(self) -> list[LoggedRequest]:
        return [r for r in self.requests if r.kind == "api"]

    @property
    def token_requests(self) -> int:
        """Every request to the token endpoint, successful or not."""
        with self._lock:
            return self._counters["token_requests"]

    @property
    def tokens_issued(self) -> int:
        with self._lock:
            return self._counters["tokens"]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # --- tokens ------------------------------------------------------------------

    def accept_token(self, token: str, expires_in: float = 3600.0) -> None:
        """Make a pre-issued token (``_az_token``) valid."""
        with self._lock:
            self._tokens[token] = self.clock.time() + expires_in

    def revoke_tokens(self) -> None:
        """Invalidate every issued token: the next API call gets 401."""
        with self._lock:
            self._tokens.clear()

    # --- faults --------------------------------------------------------------------

    def throttle(self, n: int, retry_after: float = 1.0, *, target: FaultTarget = "api") -> None:
        """The next ``n`` matching requests get 429 with ``Retry-After``."""
        self._add_fault(_Fault("status", n, target, 429, retry_after))

    def fail_next(
        self,
        n: int,
        status: int = 503,
        *,
        retry_after: float | None = None,
        target: FaultTarget = "api",
    ) -> None:
        """The next ``n`` matching requests fail with ``status`` and an OData error body."""
        self._add_fault(_Fault("status", n, target, status, retry_after))

    def timeout_next(
        self, n: int, *, delay: float | None = None, target: FaultTarget = "api"
    ) -> None:
        """The next ``n`` matching requests time out (see :class:`SimulatedTimeout`)."""
        wait = self.timeout_delay if delay is None else min(delay, MAX_TIMEOUT_DELAY)
        self._add_fault(_Fault("timeout", n, target, delay=wait))

    def _add_fault(self, fault: _Fault) -> None:
        if fault.remaining < 1:
            raise ValueError(f"fault count must be at least 1, got {fault.remaining}")
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, kind: Kind) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.target in (kind, "any"):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # --- the handler -----------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request; safe to call from many threads at once."""
        request.read()
        token = _TOKEN_PATH.match(request.url.path)
        kind: Kind = "api" if token is None else "token"
        try:
            response = self._fault_response(request, kind) or self._route(request, token)
        except SimulatedTimeout:
            self._record(request, kind, 0)
            raise
        with self._lock:
            self._counters["requests"] += 1
            response.headers["request-id"] = (
                f"00000000-0000-4000-8000-{self._counters['requests']:012d}"
            )
        self._record(request, kind, response.status_code)
        return response

    def _record(self, request: httpx.Request, kind: Kind, status: int) -> None:
        entry = LoggedRequest(
            request.method,
            str(request.url),
            request.url.path,
            dict(request.headers),
            request.content,
            status,
            kind,
        )
        with self._lock:
            self._log.append(entry)
            if kind == "token":
                self._counters["token_requests"] += 1

    def _fault_response(self, request: httpx.Request, kind: Kind) -> httpx.Response | None:
        fault = self._take_fault(kind)
        if fault is None:
            return None
        if fault.kind == "timeout":
            raise SimulatedTimeout(fault.delay, request)
        headers = {} if fault.retry_after is None else {"Retry-After": f"{fault.retry_after:g}"}
        if fault.status == 429:
            code, message = "Application_TooManyRequests", "Too many requests reached."
        else:
            code, message = "Internal_ServerError", f"Simulated failure (HTTP {fault.status})."
        return _odata_error(fault.status, code, message, headers)

    def _route(self, request: httpx.Request, token: re.Match[str] | None) -> httpx.Response:
        if token is not None:
            return self._token_endpoint(request, token["tenant"])
        api = _API_PATH.match(request.url.path)
        if api is None:
            return _odata_error(404, "BadRequest_NotFound", f"No resource at {request.url.path}.")
        denied = self._check_bearer(request)
        if denied is not None:
            return denied
        base = f"{request.url.scheme}://{request.url.netloc.decode()}"
        return self._dispatch_api(request, (base, api["prefix"]), unquote(api["rest"]))

    def _dispatch_api(
        self, request: httpx.Request, origin: tuple[str, str], rest: str
    ) -> httpx.Response:
        for name, pattern in _ROUTES:
            m = pattern.match(rest)
            if m is None:
                continue
            groups = m.groupdict()
            ids = (groups.get(k) or "" for k in ("cid", "id", "op"))
            ctx = _Ctx(request, *origin, *ids)
            handler = self._handlers.get((name, request.method))
            if handler is None:
                return _odata_error(
                    405,
                    "BadRequest_MethodNotAllowed",
                    f"'{request.method}' requests for '{name}' are not supported.",
                )
            with self._lock:
                return handler(ctx)
        return _odata_error(404, "BadRequest_NotFound", f"No resource at '{rest}'.")

    def _handler_table(self) -> dict[tuple[str, str], Callable[[_Ctx], httpx.Response]]:
        return {
            ("companies", "GET"): self._list_companies,
            ("company", "GET"): self._get_company,
            ("customers", "GET"): self._list_customers,
            ("customers", "POST"): self._create_customer,
            ("customer", "GET"): self._get_customer,
            ("customer", "PATCH"): self._update_customer,
            ("customer", "DELETE"): self._delete_customer,
            ("sync_now", "POST"): self._start_sync,
            ("operation", "GET"): self._poll_operation,
        }

    # --- OAuth ------------------------------------------------------------------------

    def _token_endpoint(self, request: httpx.Request, tenant: str) -> httpx.Response:
        if request.method != "POST":
            return _oauth_error(
                405, "invalid_request", "AADSTS900561: The endpoint only accepts POST."
            )
        form = dict(parse_qsl(request.content.decode()))
        problem = self._token_problem(tenant, form)
        if problem is not None:
            return problem
        with self._lock:
            self._counters["tokens"] += 1
            n = self._counters["tokens"]
            salt = uuid.uuid5(uuid.NAMESPACE_URL, f"token/{self.tenant_id}/{self.client_id}/{n}")
            token = f"fake-access-token-{n:06d}-{salt.hex[:8]}"
            self._tokens[token] = self.clock.time() + self.expires_in
        body = {
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "ext_expires_in": self.expires_in,
            "access_token": token,
        }
        return httpx.Response(200, json=body)

    def _token_problem(self, tenant: str, form: Mapping[str, str]) -> httpx.Response | None:
        if tenant != self.tenant_id:
            return _oauth_error(
                400, "invalid_request", f"AADSTS90002: Tenant '{tenant}' not found."
            )
        if form.get("grant_type") != "client_credentials":
            return _oauth_error(
                400,
                "unsupported_grant_type",
                "AADSTS70003: The app requested an unsupported grant type.",
            )
        if form.get("client_id") != self.client_id:
            return _oauth_error(
                400,
                "unauthorized_client",
                f"AADSTS700016: Application '{form.get('client_id')}' was not found.",
            )
        if form.get("client_secret") != self._client_secret:
            return _oauth_error(
                401, "invalid_client", "AADSTS7000215: Invalid client secret provided."
            )
        if not form.get("scope", "").endswith("/.default"):
            return _oauth_error(
                400,
                "invalid_scope",
                "AADSTS1002012: The scope is not valid; use '<resource>/.default'.",
            )
        return None

    def _check_bearer(self, request: httpx.Request) -> httpx.Response | None:
        if not self.require_auth:
            return None
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        with self._lock:
            expires_at = self._tokens.get(token) if scheme.lower() == "bearer" else None
            valid = expires_at is not None and self.clock.time() < expires_at
        if valid:
            return None
        return _odata_error(
            401,
            "Authentication_InvalidCredentials",
            "The server has rejected the client credentials.",
            {"WWW-Authenticate": 'Bearer realm="fake-bc", error="invalid_token"'},
        )

    # --- companies and customers ------------------------------------------------------

    def _list_companies(self, ctx: _Ctx) -> httpx.Response:
        return self._collection(ctx, list(self._companies.values()), "companies")

    def _get_company(self, ctx: _Ctx) -> httpx.Response:
        company = self._companies.get(ctx.cid)
        if company is None:
            return _not_found("Company", ctx.cid)
        return httpx.Response(200, json=dict(company))

    def _list_customers(self, ctx: _Ctx) -> httpx.Response:
        table = self._customers.get(ctx.cid)
        if table is None:
            return _not_found("Company", ctx.cid)
        return self._collection(ctx, [_render(r) for r in table.values()], "customers")

    def _get_customer(self, ctx: _Ctx) -> httpx.Response:
        record = self._customer(ctx)
        if record is None:
            return _not_found("Customer", ctx.id)
        return _entity(200, record)

    def _create_customer(self, ctx: _Ctx) -> httpx.Response:
        table = self._customers.get(ctx.cid)
        if table is None:
            return _not_found("Company", ctx.cid)
        body = _json_body(ctx.request)
        invalid = _invalid_payload(body, creating=True)
        if invalid is not None:
            return invalid
        assert body is not None
        if any(r["number"] == body.get("number") for r in table.values()):
            return _odata_error(
                409,
                "Internal_EntityWithSameKeyExists",
                f"The record already exists: '{body['number']}'.",
            )
        created = self.add_customer(ctx.cid, **body)
        response = _entity(201, table[created["id"]])
        response.headers["Location"] = (
            f"{ctx.api_root}/companies({ctx.cid})/customers({created['id']})"
        )
        return response

    def _update_customer(self, ctx: _Ctx) -> httpx.Response:
        record = self._customer(ctx)
        if record is None:
            return _not_found("Customer", ctx.id)
        refused = _precondition(ctx.request, record, required=True)
        if refused is not None:
            return refused
        body = _json_body(ctx.request)
        invalid = _invalid_payload(body, creating=False)
        if invalid is not None:
            return invalid
        assert body is not None
        record.update(body)
        record["_version"] += 1
        record["lastModifiedDateTime"] = self._now_iso()
        return _entity(200, record)

    def _delete_customer(self, ctx: _Ctx) -> httpx.Response:
        record = self._customer(ctx)
        if record is None:
            return _not_found("Customer", ctx.id)
        refused = _precondition(ctx.request, record, required=False)
        if refused is not None:
            return refused
        del self._customers[ctx.cid][ctx.id]
        return httpx.Response(204)

    def _customer(self, ctx: _Ctx) -> dict[str, Any] | None:
        return self._customers.get(ctx.cid, {}).get(ctx.id)

    # --- the 202 long-running action -----------------------------------------------------

    def _start_sync(self, ctx: _Ctx) -> httpx.Response:
        if self._customer(ctx) is None:
            return _not_found("Customer", ctx.id)
        self._counters["ops"] += 1
        op_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"operation/{self._counters['ops']}"))
        self._operations[op_id] = _Operation(ctx.cid, ctx.id, self.action_polls)
        headers = {
            "Location": self._link(ctx, f"{ctx.prefix}/api/v2.0/operations({op_id})"),
            "Retry-After": f"{self.action_retry_after:g}",
        }
        return httpx.Response(202, headers=headers, json={"id": op_id, "status": "notStarted"})

    def _poll_operation(self, ctx: _Ctx) -> httpx.Response:
        op = self._operations.get(ctx.op)
        if op is None:
            return _not_found("Operation", ctx.op)
        if op.polls_left > 0:
            op.polls_left -= 1
            headers = {"Retry-After": f"{self.action_retry_after:g}"}
            return httpx.Response(202, headers=headers, json={"id": ctx.op, "status": "running"})
        record = self._customers.get(op.company_id, {}).get(op.customer_id)
        result = {
            "id": ctx.op,
            "status": "succeeded",
            "customerId": op.customer_id,
            "customerNumber": record["number"] if record else None,
        }
        return httpx.Response(200, json=result)

    # --- collections and paging -------------------------------------------------------------

    def _collection(self, ctx: _Ctx, items: list[dict[str, Any]], entity: str) -> httpx.Response:
        params = ctx.request.url.params
        try:
            items = _apply_filter(items, params.get("$filter"))
            skip = _int_param(params.get("$skip"), default=0)
            top = _int_param(params.get("$top"), default=len(items))
            offset = _int_param(params.get("$skiptoken"), default=0)
        except ValueError as exc:
            return _odata_error(400, "BadRequest", str(exc))
        items = items[skip:][:top]  # OData applies $skip, then $top (v2.1 paged this way)
        size = _max_page_size(ctx.request, self.page_size)
        page = [_select(item, params.get("$select")) for item in items[offset : offset + size]]
        body: dict[str, Any] = {
            "@odata.context": f"{ctx.api_root}/$metadata#{entity}",
            "value": page,
        }
        if offset + size < len(items):
            body["@odata.nextLink"] = self._link(
                ctx, _with_skiptoken(ctx.request.url, offset + size)
            )
        return httpx.Response(200, json=body)

    def _link(self, ctx: _Ctx, path_and_query: str) -> str:
        """An absolute link on the requesting origin, or server-relative when configured."""
        return ctx.base + path_and_query if self.absolute_links else path_and_query

    def _now_iso(self) -> str:
        return datetime.fromtimestamp(self.clock.time(), UTC).isoformat().replace("+00:00", "Z")


# --- helpers (pure functions) --------------------------------------------------------------


def _render(record: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in record.items() if not k.startswith("_")}
    out["@odata.etag"] = _etag(record)
    return out


def _etag(record: Mapping[str, Any]) -> str:
    return f'W/"JzE5OzE{record["id"][:8]}{record["_version"]:04d}Jw=="'


def _entity(status: int, record: Mapping[str, Any]) -> httpx.Response:
    return httpx.Response(status, headers={"ETag": _etag(record)}, json=_render(record))


def _precondition(
    request: httpx.Request, record: Mapping[str, Any], *, required: bool
) -> httpx.Response | None:
    if_match = request.headers.get("If-Match")
    if if_match is None:
        if not required:
            return None
        return _odata_error(
            400,
            "BadRequest",
            "Could not validate the client concurrency token required by the service. "
            "Please provide a valid token in the client request.",
        )
    if if_match in ("*", _etag(record)):
        return None
    return _odata_error(
        412, "Request_EntityChanged", "Another user has already changed the record."
    )


def _json_body(request: httpx.Request) -> dict[str, Any] | None:
    try:
        body = json.loads(request.content or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _invalid_payload(body: dict[str, Any] | None, *, creating: bool) -> httpx.Response | None:
    if body is None:
        return _odata_error(400, "BadRequest", "The request body must be a JSON object.")
    read_only = sorted(_READ_ONLY.intersection(body))
    if read_only:
        return _odata_error(400, "BadRequest", f"The property '{read_only[0]}' is read-only.")
    bad = sorted(k for k in body if k.startswith(("@", "_")))
    if bad:
        return _odata_error(400, "BadRequest_PropertyNotFound", f"Unknown property '{bad[0]}'.")
    if creating and not str(body.get("displayName") or "").strip():
        return _odata_error(400, "BadRequest", "The field displayName is required.")
    return None


def _apply_filter(items: list[dict[str, Any]], expression: str | None) -> list[dict[str, Any]]:
    """Support ``field eq 'text'`` / ``field eq 42`` terms joined by ``and``."""
    if not expression:
        return items
    terms: list[tuple[str, str]] = []
    for part in re.split(r"\s+and\s+", expression.strip()):
        m = _FILTER_TERM.match(part)
        if m is None:
            raise ValueError(
                f"Invalid $filter term: {part!r} (the fake supports: field eq 'value')."
            )
        value = m["text"].replace("''", "'") if m["text"] is not None else m["raw"]
        terms.append((m["field"], value))
    return [item for item in items if all(_as_text(item.get(f)) == v for f, v in terms)]


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _select(item: dict[str, Any], select: str | None) -> dict[str, Any]:
    if not select:
        return item
    wanted = {s.strip() for s in select.split(",")} | {"id", "@odata.etag"}
    return {k: v for k, v in item.items() if k in wanted}


def _int_param(value: str | None, *, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit():
        raise ValueError(f"Expected a non-negative integer, got {value!r}.")
    return int(value)


def _max_page_size(request: httpx.Request, default: int) -> int:
    m = re.search(r"odata\.maxpagesize=(\d+)", request.headers.get("Prefer", ""))
    return max(1, min(int(m[1]), default)) if m else default


def _with_skiptoken(url: httpx.URL, offset: int) -> str:
    """The request's own path and query with ``$skiptoken`` replaced (``$`` kept literal)."""
    query = url.query.decode()
    kept = [p for p in query.split("&") if p and not p.startswith(("$skiptoken=", "%24skiptoken="))]
    kept.append(f"$skiptoken={offset}")
    return f"{url.raw_path.decode().split('?')[0]}?{'&'.join(kept)}"


def _not_found(entity: str, key: str) -> httpx.Response:
    return _odata_error(
        404,
        "BadRequest_NotFound",
        f"The {entity} does not exist. Identification fields and values: Id='{key}'",
    )


def _odata_error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(
        status, headers=headers, json={"error": {"code": code, "message": message}}
    )


def _oauth_error(status: int, error: str, description: str) -> httpx.Response:
    body = {"error": error, "error_description": description, "error_codes": [0]}
    return httpx.Response(status, json=body)
