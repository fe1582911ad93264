"""Config load + validation and ``DataHandler`` save/load against doing it by hand.

Two targets, measured as scripts run them (a real ``DataHandler``, default
options, 100k rows) on minimal rows (two fields) and realistic ones (an API
customer record: a dozen typed fields, one nested address):

- JSON save ≤ 1.3x the stdlib ``json.dump`` of the same data to a file
  (``indent=2, ensure_ascii=False``, as txo and v2.1 write it); txo also
  writes atomically (temp file, fsync, rename) and checks the value first;
- CSV default load (a list of dicts, every row checked against the header)
  ≤ 1.5x the same handler's DataFrame load (also checked); pandas'
  ``read_csv`` alone is reported beside them as a floor.

The other ratios are informational (DESIGN.md sets no limit for them): they
show what the helpful errors, schema compilation, atomic writes and codec
dispatch cost over calling json / jsonschema / pandas directly.
Under ``--benchmark-disable`` the row counts shrink so ``make test`` stays quick.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tools.bench import (
    BASELINE,
    FLOOR,
    GROUP_CONFIG,
    GROUP_CSV_LOAD_MINIMAL,
    GROUP_CSV_LOAD_REALISTIC,
    GROUP_DATA_CSV,
    GROUP_DATA_JSON,
    GROUP_JSON_SAVE_MINIMAL,
    GROUP_JSON_SAVE_REALISTIC,
    SUBJECT,
    tag,
)
from txo.config import ConfigLoader
from txo.data import DataHandler
from txo.paths import Dir, ProjectPaths
from txo.testing.plugin import TxoProject

BENCH_ROWS, QUICK_ROWS, ROUNDS = 100_000, 2_000, 5

ROWS = [
    {"id": i, "number": f"C{i:05d}", "name": f"Customer {i}", "balance": i * 1.25, "ok": i % 2 == 0}
    for i in range(500)
]


@pytest.mark.parametrize("role", [SUBJECT, BASELINE])
def test_config_load_and_validate(benchmark: Any, txo_project: TxoProject, role: str) -> None:
    tag(benchmark, GROUP_CONFIG, role)

    def with_loader() -> dict[str, Any]:
        loaded = ConfigLoader(txo_project.paths).load(txo_project.org_id, txo_project.env_type)
        return loaded.config.to_dict()

    def by_hand() -> dict[str, Any]:
        schema_file = resources.files("txo.config").joinpath(
            "schemas", "org-env-config-schema.json"
        )
        schema = json.loads(schema_file.read_text("utf-8"))
        data: dict[str, Any] = json.loads(txo_project.config_file.read_text("utf-8"))
        Draft202012Validator(schema).validate(data)
        secrets = json.loads(txo_project.secrets_file.read_text("utf-8"))
        data.update({"_" + k.replace("-", "_"): v for k, v in secrets.items()})
        return data

    config = benchmark(with_loader if role == SUBJECT else by_hand)
    assert config["global"]["tenant-id"] == "fake-tenant"
    assert config["_client_secret"] == "fake-client-secret-value"


@pytest.mark.parametrize("role", [SUBJECT, BASELINE])
def test_data_json_save_load(benchmark: Any, tmp_path: Path, role: str) -> None:
    tag(benchmark, GROUP_DATA_JSON, role)
    handler = DataHandler(ProjectPaths(tmp_path))
    direct = tmp_path / "direct" / "rows.json"
    direct.parent.mkdir()

    def with_handler() -> Any:
        handler.save(ROWS, Dir.OUTPUT, "rows.json")
        return handler.load(Dir.OUTPUT, "rows.json")

    def by_hand() -> Any:
        direct.write_text(json.dumps(ROWS, indent=2, ensure_ascii=False), encoding="utf-8")
        return json.loads(direct.read_text(encoding="utf-8"))

    assert benchmark(with_handler if role == SUBJECT else by_hand) == ROWS


@pytest.mark.parametrize("role", [SUBJECT, BASELINE])
def test_data_csv_dataframe_save_load(benchmark: Any, tmp_path: Path, role: str) -> None:
    pd = pytest.importorskip("pandas")
    tag(benchmark, GROUP_DATA_CSV, role)
    frame = pd.DataFrame(ROWS)
    handler = DataHandler(ProjectPaths(tmp_path))
    direct = tmp_path / "direct.csv"

    def with_handler() -> Any:
        handler.save(frame, Dir.OUTPUT, "frame.csv")
        return handler.load(Dir.OUTPUT, "frame.csv", as_dataframe=True)

    def by_hand() -> Any:
        frame.to_csv(direct, index=False)
        return pd.read_csv(direct)

    loaded = benchmark(with_handler if role == SUBJECT else by_hand)
    assert loaded.shape == frame.shape
    assert list(loaded["number"]) == list(frame["number"])


# --- the targets, as users run them -------------------------------------------------


def _minimal_row(i: int) -> dict[str, Any]:
    return {"id": i, "name": f"Customer {i}"}


def _realistic_row(i: int) -> dict[str, Any]:
    return {
        "id": f"{i:08x}-5d1e-ef11-9f88-6045bdc8c5{i % 100:02d}",
        "number": f"C{i:05d}",
        "displayName": f"Customer {i} Ltd.",
        "type": "Company",
        "address": {"street": f"{i} Main Street", "city": "Antwerpen", "postalCode": "2000"},
        "phoneNumber": f"+32 3 555 {i % 10_000:04d}",
        "email": f"ap{i}@example.com",
        "currencyCode": "EUR",
        "taxLiable": i % 3 == 0,
        "blocked": "" if i % 17 else "Ship",
        "creditLimit": (i % 50) * 1000,
        "balanceDue": round(i * 12.37, 2),
        "lastModifiedDateTime": f"2024-05-{i % 28 + 1:02d}T08:{i % 60:02d}:00Z",
    }


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    address = row.pop("address", None)
    return {**row, **address} if isinstance(address, dict) else row


SHAPES = {"minimal": _minimal_row, "realistic": _realistic_row}
JSON_GROUPS = {"minimal": GROUP_JSON_SAVE_MINIMAL, "realistic": GROUP_JSON_SAVE_REALISTIC}
CSV_GROUPS = {"minimal": GROUP_CSV_LOAD_MINIMAL, "realistic": GROUP_CSV_LOAD_REALISTIC}


def _rows(request: pytest.FixtureRequest, shape: str) -> list[dict[str, Any]]:
    count = QUICK_ROWS if request.config.getoption("benchmark_disable") else BENCH_ROWS
    return [SHAPES[shape](i) for i in range(count)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("role", [SUBJECT, BASELINE])
def test_json_save_vs_stdlib_json_dump(
    benchmark: Any, request: pytest.FixtureRequest, tmp_path: Path, shape: str, role: str
) -> None:
    tag(benchmark, JSON_GROUPS[shape], role)
    rows = _rows(request, shape)
    handler = DataHandler(ProjectPaths(tmp_path))
    direct = tmp_path / "direct.json"

    def with_handler() -> Path:
        return handler.save(rows, Dir.OUTPUT, "rows.json")

    def by_hand() -> Path:
        with direct.open("w", encoding="utf-8") as stream:
            json.dump(rows, stream, indent=2, ensure_ascii=False)
        return direct

    run = with_handler if role == SUBJECT else by_hand
    written = benchmark.pedantic(run, rounds=ROUNDS, warmup_rounds=1)
    assert json.loads(written.read_text(encoding="utf-8")) == rows


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("role", [SUBJECT, BASELINE, FLOOR])
def test_csv_default_load_vs_dataframe_load(
    benchmark: Any, request: pytest.FixtureRequest, tmp_path: Path, shape: str, role: str
) -> None:
    pd = pytest.importorskip("pandas")
    tag(benchmark, CSV_GROUPS[shape], role)
    rows = [_flat(row) for row in _rows(request, shape)]
    handler = DataHandler(ProjectPaths(tmp_path))
    path = handler.save(rows, Dir.DATA, "rows.csv")

    def default_load() -> int:
        return len(handler.load(Dir.DATA, "rows.csv"))

    def dataframe_load() -> int:
        return len(handler.load(Dir.DATA, "rows.csv", as_dataframe=True))

    def pandas_alone() -> int:
        return len(pd.read_csv(path))

    run = {SUBJECT: default_load, BASELINE: dataframe_load, FLOOR: pandas_alone}[role]
    assert benchmark.pedantic(run, rounds=ROUNDS, warmup_rounds=1) == len(rows)
