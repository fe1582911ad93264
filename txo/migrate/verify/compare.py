"""Compare one run with its recorded expectation: five checks, each with a short cell text.

* ``exit``: the exit code (a killed run never matches);
* ``outputs``: the set of files under ``output/`` and each expected file's content;
* ``warnings``: the exact set of deprecated v2.1 names warned about (reported only, when the
  expectation lists none — a recording on the old library cannot know them);
* ``log``: every ``log_contains`` line appears in stdout, stderr or a log file;
* ``secrets``: no corpus secret (nor a token the fake API issued) in any stream, log or output;
* ``http``: for a recorded run, the requests sent against the cassette's
  (:mod:`txo.migrate.verify.http`); "–" for runs without a cassette.

Details never quote a secret: a leak is named by its first characters only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from txo.migrate.verify.corpus import Case
from txo.migrate.verify.outputs import matches
from txo.migrate.verify.runner import ScriptRun

__all__ = ["ISSUED_TOKEN_PREFIX", "CaseResult", "Check", "compare_run", "leaked_secrets"]

#: Access tokens the fake Business Central API issues start with this.
ISSUED_TOKEN_PREFIX = "fake-access-token-"
CHECKS = ("exit", "outputs", "warnings", "log", "secrets", "http")


@dataclass(frozen=True, slots=True)
class Check:
    """One comparison: its name, verdict, a short summary for a table cell and the details."""

    name: str
    ok: bool
    summary: str
    details: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CaseResult:
    """A run and its checks against the recorded expectation."""

    case: Case
    run: ScriptRun
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def check(self, name: str) -> Check:
        """The check called ``name`` (one of exit, outputs, warnings, log, secrets)."""
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)


def _exit(case: Case, run: ScriptRun) -> Check:
    if run.exit_code is None:
        return Check("exit", False, f"{case.exit_code} → killed", ("timed out: killed",))
    ok = run.exit_code == case.exit_code
    detail = () if ok else (f"exit code {run.exit_code}, expected {case.exit_code}",)
    return Check("exit", ok, f"{case.exit_code} → {run.exit_code}", detail)


def _outputs(case: Case, run: ScriptRun) -> Check:
    expected = {o.path: o for o in case.outputs}
    details = [f"missing output {p}" for p in sorted(set(expected) - set(run.outputs))]
    details += [f"unexpected output {p}" for p in sorted(set(run.outputs) - set(expected))]
    good = 0
    for path, spec in expected.items():
        if path in run.outputs:
            ok, why = matches(spec, run.outputs[path])
            good += ok
            if not ok:
                details.append(f"{path} differs: {why}")
    summary = f"{good}/{len(expected)}"
    extra = len(set(run.outputs) - set(expected))
    if extra:
        summary += f" +{extra}"
    return Check("outputs", not details, summary, tuple(details))


def _warnings(case: Case, run: ScriptRun) -> Check:
    if case.warnings is None:
        names = ", ".join(sorted(run.warnings))
        notes = (f"deprecation warnings (not compared): {names}",) if names else ()
        return Check("warnings", True, f"– {len(run.warnings)}", (), notes)
    missing, unexpected = case.warnings - run.warnings, run.warnings - case.warnings
    details = [f"expected warning not seen: {n}" for n in sorted(missing)]
    details += [f"unexpected warning: {n}" for n in sorted(unexpected)]
    sign = "=" if not details else "≠"
    return Check(
        "warnings", not details, f"{len(case.warnings)} {sign} {len(run.warnings)}", tuple(details)
    )


def _log(case: Case, run: ScriptRun) -> Check:
    streams = run.streams
    missing = [line for line in case.log_contains if line not in streams]
    found = len(case.log_contains) - len(missing)
    summary = f"{found}/{len(case.log_contains)}" if case.log_contains else "–"
    return Check("log", not missing, summary, tuple(f"log line not found: {m!r}" for m in missing))


def leaked_secrets(run: ScriptRun, secrets: Iterable[str]) -> list[str]:
    """Secrets (and issued tokens) found in the run's streams, logs or outputs — masked."""
    outputs = "".join(data.decode("utf-8", "replace") for data in run.outputs.values())
    haystack = run.streams + outputs
    found = [s for s in sorted(secrets) if s in haystack]
    if ISSUED_TOKEN_PREFIX in haystack:
        found.append(ISSUED_TOKEN_PREFIX + "…")
    return [s if s.endswith("…") else s[:4] + "…" for s in found]


def _secrets(run: ScriptRun, secrets: Iterable[str]) -> Check:
    leaks = leaked_secrets(run, secrets)
    summary = "none" if not leaks else f"{len(leaks)} leaked"
    return Check("secrets", not leaks, summary, tuple(f"secret leaked: {s}" for s in leaks))


def _http(case: Case, run: ScriptRun) -> Check:
    if case.cassette is None:
        return Check("http", True, "–")
    from txo.migrate.verify.http import compare_http, read_cassette

    multiset = case.http_order == "multiset" or run.http_threads > 1
    result = compare_http(read_cassette(case.cassette), run.http_sent, multiset=multiset)
    return Check("http", result.ok, result.summary, result.details, result.notes)


def compare_run(case: Case, run: ScriptRun, secrets: Iterable[str]) -> CaseResult:
    """Every check of ``run`` against ``case``."""
    known = tuple(secrets)
    checks = (
        _exit(case, run),
        _outputs(case, run),
        _warnings(case, run),
        _log(case, run),
        _secrets(run, known),
        _http(case, run),
    )
    return CaseResult(case, run, checks)
