"""A legacy corpus: a folder of v2.1 scripts plus ``expectations.json`` saying what each run does.

The file (see ``migration/legacy/expectations.json``; its JSON Schema is
``txo/migrate/verify/expectations.schema.json``, documented in ``docs/verify.md``) holds

* ``fake_bc`` (optional): ``tenant_id``, ``client_id``, ``client_secret``, ``accept_tokens`` —
  how the fake Business Central API is set up when a script needs it;
* ``project`` (optional): the project folder, relative to the file's folder (default: the
  folder itself).  ``txo-migrate record`` writes its recordings beside the project this way;
* ``env``: extra environment variables for every run (``{{FAKE_BC_URL}}`` is replaced);
* ``scripts``: one entry per run with ``script``, ``args``, ``exit_code``, ``warnings`` (the
  exact set of deprecated v2.1 names), ``outputs`` (``{path: {kind: content}}``, kind one of
  ``text``, ``gzip_text``, ``hex``, ``xlsx_rows``), ``log_contains`` and optionally
  ``fake_setup`` (``{"fail_next": [2, 503]}``: a :class:`FakeBusinessCentral` call),
  ``needs_api`` (bool) and ``ignore_timestamps`` (bool, per run or per output entry: ISO-8601
  and ``YYYYMMDD_HHMMSS`` stamps compare equal).  ``warnings`` is optional: without it the
  warnings seen are reported, not compared.  A recorded run also has ``cassette`` (the vcrpy
  cassette its HTTP requests are answered from and compared with), ``http_order``
  (``sequence`` or ``multiset``), ``env`` and ``timeout``; its outputs are every file the run
  created or changed anywhere in the project, not only under ``output/``.  Any run may name
  the legacy release it runs as, ``target`` (``2.1`` or ``3.1``): passed on as
  ``python -m txo.compat --target …`` (else ``TXO_COMPAT_TARGET`` from ``env``, else 2.1).

A run needs the fake API when ``needs_api`` says so, or when it has a ``fake_setup``, or when its
``config/{org}-{env}-config*.json`` holds the ``{{FAKE_BC_URL}}`` placeholder.  Loading checks
every field and raises :class:`CorpusError` naming the bad one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "EXPECTATIONS_FILE",
    "FAKE_SETUP_CALLS",
    "OUTPUT_KINDS",
    "PLACEHOLDER",
    "TARGETS",
    "Case",
    "Corpus",
    "CorpusError",
    "ExpectedOutput",
    "FakeApiSpec",
    "load_corpus",
]

EXPECTATIONS_FILE = "expectations.json"
PLACEHOLDER = "{{FAKE_BC_URL}}"
OUTPUT_KINDS = frozenset({"text", "gzip_text", "hex", "xlsx_rows"})
FAKE_SETUP_CALLS = frozenset({"fail_next", "throttle", "timeout_next"})
#: The legacy releases a run may target (``python -m txo.compat --target``).
TARGETS = ("2.1", "3.1")
_MIN_SECRET = 4
_T = TypeVar("_T")


class CorpusError(ValueError):
    """The folder is not a corpus, or its expectations file is malformed (a usage error)."""


@dataclass(frozen=True, slots=True)
class ExpectedOutput:
    """One output file a run must write: its path, how to decode it, and the content."""

    path: str
    kind: str
    content: Any
    ignore_timestamps: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    """One recorded run of a legacy script."""

    script: str
    args: tuple[str, ...]
    exit_code: int
    warnings: frozenset[str] | None
    outputs: tuple[ExpectedOutput, ...]
    log_contains: tuple[str, ...]
    fake_setup: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    needs_api: bool = False
    cassette: Path | None = None
    http_order: str = "sequence"
    env: tuple[tuple[str, str], ...] = ()
    timeout: float | None = None
    target: str | None = None

    @property
    def name(self) -> str:
        """The script's stem: ``02_custom_args``."""
        return Path(self.script).stem

    @property
    def id(self) -> str:
        """Unique per run: the stem, the arguments after ORG ENV, the target (``10_x-…@3.1``)."""
        extra = self.args[2:]
        at = f"@{self.target}" if self.target else ""
        return self.name + ("-" + "-".join(extra) if extra else "") + at

    @property
    def label(self) -> str:
        """For tables: the stem plus the arguments after ORG ENV, then ``@TARGET`` if given."""
        at = (f"@{self.target}",) if self.target else ()
        return " ".join((self.name, *self.args[2:], *at))


