"""Stand-in legacy script: read customers, PATCH one with its ETag, POST a new one."""

import json
import sys
from pathlib import Path

from utils.api_factory import create_rest_api
from utils.exceptions import HelpfulError
from utils.logger import setup_logger
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()
PHONE = "555-0100"
REPORT = "output/sync_report.json"


def main():
    config = parse_args_and_load_config("Sync customers", require_token=True)
    base = config["global"]["api-base-url"]
    api = create_rest_api(config)
    company = api.get(f"{base}/companies")["value"][0]
    url = f"{base}/companies({company['id']})/customers"
    customers = api.get(url, params={"$filter": "blocked eq ' '"})["value"]
    first = customers[0]
    patched = api.patch(f"{url}({first['id']})", {"phoneNumber": PHONE}, etag=first["@odata.etag"])
    created = api.post(url, {"number": "S00900", "displayName": "Stand-in Traders"})
    without_phone = [c["number"] for c in customers if not c["phoneNumber"]]
    logger.warning(f"{len(without_phone)} customers had no phone number")
    Path("output").mkdir(exist_ok=True)
    report = {
        "company": company["name"],
        "patched": patched["number"],
        "created": created["number"],
    }
    Path(REPORT).write_text(json.dumps(report, indent=2) + "\n")
    api.close()


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
