"""``make memory``: the memray memory suites, the load scenario under memray, and their reports.

One run (``python -m tools.memory``, full scale by default):

1. ``pytest tests/performance/test_memory_*.py --memray --trace-python-allocators``
   with ``TXO_MEMORY_SCALE=full`` (100,000 distinct pool keys from 8 threads,
   10,000 requests, 20,000 hosts/tenants), keeping each test's capture in
   ``reports/memory/bins/``; the pool suite runs once more at ``quick`` scale
   so the report can show that its peak does not move with the key count;
2. ``python -m tools.load --memray reports/memory/load.bin`` (the load
   scenario, recorded);
3. ``memray flamegraph`` for every capture → ``reports/memory/flamegraphs/*.html``;
4. ``reports/memory/SUMMARY.md`` and ``reports/memory/summary.json``.

``summary.json`` is read by the migrate kit's scorecard.  Its top-level
``memory_stable`` is true only when every memory test passed under memray
(an expected failure — ``xfail`` — counts as not passed), the breaker
registry and token cache stayed bounded, the pool's peak at full scale
stays within :data:`POOL_FLAT_TOLERANCE` of its peak at quick scale, no
request-leak location survives the documented filter, and the load scenario
completed with its heap flat after warm-up (growth of the heap's high-water
mark between the first and second half of the run within
:data:`HEAP_GROWTH_TOLERANCE`).  The numbers behind each condition
sit next to it (``suites``, ``session_pool``, ``request_leaks``, ``load``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "HEAP_GROWTH_TOLERANCE",
    "POOL_FLAT_TOLERANCE",
    "SCALE_ENV",
    "MemoryScale",
    "heap_growth",
    "main",
    "request_leak_filter",
]

SCALE_ENV = "TXO_MEMORY_SCALE"
POOL_FLAT_TOLERANCE = 1.25
"""Full-scale pool peak (100,000 keys) may be at most this times the quick-scale peak."""
HEAP_GROWTH_TOLERANCE = (256 * 1024, 0.05)
"""Load heap growth allowed after warm-up: the larger of 256 KiB and 5% of the plateau."""
SUITES = "tests/performance/test_memory_*.py"
POOL_TEST = "test_session_pool_memory_is_flat_under_distinct_keys"
LEAK_TEST = "test_no_leak_per_request_through_full_pipeline"
BREAKER_TEST = "test_breaker_registry_is_bounded_with_many_hosts"
TOKEN_TEST = "test_token_cache_is_bounded_with_many_tenants"


@dataclass(frozen=True, slots=True)
class MemoryScale:
    """How big the memory suites run: ``quick`` (CI default) or ``full`` (DESIGN.md scale)."""

    name: str
    pool_keys: int
    pool_threads: int
    requests: int
    tenants: int
    hosts: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> MemoryScale:
        env = os.environ if environ is None else environ
        name = env.get(SCALE_ENV, "quick").strip().lower() or "quick"
        if name == "full":
            return cls("full", 100_000, 8, 10_000, 20_000, 20_000)
        if name == "quick":
            return cls("quick", 4_000, 8, 300, 1_000, 1_000)
        raise ValueError(f"{SCALE_ENV} must be 'quick' or 'full', not {name!r}")


# --- the documented leak filter ---------------------------------------------------

_SCAFFOLDING = (
    "/txo/testing/fake_bc.py",
    "/txo/testing/server.py",
    "/http/server.py",
    "/socketserver.py",
)
_PYTHON_CACHES = (
    "/re/__init__.py",
    "/re/_compiler.py",
    "/functools.py",
    "/linecache.py",
    "/encodings/__init__.py",
    "/typing.py",
)
_NATIVE_CACHES = frozenset({"_PyCode_CreateLineArray"})


def request_leak_filter(stack: Any) -> bool:
    """pytest-memray ``limit_leaks`` ``filter_fn``: True means "report this leak".

    Ignored, and only these:

    * the in-process loopback server and the fake API — test scaffolding,
      not the code under test (the fake keeps a bounded request log);
    * interpreter caches that fill once and then stop growing: ``re``'s
      compiled-pattern cache, ``functools.lru_cache`` wrappers,
      ``linecache``, the codec search cache, ``typing``'s caches, and the
      line table CPython builds for a code object the first time it is
      traced (``_PyCode_CreateLineArray``, triggered by memray's tracer).

    ``stack`` is pytest-memray's ``Stack`` (``.frames`` of objects with
    ``function`` and ``filename``) or a sequence of ``(function, file, line)``.
    """
    frames = getattr(stack, "frames", stack)
    for frame in frames:
        function, filename = _frame_parts(frame)
        if function in _NATIVE_CACHES:
            return False
        if filename.endswith(_SCAFFOLDING) or filename.endswith(_PYTHON_CACHES):
            return False
    return True


def _frame_parts(frame: Any) -> tuple[str, str]:
    if isinstance(frame, tuple):
        return str(frame[0]), str(frame[1])
    return str(getattr(frame, "function", "")), str(getattr(frame, "filename", ""))


# --- reading captures ----------------------------------------------------------------


def heap_growth(heaps: Sequence[int]) -> tuple[int, int]:
    """(plateau, growth): the heap high-water mark in the first half after warm-up
    (10%-50% of the samples) and how far the second half (50%-100%) rose above it."""
    if len(heaps) < 10:
        peak = max(heaps, default=0)
        return peak, 0
    n = len(heaps)
    plateau = max(heaps[n // 10 : n // 2])
    return plateau, max(0, max(heaps[n // 2 :]) - plateau)


def _growth_ok(plateau: int, growth: int) -> bool:
    floor, fraction = HEAP_GROWTH_TOLERANCE
    return growth <= max(floor, int(plateau * fraction))


def _reader(path: Path) -> Any:
    import memray

    return memray.FileReader(str(path))


def _capture_peak(path: Path) -> int | None:
    if not path.is_file():
        return None
    reader = _reader(path)
    try:
        return int(reader.metadata.peak_memory)
    finally:
        reader.close()


def _leaks_after_filter(path: Path, per_location_limit: int) -> dict[str, int]:
    """Leaked bytes in a capture, in total and after the filter, and locations over the limit."""
    reader = _reader(path)
    try:
        records = list(reader.get_leaked_allocation_records(merge_threads=True))
    finally:
        reader.close()
    kept = [r for r in records if request_leak_filter(r.hybrid_stack_trace())]
    over = [r for r in kept if r.size >= per_location_limit]
    return {
        "leaked_bytes_total": sum(r.size for r in records),
        "leaked_bytes_after_filter": sum(r.size for r in kept),
        "locations_over_limit": len(over),
    }


def _load_heap(path: Path) -> dict[str, int]:
    reader = _reader(path)
    try:
        heaps = [int(s.heap) for s in reader.get_memory_snapshots()]
        peak = int(reader.metadata.peak_memory)
    finally:
        reader.close()
    plateau, growth = heap_growth(heaps)
    return {"memray_peak_bytes": peak, "heap_plateau_bytes": plateau, "heap_growth_bytes": growth}


# --- junit results ----------------------------------------------------------------------


def _junit_tests(path: Path) -> list[dict[str, Any]]:
    """Every test case: name, outcome and the properties it recorded."""
    if not path.is_file():
        return []
    tests = []
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        outcome = "passed"
        for tag in ("failure", "error", "skipped"):
            found = case.find(tag)
            if found is not None:
                outcome = {"failure": "failed", "error": "failed"}.get(tag, "skipped")
                if "xfail" in found.get("type", ""):
                    outcome = "xfailed"
        props = {p.get("name", ""): p.get("value", "") for p in case.iter("property")}
        tests.append({"name": case.get("name", ""), "outcome": outcome, "properties": props})
    return tests


def _find(tests: Iterable[Mapping[str, Any]], name: str) -> Mapping[str, Any]:
    return next((t for t in tests if str(t["name"]).startswith(name)), {})


# --- running ----------------------------------------------------------------------------


def _suite_command(
    bins: Path, junit: Path, files: Sequence[str], extra: Sequence[str]
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        *files,
        "-q",
        "--benchmark-disable",
        "--memray",
        "--trace-python-allocators",
        f"--memray-bin-path={bins}",
        f"--junitxml={junit}",
        *extra,
    ]


def _run(command: Sequence[str], scale: str | None = None) -> int:
    env = dict(os.environ)
    if scale is not None:
        env[SCALE_ENV] = scale
    print("$", " ".join(command), flush=True)
    return subprocess.call(list(command), env=env)


def _clean(folder: Path, pattern: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(pattern):
        old.unlink()


def _flamegraphs(captures: Iterable[Path], out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for capture in captures:
        target = out / f"{capture.stem}.html"
        command = [sys.executable, "-m", "memray", "flamegraph", "-f", "-o", str(target)]
        done = subprocess.run([*command, str(capture)], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            written.append(target.name)
        else:
            print(f"memray flamegraph failed for {capture}: {done.stderr.strip()}", file=sys.stderr)
    return written


@dataclass(frozen=True, slots=True)
class _Paths:
    out: Path

    @property
    def bins(self) -> Path:
        return self.out / "bins"

    @property
    def flames(self) -> Path:
        return self.out / "flamegraphs"

    def junit(self, scale: str) -> Path:
        return self.out / f"junit-{scale}.xml"

    @property
    def load_bin(self) -> Path:
        return self.bins / "load.bin"

    @property
    def load_json(self) -> Path:
        return self.out / "load.json"


def _run_suites(paths: _Paths, scale: str, files: Sequence[str]) -> dict[str, int]:
    _clean(paths.bins, "*.bin")
    quick_pool = _suite_command(
        paths.bins, paths.junit("quick-pool"), files, ["-k", POOL_TEST, "--memray-bin-prefix=quick"]
    )
    codes = {"quick_pool": _run(quick_pool, "quick")}
    main = _suite_command(paths.bins, paths.junit(scale), files, [f"--memray-bin-prefix={scale}"])
    codes["suites"] = _run(main, scale)
    return codes


def _run_load(paths: _Paths, requests: int, threads: int) -> int:
    command = [sys.executable, "-m", "tools.load", "--requests", str(requests)]
    command += ["--threads", str(threads), "--memray", str(paths.load_bin)]
    command += ["--json", str(paths.load_json)]
    return _run(command)


def _codes_from_outputs(paths: _Paths, scale: str) -> dict[str, int]:
    """Exit codes as the last run's files imply them (for ``--report-only``)."""
    tests = _junit_tests(paths.junit(scale))
    failed = not tests or any(t["outcome"] == "failed" for t in tests)
    return {"suites": int(failed), "load": 0 if paths.load_json.is_file() else 1}


