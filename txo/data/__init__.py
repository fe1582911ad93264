"""Smart file save/load: ``DataHandler`` with one codec per file type and atomic writes.

Importing this package does not import pandas, openpyxl or PyYAML; each is
imported by the codec that needs it, the first time it is used.
"""

from __future__ import annotations

from txo.data.atomic import atomic_write
from txo.data.codecs.base import Codec, ImportModule, Writer
from txo.data.codecs.registry import CodecRegistry
from txo.data.handler import DataFileNotFoundError, DataHandler

__all__ = [
    "Codec",
    "CodecRegistry",
    "DataFileNotFoundError",
    "DataHandler",
    "ImportModule",
    "Writer",
    "atomic_write",
]
