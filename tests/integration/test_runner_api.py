"""run_script wires the HTTP stack: require_token, ctx.api(), one token cache per run."""

from __future__ import annotations

import io
from typing import Any

import httpx

from txo.container import Container
from txo.runner import HTTP_TRANSPORT, SESSION_POOL, ScriptContext, run_script
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.plugin import MakeProject

FAST = {"script-behavior": {"jitter": {"min-factor": 1.0, "max-factor": 1.0}}}


def _run(project: Any, fake: FakeBusinessCentral, main: Any, **kw: Any) -> tuple[int, str]:
    def configure(container: Container) -> None:
        container.register_value(HTTP_TRANSPORT, httpx.MockTransport(fake.handle))

    stderr = io.StringIO()
    code = run_script(
        main, "API test", argv=project.argv(), root=str(project.root), configure=configure,
        environ={}, stderr=stderr, **kw,
    )  # fmt: skip
    return code, stderr.getvalue()


def test_require_token_fetches_once_and_api_reuses_it(
    make_txo_project: MakeProject, fake_bc: FakeBusinessCentral
) -> None:
    project = make_txo_project(overrides=FAST)
    seen: dict[str, Any] = {}

    def main(ctx: ScriptContext) -> None:
        seen["token"] = ctx.token
        seen["customers"] = ctx.api().get_all(fake_bc.customers_url())
        seen["same_client"] = ctx.api() is ctx.api()

    code, _ = _run(project, fake_bc, main, require_token=True)
    assert code == 0
    assert seen["token"] and seen["token"].startswith("fake-access-token-")
    assert len(seen["customers"]) == 5 and seen["same_client"]
    assert fake_bc.token_requests == 1  # the runner's token is the API client's token


def test_pre_issued_az_token_wins(
    make_txo_project: MakeProject, fake_bc: FakeBusinessCentral
) -> None:
    fake_bc.accept_token("pre-issued-token-abcdef")
    secrets = {"client-secret": "fake-client-secret-value", "az-token": "pre-issued-token-abcdef"}
    project = make_txo_project(overrides=FAST, secrets=secrets)
    seen: dict[str, Any] = {}

    def main(ctx: ScriptContext) -> None:
        seen["token"] = ctx.token
        seen["companies"] = ctx.api().get_all(fake_bc.api_root() + "/companies")

    assert _run(project, fake_bc, main, require_token=True)[0] == 0
    assert seen["token"] == "pre-issued-token-abcdef"
    assert len(seen["companies"]) == 1 and fake_bc.token_requests == 0


def test_missing_oauth_config_is_a_helpful_exit_1(
    make_txo_project: MakeProject, fake_bc: FakeBusinessCentral
) -> None:
    project = make_txo_project(overrides=FAST, write_secrets=False)
    code, _ = _run(project, fake_bc, lambda ctx: None, require_token=True)
    assert code == 1
    log = "".join(p.read_text() for p in (project.root / "logs").glob("*.log"))
    assert "client-secret" in log or "_client_secret" in log
    assert "Fix:" in log


def test_api_errors_exit_1_without_leaking_the_token(
    make_txo_project: MakeProject, fake_bc: FakeBusinessCentral
) -> None:
    project = make_txo_project(overrides=FAST)
    seen: dict[str, Any] = {}

    def main(ctx: ScriptContext) -> None:
        seen["token"] = ctx.token
        ctx.api().get(fake_bc.customers_url() + "(00000000-0000-0000-0000-000000000000)")

    code, _ = _run(project, fake_bc, main, require_token=True)
    assert code == 1
    log = "".join(p.read_text() for p in (project.root / "logs").glob("*.log"))
    assert "404" in log and "Problem:" in log
    assert seen["token"] not in log


def test_the_api_client_uses_the_runs_session_pool(
    make_txo_project: MakeProject, fake_bc: FakeBusinessCentral
) -> None:
    """One pool per run: its size setting applies to ctx.api(), and the runner closes it."""
    project = make_txo_project(overrides=FAST)
    seen: dict[str, Any] = {}

    def main(ctx: ScriptContext) -> None:
        pool = ctx.container.get(SESSION_POOL)
        ctx.api().get_all(fake_bc.customers_url())
        seen["pool"], seen["open"] = pool, pool.stats.open

    assert _run(project, fake_bc, main)[0] == 0
    assert seen["open"] >= 1  # the client's sessions live in the run's pool
    assert seen["pool"].closed and seen["pool"].stats.open == 0


def test_the_token_is_redacted_when_a_script_logs_it(
    make_txo_project: MakeProject, fake_bc: FakeBusinessCentral
) -> None:
    project = make_txo_project(overrides=FAST)
    seen: dict[str, str] = {}

    def main(ctx: ScriptContext) -> None:
        assert ctx.token is not None
        seen["token"] = ctx.token
        ctx.logger.info("using %s", ctx.token)

    assert _run(project, fake_bc, main, require_token=True)[0] == 0
    log = "".join(p.read_text() for p in (project.root / "logs").glob("*.log"))
    assert "using [REDACTED]" in log
    assert seen["token"] not in log