@dataclass(frozen=True, slots=True)
class FakeApiSpec:
    """How the fake Business Central API is built for a run."""

    tenant_id: str
    client_id: str
    client_secret: str
    accept_tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Corpus:
    """A loaded corpus folder: the fake API spec, the environment and the runs."""

    root: Path
    fake_api: FakeApiSpec | None
    env: tuple[tuple[str, str], ...]
    cases: tuple[Case, ...]
    secrets: frozenset[str]
    project: Path | None = None

    @property
    def source(self) -> Path:
        """The project the scripts live in: ``project`` when given, else the corpus folder."""
        return self.project or self.root

    def select(self, names: Sequence[str]) -> Corpus:
        """Only the runs of the named scripts (stem, file name, path or id); all when empty."""
        if not names:
            return self
        chosen = [c for c in self.cases if any(_names_case(n, c) for n in names)]
        unknown = [n for n in names if not any(_names_case(n, c) for c in self.cases)]
        if unknown:
            known = ", ".join(sorted({c.name for c in self.cases}))
            raise CorpusError(f"no script named {', '.join(unknown)} in {self.root} ({known})")
        return replace(self, cases=tuple(chosen))


def _names_case(name: str, case: Case) -> bool:
    return name in (case.name, case.id, case.script, Path(case.script).name)


def _field(data: Mapping[str, Any], key: str, kind: type[_T], where: str) -> _T:
    if key not in data:
        raise CorpusError(f"{EXPECTATIONS_FILE}: {where} has no {key!r}")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CorpusError(f"{EXPECTATIONS_FILE}: {where}.{key} must be a {kind.__name__}")
    return value


def _optional(data: Mapping[str, Any], key: str, kind: type[_T], default: _T, where: str) -> _T:
    return _field(data, key, kind, where) if key in data else default


def _strings(values: list[Any], where: str) -> tuple[str, ...]:
    if not all(isinstance(v, str) for v in values):
        raise CorpusError(f"{EXPECTATIONS_FILE}: {where} must hold only strings")
    return tuple(values)


def _output(path: str, spec: Any, default_ignore: bool, where: str) -> ExpectedOutput:
    if not isinstance(spec, dict):
        raise CorpusError(f"{EXPECTATIONS_FILE}: {where} must be an object")
    ignore = _optional(spec, "ignore_timestamps", bool, default_ignore, where)
    kinds = [k for k in spec if k != "ignore_timestamps"]
    if len(kinds) != 1 or kinds[0] not in OUTPUT_KINDS:
        allowed = ", ".join(sorted(OUTPUT_KINDS))
        raise CorpusError(f"{EXPECTATIONS_FILE}: {where} needs exactly one of {allowed}")
    return ExpectedOutput(path, kinds[0], spec[kinds[0]], ignore)


def _fake_setup(raw: dict[str, Any], where: str) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    calls = []
    for name, args in raw.items():
        if name not in FAKE_SETUP_CALLS or not isinstance(args, list):
            allowed = ", ".join(sorted(FAKE_SETUP_CALLS))
            raise CorpusError(f"{EXPECTATIONS_FILE}: {where}.{name}: expected one of {allowed}")
        calls.append((name, tuple(args)))
    return tuple(calls)


def _recorded(root: Path, raw: dict[str, Any], where: str) -> dict[str, Any]:
    """The recorded-run fields: cassette, http_order, env, timeout."""
    found: dict[str, Any] = {}
    if "cassette" in raw:
        cassette = root / _field(raw, "cassette", str, where)
        if not cassette.is_file():
            raise CorpusError(f"{EXPECTATIONS_FILE}: {where}: cassette not found: {cassette}")
        found["cassette"] = cassette
    order = _optional(raw, "http_order", str, "sequence", where)
    if order not in ("sequence", "multiset"):
        raise CorpusError(f"{EXPECTATIONS_FILE}: {where}.http_order: sequence or multiset")
    env = _optional(raw, "env", dict, {}, where)
    found["env"] = tuple(
        sorted(zip(env, _strings(list(env.values()), f"{where}.env"), strict=True))
    )
    if "target" in raw:
        found["target"] = _target(raw, where)
    if "timeout" in raw:
        timeout = raw["timeout"]
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise CorpusError(f"{EXPECTATIONS_FILE}: {where}.timeout: seconds above 0")
        found["timeout"] = float(timeout)
    return {**found, "http_order": order}


def _target(raw: dict[str, Any], where: str) -> str:
    target = _field(raw, "target", str, where)
    if target not in TARGETS:
        raise CorpusError(f"{EXPECTATIONS_FILE}: {where}.target: one of {', '.join(TARGETS)}")
    return target


