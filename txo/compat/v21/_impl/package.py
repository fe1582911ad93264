"""The v2.1 package's own attributes."""

from __future__ import annotations

__all__ = ["__version__"]

#: What ``utils.__version__`` said in v2.1.1 (the file was never bumped).
__version__ = "2.0.0"
