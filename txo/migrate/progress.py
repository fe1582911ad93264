"""A one-line progress bar for long ``txo-migrate`` commands, shown only on a terminal.

``check`` draws it over many files; ``fix``, ``verify`` and ``record`` over many files or runs.
WHY one helper: the same look everywhere, and the same rule — a bar only when the stream is a
TTY and the work is long enough to need one, so piped or captured output stays clean.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["PROGRESS_MIN_FILES", "Progress", "progress_for"]

#: ``check`` and ``fix`` are fast per file: a bar only over trees at least this big.
PROGRESS_MIN_FILES = 200
_WIDTH = 30


class Progress:
    """Redrawn at most ten times a second (and at the end); :meth:`clear` before other output."""

    def __init__(
        self,
        total: int,
        stream: TextIO,
        unit: str = "files",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self.done, self.stream, self.unit = total, 0, stream, unit
        self._clock, self._last = clock, float("-inf")
        self._lock = threading.Lock()  # verify's runs finish on several threads

    def __call__(self, n: int = 1, *, redraw: bool = False) -> None:
        """Count ``n`` more done; ``redraw`` draws now (after :meth:`clear` and a line)."""
        with self._lock:
            self.done += n
            now = self._clock()
            if redraw or now - self._last >= 0.1 or self.done >= self.total:
                self._last = now
                self.draw()

    def draw(self) -> None:
        filled = _WIDTH * min(self.done, self.total) // max(self.total, 1)
        bar = "#" * filled + "." * (_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} {self.unit}")
        self.stream.flush()

    def clear(self) -> None:
        """Erase the bar (before printing a line to the same terminal, and at the end)."""
        self.stream.write("\r" + " " * 60 + "\r")
        self.stream.flush()

    close = clear


def progress_for(
    total: int, stream: TextIO, *, minimum: int, unit: str = "files", enabled: bool = True
) -> Progress | None:
    """A bar when ``enabled``, ``total`` reaches ``minimum`` and ``stream`` is a TTY; else None."""
    if not enabled or total < minimum or not stream.isatty():
        return None
    return Progress(total, stream, unit)
