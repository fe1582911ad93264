"""run_script hands the HTTP stack the run's own services: its redactor, one coordination."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from txo.container import Container
from txo.errors import ApiError
from txo.runner import HTTP_TRANSPORT, ScriptContext, run_script
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.plugin import MakeProject

FAST = {"script-behavior": {"jitter": {"min-factor": 1.0, "max-factor": 1.0}}}
LEGACY_PATTERNS = Path(__file__).parents[2] / "migration" / "legacy" / "config"


def _run(project: Any, transport: httpx.BaseTransport, main: Any, **kw: Any) -> int:
    def configure(container: Container) -> None:
        container.register_value(HTTP_TRANSPORT, transport)

    return run_script(
        main, "services test", argv=project.argv(), root=str(project.root), configure=configure,
        environ={}, stderr=io.StringIO(), **kw,
    )  # fmt: skip


def test_http_errors_pass_through_the_projects_own_patterns(
    make_txo_project: MakeProject, fake_bc: FakeBusinessCentral
) -> None:
    """A project pattern (employee numbers) hides them in API error messages, not only in logs."""
    project = make_txo_project(overrides=FAST)
    shutil.copy(LEGACY_PATTERNS / "log-redaction-patterns.json", project.root / "config")

    def handler(request: httpx.Request) -> httpx.Response:
        if "oauth2" in request.url.path or request.url.path.endswith("/token"):
            return fake_bc.handle(request)
        return httpx.Response(400, json={"error": {"message": "Employee EMP-123456 is locked"}})

    seen: dict[str, str] = {}

    def main(ctx: ScriptContext) -> None:
        with pytest.raises(ApiError) as caught:
            ctx.api().get(fake_bc.customers_url())
        seen["message"] = str(caught.value)

    assert _run(project, httpx.MockTransport(handler), main) == 0
    assert "is locked" in seen["message"]  # the error still says what happened
    assert "EMP-123456" not in seen["message"]


def test_a_fleet_backend_that_is_down_warns_once_per_run(
    make_txo_project: MakeProject, fake_bc: FakeBusinessCentral, tmp_path: Path
) -> None:
    """Token and API client share the run's coordination: one warning, not one per client."""
    down = {"backend": "redis", "redis-url": "redis://127.0.0.1:1/0", "timeout-seconds": 0.2}
    project = make_txo_project(
        overrides={"script-behavior": {**FAST["script-behavior"], "coordination": down}}
    )

    def main(ctx: ScriptContext) -> None:
        assert ctx.token
        assert len(ctx.api().get_all(fake_bc.customers_url())) == 5

    assert _run(project, httpx.MockTransport(fake_bc.handle), main, require_token=True) == 0
    log = "".join(p.read_text() for p in (project.root / "logs").glob("*.log"))
    assert log.count("Coordination backend redis is unavailable") == 1, log
    assert fake_bc.token_requests == 1
