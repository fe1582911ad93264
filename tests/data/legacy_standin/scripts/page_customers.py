"""Stand-in legacy script: read every customer, two per page, as v2.1 paged ($top/$skip)."""

import json
from pathlib import Path

from utils.api_factory import create_rest_api
from utils.logger import setup_logger
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()


def main():
    config = parse_args_and_load_config("Page customers", require_token=True)
    base = config["global"]["api-base-url"]
    api = create_rest_api(config)
    company = api.get(f"{base}/companies")["value"][0]
    customers = api.get_odata_entities(
        f"{base}/companies({company['id']})", "customers", page_size=2
    )
    Path("output").mkdir(exist_ok=True)
    numbers = [c["number"] for c in customers]
    report = {"count": len(numbers), "first": numbers[:1], "last": numbers[-1:]}
    Path("output/all_customers.json").write_text(json.dumps(report, indent=2) + "\n")
    logger.info(f"Read {len(numbers)} customers")
    api.close()


if __name__ == "__main__":
    main()
