"""Recording scrubber: secrets in every wire form become stable placeholders; tokens are learnt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vcr.request import Request  # type: ignore[import-untyped]

from txo.migrate.record.scrub import Scrubber, project_secrets

SECRET = "s3cr3t/with+chars&more"


def _project(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    config.mkdir()
    (config / "acme-prod-config-secrets.json").write_text(json.dumps({"api-key": SECRET}))
    (config / "acme-prod-config.json").write_text(
        json.dumps({"global": {"client-secret": "inline-secret-1234", "timeout": "30 s"}})
    )
    return tmp_path


def test_project_secrets_names_each_placeholder_by_file_and_key(tmp_path: Path) -> None:
    assert project_secrets(_project(tmp_path)) == {
        SECRET: "<redacted:acme-prod-config-secrets.api-key>",
        "inline-secret-1234": "<redacted:acme-prod-config.global.client-secret>",
    }


def test_raw_url_encoded_and_json_escaped_forms_are_replaced(tmp_path: Path) -> None:
    scrubber = Scrubber(project_secrets(_project(tmp_path)))
    placeholder = "<redacted:acme-prod-config-secrets.api-key>"
    for text in (
        SECRET,
        "s3cr3t%2Fwith%2Bchars%26more",
        "s3cr3t%2Fwith%2Bchars%26more".replace("%2F", "%2F"),
        json.dumps({"k": SECRET}),
    ):
        assert SECRET not in scrubber.text(text)
        assert placeholder in scrubber.text(text)


def test_request_drops_credentials_and_leaves_the_real_request_alone(tmp_path: Path) -> None:
    scrubber = Scrubber(project_secrets(_project(tmp_path)))
    headers = {"Authorization": "Bearer abc", "Cookie": "a=b", "X-Trace": SECRET}
    real = Request("POST", f"https://h/x?key={SECRET}", json.dumps({"k": SECRET}), headers)
    clean = scrubber.request(real)
    assert "Authorization" not in clean.headers and "Cookie" not in clean.headers
    assert SECRET not in clean.uri and SECRET not in clean.body.decode()
    assert SECRET not in clean.headers["X-Trace"]
    assert real.headers["Authorization"] == "Bearer abc"  # the request actually sent is intact


def test_token_responses_are_replaced_and_the_token_learnt() -> None:
    scrubber = Scrubber({})
    body = json.dumps({"access_token": "eyJ-real-token-value", "expires_in": 3599}).encode()
    response: dict[str, Any] = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Set-Cookie": ["session=1"], "Content-Type": ["application/json"]},
        "body": {"string": body},
    }
    clean = scrubber.response(response)
    assert json.loads(clean["body"]["string"]) == {
        "access_token": "<redacted:access_token>",
        "expires_in": 3599,
    }
    assert "Set-Cookie" not in clean["headers"]
    assert scrubber.text("GET /x?t=eyJ-real-token-value") == "GET /x?t=<redacted:access_token>"


def test_each_distinct_token_keeps_its_own_placeholder() -> None:
    """A script that compares a fresh token with the old one must see them differ on replay."""
    scrubber = Scrubber({})

    def issued(token: str) -> str:
        body = json.dumps({"access_token": token}).encode()
        clean = scrubber.response(
            {"status": {"code": 200}, "headers": {}, "body": {"string": body}}
        )
        return str(json.loads(clean["body"]["string"])["access_token"])

    assert issued("first-token-aaaa") == "<redacted:access_token>"
    assert issued("second-token-bbbb") == "<redacted:access_token-2>"
    assert issued("first-token-aaaa") == "<redacted:access_token>"  # the same token again
    assert scrubber.text("a first-token-aaaa b second-token-bbbb") == (
        "a <redacted:access_token> b <redacted:access_token-2>"
    )