def _capture_for(bins: Path, prefix: str, test: str) -> Path:
    matches = sorted(bins.glob(f"{prefix}-*{test}*.bin"))
    return matches[0] if matches else bins / f"{prefix}-{test}.bin"


# --- the summary --------------------------------------------------------------------------


def _int_prop(test: Mapping[str, Any], name: str) -> int | None:
    value = (test.get("properties") or {}).get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _pool_section(paths: _Paths, scale: str, tests: list[dict[str, Any]]) -> dict[str, Any]:
    full = _find(tests, POOL_TEST)
    quick = _find(_junit_tests(paths.junit("quick-pool")), POOL_TEST)
    full_peak = _capture_peak(_capture_for(paths.bins, scale, POOL_TEST))
    quick_peak = _capture_peak(_capture_for(paths.bins, "quick", POOL_TEST))
    ratio = full_peak / quick_peak if full_peak and quick_peak else None
    return {
        "keys": _int_prop(full, "keys"),
        "threads": _int_prop(full, "threads"),
        "pool_size": _int_prop(full, "pool_size"),
        "limit_bytes": _int_prop(full, "limit_bytes"),
        "peak_bytes": full_peak,
        "quick_keys": _int_prop(quick, "keys"),
        "quick_peak_bytes": quick_peak,
        "peak_ratio_full_to_quick": ratio,
        "passed": full.get("outcome") == "passed" and quick.get("outcome") == "passed",
        "flat": ratio is not None and ratio <= POOL_FLAT_TOLERANCE,
    }


