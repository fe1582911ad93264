"""Replaying a recording vs running the same script against the loopback fake API.

A legacy script making N GETs (N = ``memory_scale.requests``: 10,000 under
``TXO_MEMORY_SCALE=full``, 300 in CI) is recorded once on the stand-in legacy library.
Subject: ``verify``'s replay of it (a fresh ``python -m txo.migrate.verify.replay`` process:
the cassette loaded, every request answered from it and logged for the comparison).
Baseline: the same script under ``python -m txo.compat`` against the fake Business Central
API on a real 127.0.0.1 socket.  Target: replay at most 2x the baseline's time.  Memory:
each process's peak RSS (VmHWM) is recorded in ``extra_info``; replay at N and at N/10
shows how memory grows with the recording: responses stay on disk until played, so only an
index (about 600 bytes per exchange) grows.  Under ``--benchmark-disable`` each side runs
once and the test checks the replay still answered every request.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tools.bench import BASELINE, SUBJECT, tag
from tools.memory import MemoryScale
from txo.migrate.record.manifest import RunSpec
from txo.migrate.record.recorder import record_project
from txo.migrate.verify.corpus import Corpus, load_corpus
from txo.migrate.verify.runner import command_for, prepare_project
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.server import LoopbackServer

pytestmark = pytest.mark.loopback

GROUP = "migrate-replay: replay vs loopback fake (≤ 2x)"
STANDIN = Path(__file__).resolve().parents[1] / "data" / "legacy_standin"
TOKEN = "standin-preissued-token-7f3a91c2e5"
SCRIPT = '''"""N GETs, five customers in turn (benchmark script)."""
import os
from pathlib import Path

from utils.api_factory import create_rest_api
from utils.script_runner import parse_args_and_load_config


def main():
    config = parse_args_and_load_config("Many GETs", require_token=True)
    base = config["global"]["api-base-url"]
    api = create_rest_api(config)
    company = api.get(f"{base}/companies")["value"][0]["id"]
    url = f"{base}/companies({company})/customers"
    ids = [c["id"] for c in api.get(url)["value"]]
    total = 0
    for i in range(int(os.environ["MANY_GETS"]) - 2):
        total += len(api.get(f"{url}({ids[i % len(ids)]})")["displayName"])
    Path("output").mkdir(exist_ok=True)
    Path("output/total.txt").write_text(f"{total}\\n")
    api.close()


if __name__ == "__main__":
    main()
'''


@dataclass(frozen=True)
class Recorded:
    corpus: Corpus
    project: Path
    requests: int


def _project(target: Path, url: str) -> Path:
    shutil.copytree(STANDIN, target)
    (target / "scripts" / "many_gets.py").write_text(SCRIPT)
    config = target / "config" / "standin-api-config.json"
    config.write_text(config.read_text().replace("{{API_URL}}", url))
    return target


def _record(root: Path, requests: int) -> Recorded:
    fake = FakeBusinessCentral()
    fake.accept_token(TOKEN)
    with LoopbackServer(fake.handle, max_requests=200_000, max_seconds=900.0) as server:
        project = _project(root / "project", server.url)
        spec = RunSpec("scripts/many_gets.py", ("standin", "api"), (("MANY_GETS", str(requests)),))
        out = project / ".txo-verify"
        (run,) = record_project(project, [spec], out, legacy_python=sys.executable, timeout=1800)
    assert run.exit_code == 0 and run.exchanges == requests, run.stderr_tail
    return Recorded(load_corpus(project / ".txo-verify"), project, requests)


@pytest.fixture(scope="module")
def recordings(
    tmp_path_factory: pytest.TempPathFactory, memory_scale: MemoryScale
) -> Iterator[tuple[Recorded, Recorded]]:
    full = memory_scale.requests
    big = _record(tmp_path_factory.mktemp("replay-big"), full)
    small = _record(tmp_path_factory.mktemp("replay-small"), max(10, full // 10))
    yield big, small


def _environment(requests: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PROJECT_ROOT", "PYTHONWARNINGS")}
    txo_home = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (txo_home, env.get("PYTHONPATH", "")) if p)
    env["MANY_GETS"] = str(requests)
    return env


#: Runs ``python -m MODULE ARGS`` and writes the process's peak RSS (VmHWM, KiB) at exit.
#: WHY not ``wait4``'s ru_maxrss: it includes the forking pytest process's size.
_PEAK_RSS = """import atexit, runpy, sys
out = sys.argv[1]
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            open(out, "w").write(line.split()[1])
atexit.register(_peak)
sys.argv = sys.argv[2:]
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""


def _timed(module_args: list[str], cwd: Path, requests: int) -> tuple[float, int]:
    """(seconds, peak RSS in KiB) of ``python -m MODULE ARGS``; fails on a non-zero exit."""
    peak = cwd.parent / "peak-rss.txt"
    command = [sys.executable, "-c", _PEAK_RSS, str(peak), *module_args]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=_environment(requests), capture_output=True)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return elapsed, int(peak.read_text()) if peak.is_file() else 0


def _replay(recorded: Recorded, work: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS KiB, requests logged) of one replay in a fresh project copy."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    root = prepare_project(recorded.project, work / "project", "http://127.0.0.1:9")
    command = command_for(recorded.corpus.cases[0], work)  # [python, -m, module, spec]
    seconds, rss = _timed(command[2:], root, recorded.requests)
    logged = sum(1 for _ in (work / "requests.jsonl").open())
    return seconds, rss, logged


def test_replay_of_a_long_recording(
    benchmark: Any, recordings: tuple[Recorded, Recorded], tmp_path: Path
) -> None:
    tag(benchmark, GROUP, SUBJECT)
    big, small = recordings
    _small_s, small_rss, _ = _replay(small, tmp_path / "small")
    seconds, rss, logged = benchmark.pedantic(
        _replay, (big, tmp_path / "big"), rounds=3, warmup_rounds=0
    )
    assert logged == big.requests
    benchmark.extra_info.update(
        {"requests": big.requests, "peak_rss_kib": rss, "peak_rss_kib_at_tenth": small_rss}
    )
    print(f"\nreplay {big.requests}: {seconds:.2f} s, peak RSS {rss} KiB ({small_rss} at N/10)")


def test_same_script_against_the_loopback_fake(
    benchmark: Any, recordings: tuple[Recorded, Recorded], tmp_path: Path
) -> None:
    tag(benchmark, GROUP, BASELINE)
    big, _small = recordings
    fake = FakeBusinessCentral()
    fake.accept_token(TOKEN)
    with LoopbackServer(fake.handle, max_requests=200_000, max_seconds=900.0) as server:
        project = _project(tmp_path / "live", server.url)
        command = ["txo.compat", "scripts/many_gets.py", "standin", "api"]
        seconds, rss = benchmark.pedantic(
            _timed, (command, project, big.requests), rounds=3, warmup_rounds=0
        )
    assert len(fake.api_requests) >= big.requests
    benchmark.extra_info.update({"requests": big.requests, "peak_rss_kib": rss})
    print(f"\nloopback {big.requests}: {seconds:.2f} s, peak RSS {rss} KiB")
