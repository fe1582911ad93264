"""The report builders of ``make bench`` and ``make memory``, on synthetic data."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest

from tools import bench
from tools.bench import BASELINE, FLOOR, SUBJECT, Target, evaluate
from tools.memory import MemoryScale, heap_growth, request_leak_filter


def _bench(group: str, role: str, median: float, minimum: float | None = None) -> dict[str, Any]:
    return {
        "group": group,
        "name": f"test_{group}[{role}]",
        "fullname": f"tests/performance/x.py::test_{group}[{role}]",
        "extra_info": {"role": role},
        "stats": {"median": median, "min": median if minimum is None else minimum},
    }


def _run(*benches: dict[str, Any]) -> dict[str, Any]:
    return {
        "benchmarks": list(benches),
        "machine_info": {"node": "box", "cpu": {"brand_raw": "CPU", "count": 2}},
        "commit_info": {"id": "abc123", "dirty": True},
        "datetime": "2026-01-01T00:00:00",
    }


def test_evaluate_ratios_verdicts_and_floor() -> None:
    targets = (
        Target("a", "A", 1.15),
        Target("b", "B", 1.0, strict=True),
        Target("c", "C", 1.3, net_of_floor=True, stat="min"),
        Target("d", "D", None),
        Target("e", "E", 3.0),
    )
    run = _run(
        _bench("a", SUBJECT, 1.2),
        _bench("a", BASELINE, 1.0),
        _bench("b", SUBJECT, 1.0),
        _bench("b", BASELINE, 1.0),
        _bench("c", SUBJECT, 99.0, minimum=0.030),
        _bench("c", BASELINE, 99.0, minimum=0.070),
        _bench("c", FLOOR, 99.0, minimum=0.020),
        _bench("d", SUBJECT, 2.0),
        _bench("d", BASELINE, 1.0),
    )
    a, b, c, d, e = evaluate(run, targets)
    assert (a.verdict, round(a.ratio or 0, 6)) == ("FAIL", 1.2)
    assert b.verdict == "FAIL"  # strict: equal is not "beats"
    assert c.verdict == "PASS" and c.ratio == pytest.approx(0.2)  # (30-20)/(70-20)
    assert (d.verdict, d.ratio) == ("INFO", 2.0)
    assert (e.verdict, e.ratio) == (
        "MISSING",
        None,
    )  # a target with a limit that was not run is a miss


def test_write_report_summary_chart_and_comparison(tmp_path: Path) -> None:
    previous = _run(
        _bench("logging-redaction", SUBJECT, 2.0), _bench("logging-redaction", BASELINE, 2.0)
    )
    now = _run(
        _bench("logging-redaction", SUBJECT, 1.1), _bench("logging-redaction", BASELINE, 1.0)
    )
    old_file, new_file = tmp_path / "0001_a.json", tmp_path / "0002_b.json"
    old_file.write_text(json.dumps(previous), encoding="utf-8")
    new_file.write_text(json.dumps(now), encoding="utf-8")
    outcomes = bench.write_report(new_file, old_file, tmp_path)
    summary = (tmp_path / "SUMMARY.md").read_text(encoding="utf-8")
    assert "| 1.100x | ≤ 1.5x | **PASS** |" in summary
    assert "-45.0%" in summary and "-50.0%" in summary
    assert "MISSING" in summary and "(uncommitted changes)" in summary
    svg = ElementTree.parse(tmp_path / "ratios.svg").getroot()
    rects = [e for e in svg.iter() if e.tag.endswith("rect")]
    assert len(rects) == 1 + sum(o.ratio is not None for o in outcomes)  # background + bars
    bench.write_report(new_file, None, tmp_path)
    assert "nothing to compare with" in (tmp_path / "SUMMARY.md").read_text(encoding="utf-8")


def test_tag_rejects_unknown_roles() -> None:
    class Fake:
        def __init__(self) -> None:
            self.group = ""
            self.extra_info: dict[str, Any] = {}

    fake = Fake()
    bench.tag(fake, "g", SUBJECT)
    assert (fake.group, fake.extra_info["role"]) == ("g", SUBJECT)
    with pytest.raises(ValueError, match="role"):
        bench.tag(fake, "g", "winner")


def test_memory_scale_from_environment() -> None:
    assert MemoryScale.from_env({}).name == "quick"
    full = MemoryScale.from_env({"TXO_MEMORY_SCALE": "FULL"})
    assert (full.pool_keys, full.pool_threads, full.requests) == (100_000, 8, 10_000)
    with pytest.raises(ValueError, match="quick"):
        MemoryScale.from_env({"TXO_MEMORY_SCALE": "huge"})


def test_heap_growth_compares_halves_after_warm_up() -> None:
    flat = [100] + [500] * 99
    assert heap_growth(flat) == (500, 0)
    rising = list(range(100))
    plateau, growth = heap_growth(rising)
    assert (plateau, growth) == (49, 50)
    assert heap_growth([1, 2]) == (2, 0)


def test_request_leak_filter_ignores_only_scaffolding_and_caches() -> None:
    product = [("send", "/x/httpx/_client.py", 1), ("get", "/work/main/txo/http/client.py", 2)]
    assert request_leak_filter(product) is True
    assert request_leak_filter([("_compile", "/usr/lib/python3.11/re/__init__.py", 1)]) is False
    assert request_leak_filter([("_record", "/w/txo/testing/fake_bc.py", 3)]) is False
    assert request_leak_filter([("_PyCode_CreateLineArray", "Objects/codeobject.c", 1)]) is False

    class Frame:
        function, filename = "handle", "/usr/lib/python3.11/http/server.py"

    class Stack:
        frames = (Frame(),)

    assert request_leak_filter(Stack()) is False


def test_a_paired_target_reads_the_median_of_per_pair_ratios() -> None:
    paired = {"subject": 0.0011, "baseline": 0.0010, "ratio": 1.07, "pairs": 600}
    bench_row = _bench("client-pipeline-paired", SUBJECT, 1.0)
    bench_row["extra_info"]["paired"] = paired
    target = Target("client-pipeline-paired", "paired", 1.15, stat="paired")
    (outcome,) = evaluate(_run(bench_row), (target,))
    assert (outcome.verdict, outcome.ratio) == ("PASS", 1.07)
    assert (outcome.subject, outcome.baseline) == (0.0011, 0.0010)
    (missing,) = evaluate(_run(), (target,))
    assert missing.verdict == "MISSING"
