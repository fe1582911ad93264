"""``txo-migrate record``: run a project's legacy scripts on its own ``utils/`` and keep what
they did — exit code, files written, WARNING/ERROR lines and every HTTP exchange (a vcrpy
cassette per run, secrets replaced by placeholders) — for ``txo-migrate verify`` to replay.

* :mod:`.manifest` — which runs (``--run`` or ``txo-record.json``, ``--init``);
* :mod:`.recorder` — one project copy and one legacy-interpreter process per run;
* :mod:`.boot` — the legacy-side bootstrap (no txo import);
* :mod:`.scrub` — secrets and credentials out before anything is written.
"""
