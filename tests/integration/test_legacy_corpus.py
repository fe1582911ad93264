"""Every legacy corpus script runs unchanged under ``python -m txo.compat``.

For each entry of migration/legacy/expectations.json: copy the corpus to a
temporary folder, point its configs at the fake Business Central API on
loopback, run the script in a subprocess and compare the exit code, the
output files (content), the exact set of deprecation warnings and key log
lines; no secret from the corpus configs may appear in any stream or file.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.server import LoopbackServer

CORPUS = Path(__file__).resolve().parents[2] / "migration" / "legacy"
EXPECTATIONS = json.loads((CORPUS / "expectations.json").read_text(encoding="utf-8"))
PLACEHOLDER = "{{FAKE_BC_URL}}"
WARNING_LINE = re.compile(r"TxoV\d+RemovalWarning: (utils[\w.]*) is deprecated")
TOKEN_PREFIX = "fake-access-token-"

pytestmark = pytest.mark.loopback


@dataclass
class Run:
    root: Path
    result: subprocess.CompletedProcess[str]
    fake: FakeBusinessCentral

    @property
    def streams(self) -> str:
        logs = "".join(p.read_text(encoding="utf-8") for p in (self.root / "logs").glob("*.log"))
        return self.result.stdout + self.result.stderr + logs


def _case_id(case: dict[str, Any]) -> str:
    return Path(case["script"]).stem + (
        "-" + "-".join(case["args"][2:]) if case["args"][2:] else ""
    )


def _new_fake() -> FakeBusinessCentral:
    spec = EXPECTATIONS["fake_bc"]
    fake = FakeBusinessCentral(
        tenant_id=spec["tenant_id"],
        client_id=spec["client_id"],
        client_secret=spec["client_secret"],
    )
    for token in spec["accept_tokens"]:
        fake.accept_token(token)
    return fake


def _copy_corpus(target: Path, base_url: str) -> Path:
    shutil.copytree(CORPUS, target, ignore=shutil.ignore_patterns("expectations.json", "*.md"))
    for config in (target / "config").glob("*.json"):
        config.write_text(config.read_text(encoding="utf-8").replace(PLACEHOLDER, base_url))
    return target


def _env(base_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PROJECT_ROOT", "TXO_WARN_V21")}
    env.pop("PYTHONWARNINGS", None)
    env.update({k: v.replace(PLACEHOLDER, base_url) for k, v in EXPECTATIONS["env"].items()})
    env.update(extra or {})
    return env


def run_case(case: dict[str, Any], tmp: Path, env_extra: dict[str, str] | None = None) -> Run:
    fake = _new_fake()
    setup = case.get("fake_setup", {})
    if "fail_next" in setup:
        fake.fail_next(*setup["fail_next"])
    with LoopbackServer(fake.handle) as server:
        root = _copy_corpus(tmp / "project", server.url)
        result = subprocess.run(
            [sys.executable, "-m", "txo.compat", case["script"], *case["args"]],
            cwd=root,
            env=_env(server.url, env_extra),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    return Run(root, result, fake)


def _secrets() -> set[str]:
    values = {EXPECTATIONS["fake_bc"]["client_secret"], *EXPECTATIONS["fake_bc"]["accept_tokens"]}
    for file in (CORPUS / "config").glob("*-secrets.json"):
        values.update(str(v) for v in json.loads(file.read_text(encoding="utf-8")).values())
    return values


def _actual_output(path: Path, kind: str) -> Any:
    if kind == "text":
        return path.read_text(encoding="utf-8")
    if kind == "gzip_text":
        return gzip.decompress(path.read_bytes()).decode("utf-8")
    if kind == "hex":
        return path.read_bytes().hex()
    import pandas as pd

    return json.loads(pd.read_excel(path).to_json(orient="records"))


def _output_files(root: Path) -> Iterator[str]:
    for path in sorted((root / "output").rglob("*")) if (root / "output").exists() else []:
        if path.is_file() and "_backup_" not in path.name:
            yield str(path.relative_to(root))


@pytest.fixture(scope="module", params=EXPECTATIONS["scripts"], ids=_case_id)
def corpus_run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], Run]:
    """Each script runs once; the four checks below inspect the same run."""
    return request.param, run_case(request.param, tmp_path_factory.mktemp("corpus"))


def test_exit_code(corpus_run: tuple[dict[str, Any], Run]) -> None:
    case, run = corpus_run
    assert run.result.returncode == case["exit_code"], run.result.stderr[-3000:]


def test_output_files_content(corpus_run: tuple[dict[str, Any], Run]) -> None:
    case, run = corpus_run
    assert sorted(_output_files(run.root)) == sorted(case["outputs"])
    for name, expected in case["outputs"].items():
        ((kind, content),) = expected.items()
        assert _actual_output(run.root / name, kind) == content, name


def test_exact_warnings(corpus_run: tuple[dict[str, Any], Run]) -> None:
    case, run = corpus_run
    assert sorted(set(WARNING_LINE.findall(run.result.stderr))) == case["warnings"]


def test_log_lines_and_no_secret_leaks(corpus_run: tuple[dict[str, Any], Run]) -> None:
    case, run = corpus_run
    streams = run.streams
    for line in case["log_contains"]:
        assert line in streams
    outputs = "".join((run.root / n).read_text(errors="replace") for n in _output_files(run.root))
    for secret in _secrets():
        assert secret not in streams, f"secret leaked into a log or stream: {secret[:6]}…"
        assert secret not in outputs, f"secret leaked into an output file: {secret[:6]}…"
    assert TOKEN_PREFIX not in streams + outputs


def test_every_v21_module_is_covered() -> None:
    used = {w.split(".")[1] for case in EXPECTATIONS["scripts"] for w in case["warnings"]}
    package_names = {"HelpfulError", "TxoDataHandler", "create_rest_api"}
    assert {
        "path_helpers", "logger", "exceptions", "load_n_save", "config_loader", "script_runner",
        "oauth_helpers", "api_common", "rate_limit_manager", "rest_api_helpers", "api_factory",
        "concurrency", "url_helpers",
    } <= used  # fmt: skip
    assert used & package_names, "a script imports from the package itself (from utils import …)"
    assert len({case["script"] for case in EXPECTATIONS["scripts"]}) >= 12


def test_paging_follows_next_links(tmp_path: Path) -> None:
    case = next(c for c in EXPECTATIONS["scripts"] if "03_rest_read" in c["script"])
    run = run_case(case, tmp_path)
    pages = [r for r in run.fake.api_requests if "skiptoken" in r.url]
    assert run.result.returncode == 0
    assert len(pages) >= 2  # 5 customers in pages of 2


def test_strict_mode_turns_warnings_into_errors(tmp_path: Path) -> None:
    case = EXPECTATIONS["scripts"][0]
    run = run_case(case, tmp_path, {"TXO_WARN_V21": "error"})
    assert run.result.returncode == 1
    assert "TxoV4RemovalWarning" in run.result.stderr
    assert not (run.root / "output").exists()