def _leak_section(paths: _Paths, scale: str, tests: list[dict[str, Any]]) -> dict[str, Any]:
    test = _find(tests, LEAK_TEST)
    limit = _int_prop(test, "leak_limit_bytes") or 0
    capture = _capture_for(paths.bins, scale, LEAK_TEST)
    numbers = _leaks_after_filter(capture, limit) if capture.is_file() and limit else {}
    return {
        "requests": _int_prop(test, "requests"),
        "per_location_limit_bytes": limit,
        "object_growth": _int_prop(test, "object_growth"),
        **numbers,
        "passed": test.get("outcome") == "passed" and numbers.get("locations_over_limit") == 0,
    }


def _load_section(paths: _Paths, exit_code: int) -> tuple[dict[str, Any], bool, bool]:
    """The load numbers, whether every request completed, and whether the heap stayed flat."""
    if not paths.load_json.is_file() or not paths.load_bin.is_file():
        return {"exit_code": exit_code}, False, False
    result = json.loads(paths.load_json.read_text(encoding="utf-8"))
    heap = _load_heap(paths.load_bin)
    scenario = result.pop("settings")
    completed = exit_code == 0 and result["completed"] == scenario["requests"]
    flat = _growth_ok(heap["heap_plateau_bytes"], heap["heap_growth_bytes"])
    return {"exit_code": exit_code, "settings": scenario, **result, **heap}, completed, flat


