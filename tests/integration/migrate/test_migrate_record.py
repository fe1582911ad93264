"""``txo-migrate record`` then ``verify``: record on the stand-in legacy library, replay on compat.

The stand-in project (``tests/data/legacy_standin``) has its own requests-based ``utils/``.
One module-scoped recording is made against the fake Business Central API on loopback; the
server is stopped before any verify, so a replay that touched the network would fail.  Each
test verifies a fresh copy of the project, edited where the test changes a script.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from txo.migrate.cli import main
from txo.migrate.record.cli import add_record_arguments, run_record
from txo.migrate.verify import VerifyReport, verify_corpus
from txo.migrate.verify.render import render_text
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.server import LoopbackServer

pytestmark = pytest.mark.loopback

STANDIN = Path(__file__).resolve().parents[2] / "data" / "legacy_standin"
SECRETS = json.loads((STANDIN / "config" / "standin-api-config-secrets.json").read_text())
CLIENT_SECRET = SECRETS["client-secret"]
RUNS = (
    "scripts/sync_customers.py standin api",
    "scripts/local_report.py standin api",
    "scripts/parallel_fetch.py standin api",
    "scripts/which_utils.py standin api",
    "scripts/token_and_secrets.py standin api",
    "scripts/page_customers.py standin api",
)
SAME_ON_COMPAT = ("sync_customers", "local_report", "parallel_fetch", "token_and_secrets")


@dataclass(frozen=True)
class Recording:
    project: Path
    out: Path
    printed: str
    issued_tokens: int


def _copy_project(target: Path, url: str) -> Path:
    shutil.copytree(STANDIN, target)
    config = target / "config" / "standin-api-config.json"
    config.write_text(config.read_text().replace("{{API_URL}}", url))
    return target


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recording]:
    root = tmp_path_factory.mktemp("record")
    fake = FakeBusinessCentral(
        tenant_id="standin-tenant", client_id="standin-client", client_secret=CLIENT_SECRET
    )
    fake.accept_token(SECRETS["az-token"])
    with LoopbackServer(fake.handle) as server:
        project = _copy_project(root / "project", server.url)
        out = io.StringIO()
        runs = [arg for run in RUNS for arg in ("--run", run)]
        parser = argparse.ArgumentParser()
        add_record_arguments(parser)
        code = run_record(parser.parse_args([str(project), *runs]), stdout=out)
    assert code == 0, out.getvalue()
    yield Recording(project, project / ".txo-verify", out.getvalue(), fake.tokens_issued)


def _verify(recording: Recording, tmp_path: Path, scripts: tuple[str, ...]) -> VerifyReport:
    """Verify against a fresh copy of the recorded project (``--project``), offline."""
    project = tmp_path / "project"
    shutil.copytree(recording.project, project, ignore=shutil.ignore_patterns(".txo-verify"))
    return verify_corpus(recording.out, scripts=scripts, project=project, timeout=60)


def _edit(report_project: Path, script: str, old: str, new: str) -> None:
    path = report_project / "scripts" / script
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_record_prints_each_run_and_the_next_command(recording: Recording) -> None:
    assert "recorded scripts/sync_customers.py standin api: exit 0" in recording.printed
    assert "4 HTTP exchanges" in recording.printed
    assert "txo-migrate verify" in recording.printed
    data = json.loads((recording.out / "expectations.json").read_text())
    assert data["project"] == ".."
    assert "fake_bc" not in data and "Safe to commit" in data["_about"]
    by_script = {entry["script"]: entry for entry in data["scripts"]}
    assert by_script["scripts/parallel_fetch.py"]["http_order"] == "multiset"
    assert by_script["scripts/local_report.py"]["outputs"]["data/last_run.txt"] == {
        "text": "3 regions\n"
    }
    assert "1 customers had no phone number" not in by_script["scripts/sync_customers.py"]
    assert by_script["scripts/local_report.py"]["log_contains"] == ["Region North has no customers"]


def test_recorded_scripts_behave_the_same_under_compat(
    recording: Recording, tmp_path: Path
) -> None:
    report = _verify(recording, tmp_path, SAME_ON_COMPAT)
    assert report.ok, render_text(report)
    sync = report.result_for("sync_customers")
    assert sync.check("http").summary == "4 = 4"
    fetch = report.result_for("parallel_fetch")
    assert any("multiset" in note for note in fetch.check("http").notes)
    tokens = report.result_for("token_and_secrets").check("http")
    assert any("token requests: 1 recorded, 1 sent" in note for note in tokens.notes)


def test_compat_answers_import_utils_not_the_projects_own_folder(
    recording: Recording, tmp_path: Path
) -> None:
    report = _verify(recording, tmp_path, ("which_utils",))
    outputs = report.result_for("which_utils").check("outputs")
    assert not outputs.ok
    assert outputs.details == (
        "output/which_utils.txt differs: line 1: expected 'legacy stand-in', "
        "got 'not the stand-in'",
    )


def _verify_edited(
    recording: Recording, tmp_path: Path, script: str, old: str, new: str
) -> VerifyReport:
    project = tmp_path / "project"
    shutil.copytree(recording.project, project, ignore=shutil.ignore_patterns(".txo-verify"))
    _edit(project, script, old, new)
    return verify_corpus(recording.out, scripts=(Path(script).stem,), project=project, timeout=60)


def test_a_different_patch_body_fails_with_a_diff(recording: Recording, tmp_path: Path) -> None:
    report = _verify_edited(
        recording, tmp_path, "sync_customers.py", 'PHONE = "555-0100"', 'PHONE = "555-0199"'
    )
    http = report.result_for("sync_customers").check("http")
    assert not http.ok
    assert http.details[0].startswith("PATCH /api/v2.0/companies(")
    assert http.details[0].endswith("): different body")
    assert http.details[1] == '    phoneNumber: expected "555-0100", sent "555-0199"'
    assert "different body" in render_text(report)


def test_an_extra_delete_fails_as_unexpected(recording: Recording, tmp_path: Path) -> None:
    report = _verify_edited(
        recording,
        tmp_path,
        "sync_customers.py",
        "    without_phone =",
        "    api.delete(f\"{url}({created['id']})\", etag=created['@odata.etag'])\n"
        "    without_phone =",
    )
    result = report.result_for("sync_customers")
    http = result.check("http")
    assert not http.ok and not report.ok
    assert any(
        d.startswith("unexpected request #5: DELETE /api/v2.0/companies(") for d in http.details
    )
    assert result.check("exit").summary == "0 → 1"  # the cassette has no answer: no network


def test_a_different_output_file_fails(recording: Recording, tmp_path: Path) -> None:
    report = _verify_edited(
        recording,
        tmp_path,
        "sync_customers.py",
        'REPORT = "output/sync_report.json"',
        'REPORT = "output/sync_summary.json"',
    )
    outputs = report.result_for("sync_customers").check("outputs")
    assert outputs.details == (
        "missing output output/sync_report.json",
        "unexpected output output/sync_summary.json",
    )
    assert report.result_for("sync_customers").check("http").ok


def test_recording_holds_no_secret(recording: Recording) -> None:
    planted = [*SECRETS.values()]
    assert recording.issued_tokens >= 1
    for file in sorted(recording.out.rglob("*")):
        if file.is_file():
            text = file.read_text()
            for secret in planted:
                assert secret not in text, f"{secret[:6]}… in {file.name}"
            assert "fake-access-token-" not in text, file.name
            for header in ("authorization:", "x-api-key:", "cookie:", "bearer "):
                assert header not in text.lower(), f"{header} in {file.name}"
    cassette = (recording.out / "cassettes" / "token_and_secrets.yaml").read_text()
    assert cassette.startswith("# Recorded by `txo-migrate record`. Safe to commit")
    assert "<redacted:access_token>" in cassette
    assert "<redacted:standin-api-config-secrets.client-secret>" in cassette
    assert "Hook <redacted:standin-api-config-secrets.webhook-secret>" in cassette


def test_verify_finds_the_project_from_the_recording(recording: Recording) -> None:
    code = main(["verify", str(recording.out), "--script", "local_report"])
    assert code == 0


def test_init_writes_a_starter_manifest(tmp_path: Path) -> None:
    project = _copy_project(tmp_path / "p", "http://127.0.0.1:9")
    assert main(["record", str(project), "--init"]) == 0
    data = json.loads((project / "txo-record.json").read_text())
    assert {"script": "scripts/local_report.py", "args": ["standin", "api"]}.items() <= (
        data["runs"][0].items()
    )
    assert main(["record", str(project), "--init"]) == 2  # never overwrites


def test_recording_matches_the_published_schema(recording: Recording) -> None:
    import jsonschema

    from txo.migrate.verify.schema import expectations_schema

    data = json.loads((recording.out / "expectations.json").read_text())
    jsonschema.Draft202012Validator(expectations_schema()).validate(data)


def test_after_fix_copy_sends_the_same_requests(recording: Recording, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(recording.project, project, ignore=shutil.ignore_patterns(".txo-verify"))
    report = verify_corpus(
        recording.out, scripts=("sync_customers",), project=project, after_fix=True, timeout=60
    )
    assert report.migrations is not None
    (migrated,) = report.migrations
    assert migrated.fix.total > 0
    assert migrated.equivalent, render_text(report)
    assert migrated.different_requests == ()
    assert len(migrated.after.http_sent) == 4


def test_a_multi_page_v21_read_replays_every_page_under_compat(
    recording: Recording, tmp_path: Path
) -> None:
    """v2.1 paged with $top/$skip (no next links); compat follows @odata.nextLink.

    Replay serves each recorded page with a link to the next recorded one, so compat reads
    every page the legacy library read; the paging difference is reported, not hidden.
    """
    cassette = (recording.out / "cassettes" / "page_customers.yaml").read_text()
    assert "$top=2&$skip=4" in cassette and "nextLink" not in cassette
    report = _verify(recording, tmp_path, ("page_customers",))
    assert report.ok, render_text(report)
    result = report.result_for("page_customers")
    # 5 customers, plus those the earlier runs created: pages of 2, 2, 2, then a short one
    assert json.loads(result.run.outputs["output/all_customers.json"])["count"] == 7
    http = result.check("http")
    assert http.summary == "5 = 5"  # the companies, then four pages of customers
    assert any(s.uri.endswith("$top=2&$skip=6") for s in result.run.http_sent)
    (note,) = [n for n in http.notes if "paging" in n]
    assert note.startswith("changed on purpose:") and "GUIDE.md §5 (Paging)" in note
