"""``make bench``: run the pytest-benchmark suites, keep their history, report the ratios.

Every performance target of ``DESIGN.md`` is a *ratio* between two benchmarks
of the same run (the subject and its baseline), so it holds on a noisy or
slow machine.  A benchmark says which target it belongs to through its
pytest-benchmark ``group`` and which side it is through
``benchmark.extra_info["role"]`` (``subject``, ``baseline`` or ``floor``).

What one run does:

1. ``pytest tests/performance --benchmark-only --benchmark-autosave`` with the
   storage in ``reports/benchmarks/`` — pytest-benchmark names each run
   ``<machine-id>/NNNN_<commit>_<time>.json``;
2. when an earlier run of the same machine id exists, ``--benchmark-compare``
   prints the change per benchmark (a first run, or a new machine, just has
   nothing to compare with);
3. reads the newest saved run and writes ``reports/benchmarks/SUMMARY.md``
   (ratio, limit and PASS/FAIL per target, machine, change since the previous
   run) and ``reports/benchmarks/ratios.svg``.

``python -m tools.bench --report-only FILE.json`` rebuilds the report
from a saved run without benchmarking.  The exit code is pytest's when the
benchmarks fail; with ``--fail-on-miss`` a missed target also exits 1.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "BASELINE",
    "FLOOR",
    "GROUP_CLIENT",
    "GROUP_CONFIG",
    "GROUP_CSV_LOAD_MINIMAL",
    "GROUP_CSV_LOAD_REALISTIC",
    "GROUP_DATA_CSV",
    "GROUP_DATA_JSON",
    "GROUP_IMPORT",
    "GROUP_JSON_SAVE_MINIMAL",
    "GROUP_JSON_SAVE_REALISTIC",
    "GROUP_LOGGING",
    "GROUP_MIGRATE",
    "GROUP_POOL",
    "ROLES",
    "SUBJECT",
    "TARGETS",
    "Outcome",
    "Target",
    "evaluate",
    "machine_id",
    "main",
    "render_summary",
    "render_svg",
    "tag",
]

GROUP_CLIENT = "client-pipeline"
GROUP_POOL = "session-pool"
GROUP_LOGGING = "logging-redaction"
GROUP_IMPORT = "cold-import"
GROUP_MIGRATE = "migrate-check"
GROUP_CONFIG = "config-load"
GROUP_DATA_JSON = "data-json"
GROUP_DATA_CSV = "data-csv"
GROUP_JSON_SAVE_MINIMAL = "data-json-save-minimal"
GROUP_JSON_SAVE_REALISTIC = "data-json-save-realistic"
GROUP_CSV_LOAD_MINIMAL = "data-csv-load-minimal"
GROUP_CSV_LOAD_REALISTIC = "data-csv-load-realistic"
# The same targets measured as a migrated project runs them (its own logging and pattern
# files, both handlers, the real client factory); DESIGN.md asks for both configurations.
GROUP_CLIENT_LOGGED = f"{GROUP_CLIENT}-logged"
GROUP_CLIENT_LOGGED_BUNDLED = f"{GROUP_CLIENT}-logged-bundled"
GROUP_POOL_REAL = f"{GROUP_POOL}-real-factory"
GROUP_NEW_KEY = f"{GROUP_POOL}-new-key"
GROUP_LOGGING_REALISTIC = f"{GROUP_LOGGING}-realistic"
GROUP_REPLAY = "migrate-replay"
# Loopback GETs jitter by more than the overhead being measured, and two benchmarks run one
# after the other see different noise: the paired rows alternate raw and pipeline calls in
# one loop and take the median of the per-pair ratios (PAIRED below).
PAIRED = "paired"

SUBJECT, BASELINE, FLOOR = "subject", "baseline", "floor"
ROLES = frozenset({SUBJECT, BASELINE, FLOOR})


def tag(benchmark: Any, group: str, role: str) -> None:
    """Put a pytest-benchmark fixture in ``group`` (a target) as its ``role``."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {sorted(ROLES)}, not {role!r}")
    benchmark.group = group
    benchmark.extra_info["role"] = role


