"""The recording side: run one legacy script on the project's own ``utils/`` under vcrpy.

``LEGACY_PYTHON boot.py SPEC.json`` — started by :mod:`txo.migrate.record.recorder` in a copy
of the project.  It puts the project root and the script's folder on ``sys.path`` (as v2.1
scripts ran), records every HTTP exchange into the cassette through vcrpy (``requests``,
``urllib3``, ``httpx``, ``http.client``), scrubbed by :mod:`scrub` before it is written, keeps
the WARNING/ERROR log messages and which threads sent requests, runs the script as
``__main__`` and exits with the script's exit code.

WHY plain Python with no txo import: this runs under the user's legacy interpreter, where
txo is not installed.  vcrpy is taken from that interpreter, else from the paths the spec
lists (txo's own environment), appended so the legacy project's packages win.  The one
exception: a project without its own ``utils/`` is recorded on :mod:`txo.compat`, run as
``python -m txo.compat [--target T] SCRIPT ARGS`` would run it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import runpy
import sys
import threading
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["main"]


def _load(name: str) -> ModuleType:
    """``NAME.py`` beside this file, under a private name (the script may have its own)."""
    where = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_txo_record_{name}", where)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _import_vcr(fallback: list[str]) -> Any:
    try:
        import vcr  # type: ignore[import-untyped]
    except ImportError:
        sys.path.extend(p for p in fallback if p not in sys.path)
        import vcr
    return vcr


class _LogCapture:
    """WARNING and ERROR messages of every logger, however the legacy library set logging up."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._lock = threading.Lock()
        self._original = logging.Logger.handle

    def install(self) -> None:
        original, messages, lock = self._original, self.messages, self._lock

        def handle(logger: logging.Logger, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                with lock:
                    messages.append(record.getMessage())
            original(logger, record)

        logging.Logger.handle = handle  # type: ignore[method-assign,assignment]


def _persister() -> Any:
    from vcr.serialize import serialize  # type: ignore[import-untyped]

    class AtomicPersister:
        """vcrpy's file persister, writing through a temporary file and a rename."""

        @staticmethod
        def load_cassette(path: str, serializer: Any) -> Any:
            from vcr.persisters.filesystem import FilesystemPersister  # type: ignore[import-untyped]

            return FilesystemPersister.load_cassette(path, serializer)

        @staticmethod
        def save_cassette(path: str, cassette_dict: Any, serializer: Any) -> None:
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(target.name + ".tmp")
            temp.write_text(serialize(cassette_dict, serializer), "utf-8")
            os.replace(temp, target)

    return AtomicPersister


def _cassette_class(vcr: Any, threads: set[int]) -> Any:
    from vcr.cassette import Cassette  # type: ignore[import-untyped]

    class ThreadNotingCassette(Cassette):  # type: ignore[misc]
        """Notes which threads sent requests: several mean the order is not deterministic.

        Never plays back, at constant cost per request (a 10,000-exchange recording).
        """

        def can_play_response_for(self, request: Any) -> bool:
            return False  # recording never plays back; vcrpy would scan every interaction

        def append(self, request: Any, response: Any) -> None:
            threads.add(threading.get_ident())
            super().append(request, response)

    return ThreadNotingCassette


def _serialise_requests() -> None:
    """One ``requests`` exchange at a time while recording.

    WHY: vcrpy's urllib3 stubs lose exchanges when several threads send through one
    ``requests.Session`` at once (seen: 16 of 24 recorded).  Holding a lock around each send
    changes the timing of a threaded legacy script, never what it sends; the recording notes
    the threads, and verify compares such runs as a multiset.
    """
    try:
        from requests.adapters import HTTPAdapter
    except ImportError:
        return
    adapter_class: Any = HTTPAdapter
    lock, send = threading.Lock(), adapter_class.send

    def locked_send(adapter: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return send(adapter, *args, **kwargs)

    adapter_class.send = locked_send


def _run_script(script: str, args: list[str], root: Path) -> int:
    sys.argv = [script, *args]
    for folder in (str(root), str((root / script).resolve().parent)):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def main(spec_file: str) -> int:
    """Record the run the spec describes; return the script's exit code."""
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    scrubber = _load("scrub").Scrubber(spec["secrets"])
    serializer = _load("cassette_io").CommentedJson
    vcr = _import_vcr(spec["fallback_paths"])
    from vcr.filters import decode_response  # type: ignore[import-untyped]
    from vcr.record_mode import RecordMode  # type: ignore[import-untyped]

    threads: set[int] = set()
    capture = _LogCapture()
    capture.install()
    _serialise_requests()
    cassette = _cassette_class(vcr, threads).use(
        path=spec["cassette"],
        record_mode=RecordMode.ALL,
        persister=_persister(),
        serializer=serializer,
        before_record_request=scrubber.request,
        before_record_response=lambda r: scrubber.response(decode_response(r)),
    )
    with cassette:
        if spec["compat"] is None:
            code = _run_script(spec["script"], spec["args"], Path.cwd())
        else:  # no utils/ of its own: txo.compat is the legacy library (txo is importable)
            from txo.compat.__main__ import main as run_under_compat

            code = run_under_compat([*spec["compat"], spec["script"], *spec["args"]])
    sidecar = {
        "log": [scrubber.text(m) for m in capture.messages],
        "threads": len(threads),
    }
    Path(spec["sidecar"]).write_text(json.dumps(sidecar), encoding="utf-8")
    return code


def cli() -> None:  # txo: entry-point
    """Exit with the legacy script's exit code."""
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if not p or str(Path(p).resolve()) != here]  # no shadowing
    raise SystemExit(main(sys.argv[1]))


if __name__ == "__main__":
    cli()
