"""`make mutation`: run mutmut 3 over the core and write reports/mutation/SUMMARY.md.

Coverage says which lines ran; a mutation run says whether a wrong line would be noticed.
mutmut is configured in pyproject.toml (``[tool.mutmut]``: what is mutated, which tests kill).
This driver adds what the configuration cannot say:

* the mutated tree (``mutants/``) goes first on ``PYTHONPATH``, so a subprocess started by a
  selected test imports the mutated code too (mutmut only fixes ``sys.path`` in its own process);
* a hard ``--timeout`` on the whole run (the process group is killed, the report still written
  from what finished);
* the summary: mutants killed / checked per module (a timeout or a type-check failure counts as
  killed, as mutmut counts them), untested mutants (no selected test runs that code) and every
  survivor with its diff.

Usage::

    python -m tools.mutation                         # the whole core, 2 workers
    python -m tools.mutation --scope 'txo.http.*'    # mutants whose name matches a glob
    python -m tools.mutation --report-only           # rewrite SUMMARY.md from mutants/
    python -m tools.mutation --recheck               # re-run only what was not killed

``--recheck`` is for after adding tests: a new test cannot bring a killed mutant back, so only
the survivors and untested mutants of the last run are run again, and the killed ones keep
their verdict (kept in ``mutants/txo-baseline.json``).  After changing txo/ itself, run in full.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"
DEFAULT_OUT = ROOT / "reports" / "mutation" / "SUMMARY.md"
BASELINE = MUTANTS / "txo-baseline.json"
TARGET = 0.90

# mutmut's exit-code meanings (mutmut.stats.status_by_exit_code), folded into report columns.
_STATUS_BY_CODE: dict[int | None, str] = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
    152: "timeout",
    255: "timeout",
    37: "killed",  # caught by the type checker
    None: "not checked",
}
_KILLED = {"killed", "timeout"}


@dataclass
class ModuleResult:
    """The mutants of one source file and what became of each."""

    path: str
    statuses: dict[str, str] = field(default_factory=dict)

    def counts(self) -> Counter[str]:
        return Counter(self.statuses.values())

    @property
    def checked(self) -> int:
        return sum(1 for s in self.statuses.values() if s not in ("not checked", "skipped"))

    @property
    def killed(self) -> int:
        return sum(1 for s in self.statuses.values() if s in _KILLED)

    def survivors(self) -> list[str]:
        return sorted(k for k, s in self.statuses.items() if s in ("survived", "suspicious"))

    def untested(self) -> list[str]:
        return sorted(k for k, s in self.statuses.items() if s == "no tests")


def _status(code: int | None) -> str:
    return _STATUS_BY_CODE.get(code, "suspicious")


def _in_scope(key: str, scopes: list[str]) -> bool:
    return not scopes or any(fnmatch.fnmatch(key, s) for s in scopes)


def _read_meta(meta: Path) -> dict[str, int | None]:
    """One module's exit codes; mutmut rewrites these files as it goes, so a read can catch
    one half-written: read it again a moment later rather than lose the module's results."""
    for attempt in range(5):
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            return dict(data.get("exit_code_by_key", {}))
        except json.JSONDecodeError:
            time.sleep(0.2 * (attempt + 1))
    raise SystemExit(f"{meta} is not valid JSON: is a mutmut run still writing it?")


def exit_codes() -> dict[str, int | None]:
    """mutmut's exit code per mutant name, over every mutated module."""
    codes: dict[str, int | None] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        codes.update(_read_meta(meta))
    return codes


def load_results(scopes: list[str], baseline: dict[str, int | None]) -> list[ModuleResult]:
    """Every mutated module under mutants/, restricted to mutant names matching ``scopes``.

    A mutant not checked in this run keeps its verdict from ``baseline`` (``--recheck``): a
    kill stands, and a survivor the recheck did not reach (timeout) still counts as one.
    """
    results = []
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        module = ModuleResult(str(meta.relative_to(MUTANTS))[: -len(".meta")])
        for key, code in _read_meta(meta).items():
            if not _in_scope(key, scopes):
                continue
            status = _status(code)
            module.statuses[key] = _status(baseline.get(key)) if status == "not checked" else status
        if module.checked:
            results.append(module)
    return results


