"""``txo-migrate check`` vs a bare ``ast.parse`` of the same files.

The tree is generated: v2.1-style scripts (``config.get`` chains,
``sys.exit`` outside an entry point, module-level caches, secrets in log
f-strings, long functions) of ~200 lines each.  The subject runs the real
command line in-process, single worker (``--jobs 1``: the engine's cost,
not process-pool start-up), with the JSON report written to a file; the
baseline reads and parses every file.  Target: median ≤ 3x.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from tools.bench import BASELINE, GROUP_MIGRATE, SUBJECT, tag
from txo.migrate.cli import main as txo_migrate

FILES = 40
ROUNDS = 20  # ~0.1 s per round: the default time budget would give only ~10 rounds
HELPERS_PER_FILE = 8

_HEAD = '''"""Generated legacy script {n}: reads customers, transforms, writes a report."""
import logging
import sys

from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger

logger = setup_logger()
CACHE = {{}}
SEEN = []


def load_settings(config):
    url = config.get("global", {{}}).get("api-base-url")
    timeout = config["script-behavior"]["api-timeouts"]["rest-timeout-seconds"]
    retries = config.get("script-behavior", {{}}).get("retry-strategy", {{}}).get("max-retries", 3)
    return url, timeout, retries


class Processor{n}:
    """Turns raw rows into report rows."""

    def __init__(self, config, token):
        self.config = config
        self.token = token
        self.rows = []

    def process(self, rows):
        out = []
        for row in rows:
            if row.get("blocked"):
                continue
            total = sum(value * 2 for value in row.get("values", []) if value > 0)
            name = f"{{row['name']}}-{{len(out)}}"
            out.append({{"id": row["id"], "total": total, "name": name}})
        logger.info(f"Processed with token {{self.token}}")
        return out
'''

_HELPER = '''

def step_{k}(rows, config, data_handler):
    """Step {k}: filter, enrich and save."""
    limit = config.get("batch-handling", {{}}).get("read-batch-size", 20)
    kept = [r for r in rows if r.get("score", 0) > {k}]
    lookup = {{r["id"]: r for r in kept}}
    for key, row in lookup.items():
        row["rank"] = key % ({k} + 3)
        if row["rank"] > limit:
            CACHE[key] = row
        elif row["rank"] == {k}:
            SEEN.append(key)
        else:
            try:
                row["ratio"] = row["total"] / row["rank"]
            except ZeroDivisionError:
                logger.warning("Zero rank for %s", key)
    data_handler.save(kept, "output", f"step_{k}.json")
    return kept
'''

_TAIL = """

def main():
    config = {{"global": {{}}}}
    try:
        url, timeout, retries = load_settings(config)
        rows = [{{"id": i, "name": "c", "values": [i, -i]}} for i in range(10)]
        data_handler = TxoDataHandler()
        for step in (step_0, step_1):
            rows = step(rows, config, data_handler)
        logger.info("Done %s %s %s", url, timeout, retries)
    except Exception as exc:
        logger.error(f"Failed: {{exc}}")
        sys.exit(1)


if __name__ == "__main__":
    main()
"""


def legacy_script(n: int) -> str:
    helpers = "".join(_HELPER.format(k=k) for k in range(HELPERS_PER_FILE))
    return _HEAD.format(n=n) + helpers + _TAIL.format()


@pytest.fixture(scope="module")
def legacy_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("legacy-tree")
    for n in range(FILES):
        folder = root / f"package_{n % 4}"
        folder.mkdir(exist_ok=True)
        (folder / f"script_{n:03d}.py").write_text(legacy_script(n), encoding="utf-8")
    return root


def _parse_all(root: Path) -> int:
    """Read and parse every file, one tree alive at a time (as the checker holds them)."""
    parsed = 0
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        parsed += isinstance(tree, ast.Module)
    return parsed


@pytest.mark.parametrize("role", [SUBJECT, BASELINE])
def test_migrate_check_vs_ast_parse(
    benchmark: Any, legacy_tree: Path, tmp_path: Path, role: str
) -> None:
    tag(benchmark, GROUP_MIGRATE, role)
    if role == BASELINE:
        assert (
            benchmark.pedantic(_parse_all, (legacy_tree,), rounds=ROUNDS, warmup_rounds=1) == FILES
        )
        return
    report = tmp_path / "report.json"
    argv = ["check", str(legacy_tree), "--jobs", "1", "--no-progress", "--root", str(legacy_tree)]
    argv += ["--output-format", "json", "-o", str(report)]
    assert benchmark.pedantic(txo_migrate, (argv,), rounds=ROUNDS, warmup_rounds=1) == 1
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    assert summary["files_checked"] == FILES
    assert summary["errors"] == []
    assert summary["by_code"].get("TXO101", 0) >= FILES  # config.get on configuration
    assert summary["by_code"].get("TXO201", 0) >= FILES  # sys.exit outside an entry point