@dataclass(frozen=True, slots=True)
class Target:
    """One ratio: stat(subject) / stat(baseline), optionally net of a floor.

    ``limit`` is the largest ratio that passes (``strict``: the ratio must be
    below it); ``None`` marks an informational ratio with no design target.
    ``stat`` is the pytest-benchmark statistic compared: the median, except
    for fresh-interpreter timings, where scheduler noise only ever adds time
    and swamps a subtracted floor, so the minimum is the honest estimate.
    """

    group: str
    title: str
    limit: float | None
    strict: bool = False
    net_of_floor: bool = False
    stat: str = "median"


TARGETS: tuple[Target, ...] = (
    Target(
        f"{GROUP_CLIENT}-{PAIRED}",
        "Full client pipeline vs raw httpx.Client (loopback GET, paired)",
        1.15,
        stat=PAIRED,
    ),
    Target(
        f"{GROUP_CLIENT_LOGGED}-{PAIRED}",
        "Client pipeline vs raw httpx, script logging with a project's v2.1 files (paired)",
        1.15,
        stat=PAIRED,
    ),
    Target(
        f"{GROUP_CLIENT_LOGGED_BUNDLED}-{PAIRED}",
        "Client pipeline vs raw httpx, script logging with bundled defaults (paired)",
        1.15,
        stat=PAIRED,
    ),
    Target(GROUP_CLIENT, "Full client pipeline vs raw httpx.Client, separate runs", None),
    Target(GROUP_CLIENT_LOGGED, "Pipeline vs raw, v2.1 logging, separate runs", None),
    Target(GROUP_CLIENT_LOGGED_BUNDLED, "Pipeline vs raw, bundled logging, separate runs", None),
    Target(GROUP_POOL, "Pooled client vs client per call", 1.0, strict=True),
    Target(GROUP_POOL_REAL, "Pooled vs client per call, real client factory", 1.0, strict=True),
    Target(GROUP_NEW_KEY, "New pooled key: real factory vs bare httpx.Client", None),
    Target(GROUP_LOGGING, "Logging with redaction vs plain stdlib logging", 1.5),
    Target(
        GROUP_LOGGING_REALISTIC,
        "Logging with redaction vs plain, a project's v2.1 files, console + file",
        1.5,
    ),
    Target(GROUP_REPLAY, "verify replay vs the same script against the loopback fake", 2.0),
    Target(
        GROUP_IMPORT,
        "import txo vs import httpx (fresh interpreters)",
        1.3,
        net_of_floor=True,
        stat="min",
    ),
    Target(GROUP_MIGRATE, "txo-migrate check vs bare ast.parse", 3.0),
    Target(GROUP_CONFIG, "Config load + validation vs json + jsonschema", None),
    Target(GROUP_DATA_JSON, "DataHandler JSON save+load vs json module", None),
    Target(GROUP_DATA_CSV, "DataHandler CSV DataFrame save+load vs pandas", None),
    Target(GROUP_JSON_SAVE_MINIMAL, "JSON save 100k minimal rows vs json.dump", 1.3),
    Target(GROUP_JSON_SAVE_REALISTIC, "JSON save 100k realistic rows vs json.dump", 1.3),
    Target(GROUP_CSV_LOAD_MINIMAL, "CSV load 100k minimal rows: dicts vs DataFrame", 1.5),
    Target(GROUP_CSV_LOAD_REALISTIC, "CSV load 100k realistic rows: dicts vs DataFrame", 1.5),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A target evaluated against one run; ``ratio`` is None when not measured."""

    target: Target
    subject: float | None
    baseline: float | None
    floor: float | None
    ratio: float | None

    @property
    def verdict(self) -> str:
        limit = self.target.limit
        if self.ratio is None:  # a target the run could not measure is a miss, not a skip
            return "NOT MEASURED" if limit is None else "MISSING"
        if limit is None:
            return "INFO"
        ok = self.ratio < limit if self.target.strict else self.ratio <= limit
        return "PASS" if ok else "FAIL"


def machine_id() -> str:
    """pytest-benchmark's storage folder name for this interpreter and platform."""
    arch = platform.architecture()[0]
    version = ".".join(platform.python_version_tuple()[:2])
    return f"{platform.system()}-{platform.python_implementation()}-{version}-{arch}"


def _stats(run: Mapping[str, Any], group: str, stat: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for bench in run.get("benchmarks", []):
        role = (bench.get("extra_info") or {}).get("role")
        if bench.get("group") == group and isinstance(role, str):
            found[role] = float(bench["stats"][stat])
    return found


def evaluate(run: Mapping[str, Any], targets: Sequence[Target] = TARGETS) -> list[Outcome]:
    """Every target's medians and ratio in one saved pytest-benchmark run."""
    outcomes = []
    for target in targets:
        if target.stat == PAIRED:
            outcomes.append(_paired(run, target))
            continue
        values = _stats(run, target.group, target.stat)
        subject, baseline = values.get(SUBJECT), values.get(BASELINE)
        floor = values.get(FLOOR) if target.net_of_floor else None
        ratio = _ratio(subject, baseline, floor, target.net_of_floor)
        outcomes.append(Outcome(target, subject, baseline, floor, ratio))
    return outcomes


def _paired(run: Mapping[str, Any], target: Target) -> Outcome:
    """A paired target: the subject benchmark carries ``extra_info["paired"]`` with the
    median subject and baseline seconds and the median of the per-pair ratios."""
    for bench in run.get("benchmarks", []):
        paired = (bench.get("extra_info") or {}).get(PAIRED)
        if bench.get("group") == target.group and isinstance(paired, dict):
            return Outcome(
                target,
                float(paired["subject"]),
                float(paired["baseline"]),
                None,
                float(paired["ratio"]),
            )
    return Outcome(target, None, None, None, None)


def _ratio(
    subject: float | None, baseline: float | None, floor: float | None, net: bool
) -> float | None:
    """subject/baseline (each minus the floor when ``net``); None if it cannot be formed."""
    if subject is None or baseline is None or (net and floor is None):
        return None
    offset = floor if net and floor is not None else 0.0
    if baseline - offset <= 0:
        return None
    return max(0.0, subject - offset) / (baseline - offset)


# --- the Markdown summary ----------------------------------------------------------


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _limit_text(target: Target) -> str:
    if target.limit is None:
        return "(informational)"
    return f"{'<' if target.strict else '≤'} {target.limit:g}x"


def _machine_lines(run: Mapping[str, Any]) -> list[str]:
    info = run.get("machine_info") or {}
    cpu = info.get("cpu") or {}
    commit = run.get("commit_info") or {}
    dirty = " (uncommitted changes)" if commit.get("dirty") else ""
    return [
        f"- Machine: `{info.get('node', '?')}` — {info.get('system', '?')} "
        f"{info.get('release', '')} {info.get('machine', '')}",
        f"- CPU: {cpu.get('brand_raw', info.get('processor', '?'))}, "
        f"{cpu.get('count', '?')} logical cores",
        f"- Python: {info.get('python_implementation', '?')} {info.get('python_version', '?')}",
        f"- Run: {run.get('datetime', '?')}, commit `{str(commit.get('id', '?'))[:12]}`{dirty}",
    ]


def _outcome_rows(outcomes: Sequence[Outcome]) -> list[str]:
    rows = [
        "| Target | Subject | Baseline | Ratio | Limit | Result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for o in outcomes:
        ratio = "—" if o.ratio is None else f"{o.ratio:.3f}x"
        floor = f"; floor {_time(o.floor)} subtracted" if o.floor is not None else ""
        rows.append(
            f"| {o.target.title} ({o.target.stat}{floor}) | {_time(o.subject)} "
            f"| {_time(o.baseline)} "
            f"| {ratio} | {_limit_text(o.target)} | **{o.verdict}** |"
        )
    return rows


def _comparison_rows(run: Mapping[str, Any], previous: Mapping[str, Any] | None) -> list[str]:
    if previous is None:
        return ["No earlier run on this machine id: nothing to compare with (first run)."]
    before = {b["fullname"]: float(b["stats"]["median"]) for b in previous.get("benchmarks", [])}
    rows = [
        f"Compared with the run of {previous.get('datetime', '?')}.",
        "",
        "| Benchmark | Previous median | This median | Change |",
        "|---|---:|---:|---:|",
    ]
    for bench in run.get("benchmarks", []):
        now = float(bench["stats"]["median"])
        old = before.get(bench["fullname"])
        change = "new" if old is None or old == 0 else f"{(now - old) / old:+.1%}"
        rows.append(f"| `{bench['name']}` | {_time(old)} | {_time(now)} | {change} |")
    return rows


def render_summary(
    run: Mapping[str, Any],
    outcomes: Sequence[Outcome],
    previous: Mapping[str, Any] | None,
    source: str,
) -> str:
    """The Markdown report: verdicts, machine, and the change since the previous run."""
    missed = [o for o in outcomes if o.verdict == "FAIL"]
    headline = "all measured targets met" if not missed else f"{len(missed)} target(s) missed"
    lines = [
        "# Benchmark summary",
        "",
        f"Ratios of benchmarks measured in the same run ({headline}). Source: `{source}`.",
        "",
        *_machine_lines(run),
        "",
        *_outcome_rows(outcomes),
        "",
        "![ratios](ratios.svg)",
        "",
        "## Change since the previous run",
        "",
        *_comparison_rows(run, previous),
        "",
    ]
    return "\n".join(lines)


# --- the SVG chart -------------------------------------------------------------------

_SVG_COLOURS = {"PASS": "#2e7d32", "FAIL": "#c62828", "INFO": "#1565c0"}


def _svg_bar(o: Outcome, y: int, scale: float, left: int, axis: float) -> list[str]:
    assert o.ratio is not None
    colour = _SVG_COLOURS.get(o.verdict, "#757575")
    clipped = o.ratio > axis
    width = max(1.0, min(o.ratio, axis) * scale)
    label = f"{'» ' if clipped else ''}{o.ratio:.3g}x {o.verdict}"
    parts = [
        f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{_xml(o.target.title)}</text>',
        f'<rect x="{left}" y="{y}" width="{width:.1f}" height="20" fill="{colour}"/>',
        f'<text x="{left + axis * scale + 8:.1f}" y="{y + 15}">{label}</text>',
    ]
    if o.target.limit is not None:
        x = left + o.target.limit * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{y - 4}" x2="{x:.1f}" y2="{y + 24}" '
            'stroke="#000" stroke-width="2" stroke-dasharray="4 2"/>'
        )
    return parts


def _axis(shown: Sequence[Outcome]) -> float:
    """The largest ratio drawn to scale: every limit and every judged ratio fit; INFO may clip."""
    judged = [o.ratio or 0.0 for o in shown if o.target.limit is not None]
    limits = [o.target.limit or 0.0 for o in shown]
    return max([1.0, *judged, *limits]) * 1.15


def render_svg(outcomes: Sequence[Outcome]) -> str:
    """Horizontal bars of each ratio, with a dashed line at its limit."""
    shown = [o for o in outcomes if o.ratio is not None]
    left, plot, row = 430, 420, 34
    axis = _axis(shown)
    scale = plot / axis
    height = 60 + row * len(shown)
    body: list[str] = []
    for i, outcome in enumerate(shown):
        body.extend(_svg_bar(outcome, 40 + i * row, scale, left, axis))
    one = left + scale
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + plot + 160}" '
            f'height="{height}" font-family="sans-serif" font-size="13">',
            '<rect width="100%" height="100%" fill="#fff"/>',
            '<text x="10" y="22" font-weight="bold">Ratio subject/baseline '
            "(dashed line = target; grey line = 1.0x; » = bar clipped)</text>",
            f'<line x1="{one:.1f}" y1="30" x2="{one:.1f}" y2="{height - 10}" stroke="#9e9e9e"/>',
            *body,
            "</svg>",
            "",
        ]
    )


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- running ----------------------------------------------------------------------------