def _case(root: Path, project: Path, raw: Any, index: int) -> Case:
    where = f"scripts[{index}]"
    if not isinstance(raw, dict):
        raise CorpusError(f"{EXPECTATIONS_FILE}: {where} must be an object")
    script = _field(raw, "script", str, where)
    if not (project / script).is_file():
        raise CorpusError(f"{EXPECTATIONS_FILE}: {where}: script not found: {project / script}")
    args = _strings(_field(raw, "args", list, where), f"{where}.args")
    ignore = _optional(raw, "ignore_timestamps", bool, False, where)
    outputs = _field(raw, "outputs", dict, where)
    setup = _fake_setup(_optional(raw, "fake_setup", dict, {}, where), f"{where}.fake_setup")
    needs = (
        _field(raw, "needs_api", bool, where)
        if "needs_api" in raw
        else bool(setup) or _uses_placeholder(project, args)
    )
    warnings = _optional(raw, "warnings", list, None, where)
    return Case(
        script=script,
        args=args,
        exit_code=_field(raw, "exit_code", int, where),
        warnings=None if warnings is None else frozenset(_strings(warnings, f"{where}.warnings")),
        outputs=tuple(
            _output(p, s, ignore, f"{where}.outputs[{p!r}]") for p, s in sorted(outputs.items())
        ),
        log_contains=_strings(
            _optional(raw, "log_contains", list, [], where), f"{where}.log_contains"
        ),
        fake_setup=setup,
        needs_api=needs,
        **_recorded(root, raw, where),
    )


def _uses_placeholder(root: Path, args: Sequence[str]) -> bool:
    if len(args) < 2:
        return False
    files = (root / "config").glob(f"{args[0]}-{args[1]}-config*.json")
    return any(PLACEHOLDER in f.read_text(encoding="utf-8") for f in files)


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        yield str(value)


def _secrets(root: Path, fake: FakeApiSpec | None) -> frozenset[str]:
    """Every value of ``config/*-secrets.json`` plus the fake API's client secret and tokens."""
    values = set() if fake is None else {fake.client_secret, *fake.accept_tokens}
    for file in sorted((root / "config").glob("*-secrets.json")):
        values.update(_leaves(_read_json(file)))
    return frozenset(v for v in values if len(v) >= _MIN_SECRET)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"cannot read {path}: {exc}") from None


def _fake_api(raw: Any) -> FakeApiSpec:
    if not isinstance(raw, dict):
        raise CorpusError(f"{EXPECTATIONS_FILE}: fake_bc must be an object")
    return FakeApiSpec(
        tenant_id=_field(raw, "tenant_id", str, "fake_bc"),
        client_id=_field(raw, "client_id", str, "fake_bc"),
        client_secret=_field(raw, "client_secret", str, "fake_bc"),
        accept_tokens=_strings(_optional(raw, "accept_tokens", list, [], "fake_bc"), "fake_bc"),
    )


def _project(root: Path, data: dict[str, Any], override: Path | None) -> Path:
    if override is not None:
        project = override
    elif "project" in data:
        project = (root / _field(data, "project", str, "the file")).resolve()
    else:
        return root
    if not project.is_dir():
        raise CorpusError(f"project folder not found: {project} (give it with --project)")
    return project


def load_corpus(root: Path, project: Path | None = None) -> Corpus:
    """Read ``root/expectations.json``; CorpusError if the folder or the file is not usable.

    The scripts are looked up in ``project`` when given, else in the file's ``project``
    folder, else in ``root`` itself.
    """
    if not root.is_dir():
        raise CorpusError(f"not a folder: {root}")
    file = root / EXPECTATIONS_FILE
    if not file.is_file():
        raise CorpusError(f"{root} has no {EXPECTATIONS_FILE} (the recorded runs to verify)")
    data = _read_json(file)
    if not isinstance(data, dict):
        raise CorpusError(f"{EXPECTATIONS_FILE} must hold a JSON object")
    fake = _fake_api(data["fake_bc"]) if "fake_bc" in data else None
    source = _project(root, data, project)
    env = _optional(data, "env", dict, {}, "the file")
    if not all(isinstance(v, str) for v in env.values()):
        raise CorpusError(f"{EXPECTATIONS_FILE}: env values must be strings")
    raw_cases = _field(data, "scripts", list, "the file")
    cases = tuple(_case(root, source, raw, i) for i, raw in enumerate(raw_cases))
    if not cases:
        raise CorpusError(f"{EXPECTATIONS_FILE}: scripts is empty")
    if fake is None and any(c.needs_api for c in cases):
        raise CorpusError(f"{EXPECTATIONS_FILE}: a run needs the fake API but there is no fake_bc")
    project_dir = None if source == root else source
    return Corpus(
        root, fake, tuple(sorted(env.items())), cases, _secrets(source, fake), project_dir
    )