def _suites_section(paths: _Paths, scale: str, tests: list[dict[str, Any]], code: int) -> Any:
    rows = []
    for test in tests:
        peak = _capture_peak(_capture_for(paths.bins, scale, str(test["name"])))
        rows.append({"name": test["name"], "outcome": test["outcome"], "peak_bytes": peak})
    passed = sum(1 for t in tests if t["outcome"] == "passed")
    return {"exit_code": code, "passed": passed, "total": len(tests), "tests": rows}


def summarise(paths: _Paths, scale: str, codes: Mapping[str, int]) -> dict[str, Any]:
    """Everything ``summary.json`` holds (see the module docstring)."""
    tests = _junit_tests(paths.junit(scale))
    suites = _suites_section(paths, scale, tests, codes.get("suites", 1))
    pool = _pool_section(paths, scale, tests)
    leaks = _leak_section(paths, scale, tests)
    load, completed, flat = _load_section(paths, codes.get("load", 1))
    conditions = {
        "all_memory_tests_passed": codes.get("suites") == 0
        and suites["passed"] == suites["total"] > 0,
        "session_pool_flat": bool(pool["passed"] and pool["flat"]),
        "breaker_registry_bounded": _find(tests, BREAKER_TEST).get("outcome") == "passed",
        "token_cache_bounded": _find(tests, TOKEN_TEST).get("outcome") == "passed",
        "no_request_leak": bool(leaks["passed"]),
        "load_completed": completed,
        "load_heap_flat": flat,
    }
    return {
        "memory_stable": all(conditions.values()),
        "conditions": conditions,
        "scale": scale,
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "suites": suites,
        "session_pool": pool,
        "request_leaks": leaks,
        "load": load,
        "tolerances": {
            "pool_peak_ratio_full_to_quick": POOL_FLAT_TOLERANCE,
            "load_heap_growth": {
                "bytes": HEAP_GROWTH_TOLERANCE[0],
                "fraction_of_plateau": HEAP_GROWTH_TOLERANCE[1],
            },
        },
    }


