"""Sync customers from Business Central to output/ with txo 3.0.

Reads every company's customers across server-driven pages, updates one
customer with its ETag, starts a long-running sync action (202 Accepted,
polled to completion) and saves the result as JSON.  Point
``global.api-base-url`` at a real tenant, or run ``make demo``, which
serves the fake BC API on 127.0.0.1.
"""

from __future__ import annotations

from typing import Any

from txo.paths import Dir
from txo.runner import ScriptContext, run_script


def main(ctx: ScriptContext) -> None:
    base = ctx.config.require("global", "api-base-url").rstrip("/") + "/api/v2.0"
    api = ctx.api()
    companies = api.get_all(f"{base}/companies")
    synced: dict[str, Any] = {}
    for company in companies:
        customers_url = f"{base}/companies({company['id']})/customers"
        customers = api.get_all(customers_url)
        ctx.logger.info("Fetched %d customers of %s", len(customers), company["name"])
        first = customers[0]
        updated = api.patch(
            f"{customers_url}({first['id']})",
            {"displayName": first["displayName"] + " (verified)"},
            etag=first["@odata.etag"],
        )
        result = api.post(f"{customers_url}({first['id']})/Microsoft.NAV.syncNow", {})
        ctx.logger.info("Sync action for %s finished: %s", first["number"], result)
        synced[company["name"]] = {"customers": customers, "updated": updated, "sync": result}
    path = ctx.data.save(synced, Dir.OUTPUT, "bc_customers.json")
    ctx.logger.info("Saved %s", path.name)


if __name__ == "__main__":
    raise SystemExit(run_script(main, "Sync Business Central customers", require_token=True))