def _diff(name: str, path: str) -> str:
    """The survivor's diff as ``mutmut show`` prints it (mutmut's own renderer)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        return get_diff_for_mutant(name, path=path)
    except Exception as exc:  # the report must not die on one unreadable mutant
        return f"(diff unavailable: {type(exc).__name__})"
    finally:
        os.chdir(cwd)


def _score(killed: int, checked: int) -> str:
    return f"{100 * killed / checked:.1f}%" if checked else "n/a"


def render(results: list[ModuleResult], scopes: list[str], note: str) -> str:
    """SUMMARY.md: the score table first, then untested mutants, then survivors with diffs."""
    lines = ["# Mutation testing summary", ""]
    lines.append(f"Scope: {', '.join(scopes) if scopes else 'the whole core (pyproject.toml)'}.")
    if note:
        lines.append(note)
    lines += [
        f"Score = killed / checked (timeouts count as killed); target {TARGET:.0%} per module.",
        "",
        "| module | mutants | killed | survived | no tests | not checked | score |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total: Counter[str] = Counter()
    for m in results:
        c = m.counts()
        total += c
        flag = "" if m.checked and m.killed / m.checked >= TARGET else " ⚠"
        lines.append(
            f"| `{m.path}` | {len(m.statuses)} | {m.killed} | "
            f"{c['survived'] + c['suspicious']} | {c['no tests']} | {c['not checked']} | "
            f"{_score(m.killed, m.checked)}{flag} |"
        )
    killed = total["killed"] + total["timeout"]
    checked = sum(total.values()) - total["not checked"] - total["skipped"]
    lines.append(
        f"| **total** | {sum(total.values())} | {killed} | "
        f"{total['survived'] + total['suspicious']} | {total['no tests']} | "
        f"{total['not checked']} | {_score(killed, checked)} |"
    )
    untested = [(m.path, k) for m in results for k in m.untested()]
    if untested:
        lines += ["", "## Untested mutants (no selected test runs this code)", ""]
        lines += [f"- `{k}`" for _, k in untested]
    for m in results:
        if not m.survivors():
            continue
        lines += ["", f"## Survivors in `{m.path}`", ""]
        for name in m.survivors():
            lines += [f"### `{name}`", "", "```diff", _diff(name, m.path), "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def recheck_names(scopes: list[str], rerun: list[str]) -> tuple[list[str], dict[str, int | None]]:
    """The mutants the last run did not kill, and the baseline (saved for later reports).

    ``rerun`` globs name modules whose source changed: all their mutants run again (mutmut
    renumbers them), and none of their old verdicts is kept.
    """
    baseline = {k: c for k, c in exit_codes().items() if _in_scope(k, scopes)}
    if BASELINE.exists():  # keep verdicts of earlier rechecks too
        for key, code in json.loads(BASELINE.read_text(encoding="utf-8")).items():
            if _status(code) in _KILLED and _status(baseline.get(key)) not in _KILLED:
                baseline[key] = code
    if rerun:
        baseline = {
            k: c for k, c in baseline.items() if not any(fnmatch.fnmatch(k, g) for g in rerun)
        }
    BASELINE.write_text(json.dumps(baseline), encoding="utf-8")
    unkilled = sorted(k for k, c in baseline.items() if _status(c) not in _KILLED)
    return unkilled + rerun, baseline


def _forget(scopes: list[str]) -> None:
    """Drop the baseline verdicts of the mutants a full run is about to judge."""
    if BASELINE.exists():
        kept = {
            k: c
            for k, c in json.loads(BASELINE.read_text(encoding="utf-8")).items()
            if scopes and not _in_scope(k, scopes)
        }
        BASELINE.write_text(json.dumps(kept), encoding="utf-8")


def run_mutmut(scopes: list[str], max_children: int, timeout: float) -> str:
    """Run ``mutmut run``; a note for the summary if it did not finish."""
    # mutants/ must exist before the interpreter starts: a PYTHONPATH entry that is missing at
    # startup is cached as "no finder" and the installed txo would be imported instead.
    MUTANTS.mkdir(exist_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(MUTANTS), str(ROOT)])
    env["TXO_MUTATION"] = "1"  # derandomized hypothesis examples (tests/conftest.py)
    env.setdefault("TXO_FUZZ_CASES", "200")  # the security fuzz's cases per mutant
    cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *scopes]
    print("+", " ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
        return f"**The run hit its {timeout:g}s timeout: unfinished mutants are 'not checked'.**"
    return "" if code == 0 else f"**mutmut exited with {code}.**"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scope", action="append", default=[], help="mutant-name glob")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds for the run")
    parser.add_argument("--report-only", action="store_true", help="only rewrite the summary")
    parser.add_argument("--recheck", action="store_true", help="re-run only the unkilled")
    parser.add_argument(
        "--rerun", action="append", default=[], help="with --recheck: glob of changed modules"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    baseline: dict[str, int | None] = {}
    if BASELINE.exists() and (args.report_only or args.recheck):
        baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    note = ""
    if args.recheck:
        names, baseline = recheck_names(args.scope, args.rerun)
        note = f"Recheck: {len(names)} mutants not killed before were run again."
        if names:
            note += " " + run_mutmut(names, args.max_children, args.timeout)
    elif not args.report_only:
        _forget(args.scope)  # a full run judges every mutant in its scope afresh
        note = run_mutmut(args.scope, args.max_children, args.timeout)
    results = load_results(args.scope, baseline)
    if not results:
        print("No mutation results under mutants/: run without --report-only first.")
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(render(results, args.scope, note), encoding="utf-8")
    tmp.replace(args.out)
    for m in results:
        print(f"{m.path:40} {_score(m.killed, m.checked):>7}  ({m.killed}/{m.checked})")
    print(f"Summary: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