def saved_runs(storage: Path) -> list[Path]:
    """This machine id's autosaved runs, oldest first."""
    folder = storage / machine_id()
    return sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.json")) if folder.is_dir() else []


def _pytest_command(storage: Path, compare: bool, extra: Sequence[str]) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/performance",
        "-q",
        "--benchmark-only",
        "--benchmark-autosave",
        f"--benchmark-storage=file://{storage}",
        "--benchmark-group-by=group",
        "--benchmark-sort=name",
        "--benchmark-columns=min,median,iqr,mean,rounds",
        "--benchmark-warmup=on",
    ]
    if compare:
        command.append("--benchmark-compare")
    return [*command, *extra]


def write_report(run_file: Path, previous_file: Path | None, out_dir: Path) -> list[Outcome]:
    """Write SUMMARY.md and ratios.svg for a saved run; return the evaluated targets."""
    run = json.loads(run_file.read_text(encoding="utf-8"))
    previous = None
    if previous_file is not None:
        previous = json.loads(previous_file.read_text(encoding="utf-8"))
    outcomes = evaluate(run)
    out_dir.mkdir(parents=True, exist_ok=True)
    source = run_file.relative_to(out_dir) if run_file.is_relative_to(out_dir) else run_file
    summary = render_summary(run, outcomes, previous, str(source))
    (out_dir / "SUMMARY.md").write_text(summary, encoding="utf-8")
    (out_dir / "ratios.svg").write_text(render_svg(outcomes), encoding="utf-8")
    return outcomes


