"""Run scripts/sync_customers.py against the fake Business Central API on 127.0.0.1.

Starts the fake API (token endpoint included) on a loopback port, writes a
``demo-bc`` configuration pointing at it into the demo project, runs the
sync script in a subprocess exactly as a user would, and summarises what it
fetched.  Nothing leaves this machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.plugin import default_config, default_secrets
from txo.testing.server import LoopbackServer

PROJECT = Path(__file__).resolve().parent / "demo-project"


def write_config(base_url: str, fake: FakeBusinessCentral) -> None:
    config = default_config(api_base_url=base_url, tenant_id=fake.tenant_id)
    config["global"]["oauth-authority"] = base_url
    behaviour = config["script-behavior"]
    behaviour["api-timeouts"].update({"rest-timeout-seconds": 10, "async-poll-interval": 1})
    behaviour["rate-limiting"] = {"enabled": True, "calls-per-second": 100, "burst-size": 10}
    behaviour["circuit-breaker"] = {"enabled": True, "failure-threshold": 5, "timeout-seconds": 30}
    (PROJECT / "config" / "demo-bc-config.json").write_text(json.dumps(config, indent=2))
    secrets = default_secrets(fake.client_secret)
    (PROJECT / "config" / "demo-bc-config-secrets.json").write_text(json.dumps(secrets))


def main() -> int:
    fake = FakeBusinessCentral(customers=45, page_size=20, action_polls=2, action_retry_after=0.2)
    with LoopbackServer(fake.handle, max_seconds=120) as server:
        write_config(server.url, fake)
        fake.throttle(1, retry_after=0.2)  # show one 429 being honoured
        env = {**os.environ, "TXO_PROJECT_ROOT": str(PROJECT)}
        script = PROJECT / "scripts" / "sync_customers.py"
        result = subprocess.run([sys.executable, str(script), "demo", "bc"], env=env, check=False)
    saved = json.loads((PROJECT / "output" / "bc_customers.json").read_text())
    for company, data in saved.items():
        print(f"{company}: {len(data['customers'])} customers across pages, sync: {data['sync']}")
    print(f"Fake API served {len(fake.requests)} requests, {fake.token_requests} token request(s)")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
