"""Cold start: ``import txo`` vs ``import httpx``, each in fresh interpreters.

Each round starts a new interpreter.  The ``floor`` (an interpreter that
imports nothing) is subtracted from both sides by the report, so the ratio
is import cost over import cost, not interpreter start-up.  The heavy
optional packages must stay unimported after ``import txo``.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from tools.bench import BASELINE, FLOOR, GROUP_IMPORT, SUBJECT, tag

ROUNDS = 25
LAZY = ("pandas", "openpyxl", "yaml", "libcst", "txo.compat", "httpx", "jsonschema")
CASES = {SUBJECT: "import txo", BASELINE: "import httpx", FLOOR: "pass"}


def _fresh_interpreter(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def test_import_txo_leaves_heavy_packages_unimported() -> None:
    probe = "import sys, txo; print(' '.join(sorted(sys.modules)))"
    loaded = set(_fresh_interpreter(probe).split())
    assert "txo" in loaded
    assert not [name for name in LAZY if name in loaded]


@pytest.mark.parametrize("role", [SUBJECT, BASELINE, FLOOR])
def test_cold_import(benchmark: Any, role: str) -> None:
    code = CASES[role] + "; print('ok')"
    _fresh_interpreter(code)  # warm the bytecode caches outside the measurement
    tag(benchmark, GROUP_IMPORT, role)
    out = benchmark.pedantic(_fresh_interpreter, args=(code,), rounds=ROUNDS, warmup_rounds=1)
    assert out.strip() == "ok"