def _print_outcomes(outcomes: Sequence[Outcome], out_dir: Path) -> None:
    for o in outcomes:
        ratio = "—" if o.ratio is None else f"{o.ratio:.3f}x"
        print(f"{o.verdict:>12}  {ratio:>8}  {_limit_text(o.target):>16}  {o.target.title}")
    print(f"Report: {out_dir / 'SUMMARY.md'}  Chart: {out_dir / 'ratios.svg'}")


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__)
    parser.add_argument("--storage", type=Path, default=Path("reports/benchmarks"))
    parser.add_argument("--report-only", type=Path, metavar="RUN.json")
    parser.add_argument("--fail-on-miss", action="store_true")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    storage: Path = args.storage.resolve()
    if args.report_only is not None:
        run_file = args.report_only.resolve()
        earlier = [
            p for p in sorted(run_file.parent.glob("[0-9]*_*.json")) if p.name < run_file.name
        ]
        outcomes = write_report(run_file, earlier[-1] if earlier else None, storage)
    else:
        before = saved_runs(storage)
        command = _pytest_command(storage, bool(before), args.pytest_args)
        print("$", " ".join(command), flush=True)
        code = subprocess.call(command)
        after = [p for p in saved_runs(storage) if p not in before]
        if not after:
            print("No benchmark run was saved; no report written.", file=sys.stderr)
            return code or 1
        outcomes = write_report(after[-1], before[-1] if before else None, storage)
        if code:
            _print_outcomes(outcomes, storage)
            return code
    _print_outcomes(outcomes, storage)
    missed = any(o.verdict in ("FAIL", "MISSING") for o in outcomes)
    return 1 if args.fail_on_miss and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
