"""What every rule is built on: the per-file context and the `Rule` base class.

A rule is a class with a stable `code`.  The engine makes one instance per
file, merges every instance's `handlers()` into one table keyed by AST node
type, walks the tree once and calls the handlers; `finish()` runs after the
walk for rules that decide only once the whole file is seen.  The class
docstring says why the rule exists and how it decides; `flagged` and
`accepted` are source examples that the test-suite runs and the rule's
documentation page shows.  Examples that are easier to read as real files
(or that text searches over ``txo/`` must not find, such as exit calls) live
in ``tests/data/rules/<CODE>/examples/{flagged,accepted}/*.py`` of the source
tree and follow the class's own, in file-name order.

A rule that can repair what it reports sets `fixable` (the applicability of
its fixes) and `fix_summary`, and passes a :class:`~txo.migrate.fixes.Fix`
built from the same node to :meth:`Rule.report` when
``ctx.options.with_fixes`` is set; `ctx.offset` / `ctx.segment` turn node
positions into the source offsets edits use.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from txo.migrate.findings import Finding
from txo.migrate.fixes import Applicability, Fix, source_lines
from txo.migrate.options import CheckOptions

__all__ = ["FileContext", "Handler", "Rule"]

Handler = Callable[[Any], None]

#: Example files of the source tree (absent from an installed package: pages are built here).
EXAMPLES_ROOT = Path(__file__).resolve().parents[3] / "tests" / "data" / "rules"


class FileContext:
    """Where the walk is in one file, plus the findings so far.

    The engine keeps `scopes` (Module, then each enclosing ClassDef and
    function), `qualname`, `in_main` (inside ``if __name__ == "__main__":``)
    and `in_entry` (inside a declared entry point) up to date while walking.
    """

    __slots__ = (
        "_lines",
        "_starts",
        "entry_lines",
        "findings",
        "in_entry",
        "in_main",
        "module",
        "options",
        "path",
        "qualname",
        "scopes",
        "source",
    )

    def __init__(
        self,
        source: str,
        path: str,
        module: str,
        options: CheckOptions,
        entry_lines: frozenset[int] = frozenset(),
    ) -> None:
        self.source = source
        self.path = path
        self.module = module
        self.options = options
        self.entry_lines = entry_lines
        self.findings: list[Finding] = []
        self.scopes: list[ast.AST] = []
        self.qualname: list[str] = []
        self.in_main = False
        self.in_entry = False
        self._lines: list[str] | None = None
        self._starts: list[int] | None = None

    @property
    def lines(self) -> list[str]:
        """Source lines split the way the tokenizer numbers them (built on first use)."""
        if self._lines is None:
            text = self.source.replace("\r\n", "\n").replace("\r", "\n")
            self._lines = text.split("\n")
        return self._lines

    @property
    def at_module_level(self) -> bool:
        """True outside every class and function body."""
        return len(self.scopes) == 1

    def column(self, line: int, byte_offset: int) -> int:
        """ast columns are UTF-8 byte offsets; reports want 1-based character columns."""
        lines = self.lines
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        if text.isascii():
            return byte_offset + 1
        return len(text.encode()[:byte_offset].decode("utf-8", "replace")) + 1

    def offset(self, line: int, byte_offset: int) -> int:
        """The character offset in `source` of an ast position (1-based line, byte column)."""
        if self._starts is None:
            starts = [0]
            for text in source_lines(self.source):
                starts.append(starts[-1] + len(text))
            self._starts = starts
        return self._starts[line - 1] + self.column(line, byte_offset) - 1

    def span(self, node: Any) -> tuple[int, int]:
        """(start, end) character offsets of `node` in `source`."""
        start = self.offset(node.lineno, node.col_offset)
        return start, self.offset(node.end_lineno, node.end_col_offset)

    def segment(self, node: Any) -> str:
        """The source text of `node`."""
        start, end = self.span(node)
        return self.source[start:end]

    def report(self, code: str, node: Any, message: str, fix: Fix | None = None) -> None:
        """Record a finding at `node`'s position, with the fix that repairs it (if any)."""
        line: int = node.lineno
        end_line: int | None = getattr(node, "end_lineno", None)
        end_off: int | None = getattr(node, "end_col_offset", None)
        end_col = None if end_line is None or end_off is None else self.column(end_line, end_off)
        col = self.column(line, node.col_offset)
        finding = Finding(code, message, self.path, line, col, end_line, end_col, fix=fix)
        self.findings.append(finding)


class Rule:
    """Base class: subclasses set the class attributes and override what they need."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    level: ClassVar[str] = "error"
    inspects_tree: ClassVar[bool] = True
    fixable: ClassVar[Applicability | None] = None
    fix_summary: ClassVar[str] = ""
    flagged: ClassVar[tuple[str, ...]] = ()
    accepted: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ctx: FileContext, shared: object = None) -> None:
        self.ctx = ctx
        self.shared = shared

    @classmethod
    def prepare(cls, options: CheckOptions) -> object:
        """Build data shared by every file of a run (once per process), e.g. lookup tables."""
        return None

    @classmethod
    def description(cls) -> str:
        """The full documentation: the class docstring."""
        return inspect.cleandoc(cls.__doc__ or cls.summary)

    @classmethod
    def examples(cls, kind: str) -> tuple[str, ...]:
        """``kind`` ("flagged" or "accepted"): the class's examples, then its example files."""
        folder = EXAMPLES_ROOT / cls.code / "examples" / kind
        files = sorted(folder.glob("*.py")) if folder.is_dir() else []
        inline: tuple[str, ...] = getattr(cls, kind)
        return inline + tuple(path.read_text(encoding="utf-8") for path in files)

    @classmethod
    def markdown(cls) -> str:
        """The rule's documentation page (docs/rules/<code>.md is generated from this)."""
        parts = [f"# {cls.code} `{cls.name}`", "", cls.summary + ".", "", cls.description(), ""]
        if cls.fixable is not None:
            parts += [
                "## Fix",
                "",
                f"`txo-migrate fix` ({cls.fixable.value}): {cls.fix_summary}",
                "",
            ]
        for title, kind in (("Flagged", "flagged"), ("Accepted", "accepted")):
            examples = cls.examples(kind)
            parts += [f"## {title}", ""]
            for example in examples:
                parts += ["```python", example.rstrip("\n"), "```", ""]
        return "\n".join(parts)

    def handlers(self) -> Mapping[type[ast.AST], Handler]:
        """Node type -> bound method called for every such node, in source order."""
        return {}

    def finish(self) -> None:
        """Called once after the walk; rules that collect facts first report here."""

    def report(self, node: Any, message: str, fix: Fix | None = None) -> None:
        """Record a finding with this rule's code (and its fix, when the run wants fixes)."""
        self.ctx.report(self.code, node, message, fix)