def _machine() -> dict[str, Any]:
    return {
        "node": platform.node(),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def _kib(value: Any) -> str:
    return "—" if not isinstance(value, int | float) else f"{value / 1024:,.1f} KiB"


def render_markdown(summary: Mapping[str, Any], flamegraphs: Sequence[str]) -> str:
    """SUMMARY.md: the verdict, each condition with its numbers, and the flamegraphs."""
    verdict = "**stable**" if summary["memory_stable"] else "**NOT stable**"
    machine = summary["machine"]
    tests = summary["suites"]["tests"]
    lines = [
        "# Memory summary",
        "",
        f"Memory {verdict} at `{summary['scale']}` scale ({summary['generated_at']}, "
        f"{machine['node']}, {machine['python']}, {machine['cpus']} CPUs).",
        "",
        "| Condition | Result |",
        "|---|---|",
        *(f"| {k} | {'PASS' if v else 'FAIL'} |" for k, v in summary["conditions"].items()),
        "",
        *_pool_lines(summary["session_pool"]),
        "",
        *_leak_lines(summary["request_leaks"]),
        "",
        *_load_lines(summary["load"]),
        "",
        "## Tests",
        "",
        *(f"- `{t['name']}`: {t['outcome']}, peak {_kib(t['peak_bytes'])}" for t in tests),
        "",
        "## Flamegraphs",
        "",
        *(f"- [{name}](flamegraphs/{name})" for name in flamegraphs),
        "",
    ]
    return "\n".join(lines)


def _pool_lines(pool: Mapping[str, Any]) -> list[str]:
    ratio = pool["peak_ratio_full_to_quick"]
    return [
        "## Session pool (DESIGN.md: flat under 100,000 distinct keys from 8 threads)",
        "",
        f"- {pool['keys']} keys from {pool['threads']} threads, pool size {pool['pool_size']}: "
        f"peak {_kib(pool['peak_bytes'])} (memray limit {_kib(pool['limit_bytes'])})",
        f"- {pool['quick_keys']} keys: peak {_kib(pool['quick_peak_bytes'])}; full/quick "
        f"ratio {'—' if ratio is None else f'{ratio:.3f}'} (flat if ≤ {POOL_FLAT_TOLERANCE})",
    ]


def _leak_lines(leaks: Mapping[str, Any]) -> list[str]:
    return [
        "## Requests through the full pipeline (no leak per request)",
        "",
        f"- {leaks['requests']} requests; per-location limit "
        f"{leaks['per_location_limit_bytes']} B; locations over it after the filter: "
        f"{leaks.get('locations_over_limit', '—')}; gc-tracked objects gained: "
        f"{leaks.get('object_growth', '—')}",
        f"- leaked at exit: {_kib(leaks.get('leaked_bytes_total'))} in total, "
        f"{_kib(leaks.get('leaked_bytes_after_filter'))} after the documented filter "
        "(`tools.memory.request_leak_filter`)",
    ]


def _load_lines(load: Mapping[str, Any]) -> list[str]:
    if "throughput" not in load:
        return ["## Load scenario", "", f"- did not complete (exit code {load['exit_code']})"]
    settings = load["settings"]
    return [
        "## Load scenario (`python -m tools.load`, recorded by memray)",
        "",
        f"- {load['completed']}/{settings['requests']} requests from {settings['threads']} "
        f"threads in {load['elapsed']:.1f} s ({load['throughput']:,.0f} req/s); "
        f"p50/p95/p99 {load['p50'] * 1e3:.1f}/{load['p95'] * 1e3:.1f}/{load['p99'] * 1e3:.1f} ms",
        f"- retries {load['retries']}, 429s served/honoured {load['throttled_served']}/"
        f"{load['throttles_honoured']}, breaker trips {load['breaker_trips']}, "
        f"errors {sum(load['errors'].values())} {load['errors'] or ''}",
        f"- heap plateau {_kib(load['heap_plateau_bytes'])}, growth in the second half "
        f"{_kib(load['heap_growth_bytes'])}; memray peak {_kib(load['memray_peak_bytes'])}; "
        f"peak RSS {load['peak_rss_kib'] / 1024:.1f} MiB",
    ]


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.memory", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--scale", choices=("full", "quick"), default="full")
    parser.add_argument("--out", type=Path, default=Path("reports/memory"))
    parser.add_argument("--load-requests", type=int, default=None, help="default: by scale")
    parser.add_argument("--load-threads", type=int, default=8)
    parser.add_argument("--suites", default=SUITES, help="glob of the memory test files")
    parser.add_argument(
        "--report-only", action="store_true", help="rebuild the reports from the last run's files"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    paths = _Paths(args.out.resolve())
    files = sorted(str(p) for p in Path().glob(args.suites))
    if not files:
        print(f"No memory suites match {args.suites!r}", file=sys.stderr)
        return 2
    if args.report_only:
        codes = _codes_from_outputs(paths, args.scale)
    else:
        codes = _run_suites(paths, args.scale, files)
        requests = args.load_requests or MemoryScale.from_env({SCALE_ENV: args.scale}).requests
        codes["load"] = _run_load(paths, requests, args.load_threads)
    _clean(paths.flames, "*.html")
    flames = _flamegraphs(sorted(paths.bins.glob("*.bin")), paths.flames)
    summary = summarise(paths, args.scale, codes)
    summary["flamegraphs"] = [f"flamegraphs/{name}" for name in flames]
    (paths.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    (paths.out / "SUMMARY.md").write_text(render_markdown(summary, flames), "utf-8")
    state = "stable" if summary["memory_stable"] else "NOT stable"
    print(f"Memory {state}: {paths.out / 'SUMMARY.md'} and {paths.out / 'summary.json'}")
    return 0 if summary["memory_stable"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
