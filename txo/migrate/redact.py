"""Report text goes through the log redactor: findings quote source, and source may hold secrets.

A finding's message can quote code (the receiver of a soft ``.get()``, an
expression passed to ``print``), and a legacy script's code is where literal
tokens and passwords live.  Every report a human or CI reads (check's
formats, the scorecard, internal-error lines) is passed through the same
:class:`txo.log.Redactor` the logs use, with the bundled patterns (``check``
knows no run's secrets).  Cheap: built only when there is text to redact,
and each distinct message is redacted once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from txo.migrate.findings import Finding

if TYPE_CHECKING:
    from txo.log import Redactor

__all__ = ["ReportRedactor"]


class ReportRedactor:
    """Redacts report text with the logging patterns; the redactor is built on first use."""

    __slots__ = ("_memo", "_redactor")

    def __init__(self, redactor: Redactor | None = None) -> None:
        self._redactor = redactor
        self._memo: dict[str, str] = {}

    def text(self, value: str) -> str:
        """``value`` with every secret-looking match replaced by ``[REDACTED]``."""
        done = self._memo.get(value)
        if done is None:
            if self._redactor is None:
                from txo.log import Redactor, SecretRegistry, load_redaction_patterns

                self._redactor = Redactor(load_redaction_patterns(), SecretRegistry())
            done = self._redactor.redact(value)
            self._memo[value] = done
        return done

    def findings(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings with redacted messages (the same objects where nothing changed)."""
        out: list[Finding] = []
        for finding in findings:
            message = self.text(finding.message)
            if message != finding.message:
                finding = dataclasses.replace(finding, message=message)
            out.append(finding)
        return out

    def pairs(self, pairs: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        """(path, message) pairs, such as internal errors, with redacted messages."""
        return tuple((path, self.text(message)) for path, message in pairs)
