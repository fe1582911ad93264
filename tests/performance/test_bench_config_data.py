"""Config load + validation and ``DataHandler`` save/load against doing it by hand.

Informational ratios (DESIGN.md sets no limit for them): they show what the
helpful errors, schema compilation, atomic writes (temp file, fsync, rename)
and codec dispatch cost over calling json / jsonschema / pandas directly on
the same data.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tools.bench import BASELINE, GROUP_CONFIG, GROUP_DATA_CSV, GROUP_DATA_JSON, SUBJECT, tag
from txo.config import ConfigLoader
from txo.data import DataHandler
from txo.paths import Dir, ProjectPaths
from txo.testing.plugin import TxoProject

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
