"""Legacy corpus 03: REST reads with OData paging against Business Central.

Uses the pre-issued az-token from the secrets file (require_token=True).
"""

import sys

from utils.api_factory import create_rest_api, get_batch_config
from utils.exceptions import ApiOperationError, HelpfulError
from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.path_helpers import Dir
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()
data_handler = TxoDataHandler()


def main():
    config = parse_args_and_load_config("Read customers", require_token=True)
    api = create_rest_api(config)
    base_url = config["global"]["api-base-url"]
    # v2.1-style soft reads (roadmap anti-pattern TXO101); `txo-migrate fix --unsafe-fixes`
    # turns them into hard-fail access, which is safe here because the config has both keys.
    timeout = config.get("global", {}).get("timeout-seconds", 30)
    delay = config["script-behavior"].get("api-delay-seconds", 1)
    logger.info(f"Reading with timeout {timeout}s and delay {delay}s")
    companies = api.get(f"{base_url}/companies")["value"]
    company_url = f"{base_url}/companies({companies[0]['id']})"
    customers = api.get_odata_entities(
        company_url, "customers", batch_config=get_batch_config(config)
    )
    one = api.get_odata_entities_filtered(
        company_url, "customers", {"number": "C00003"}, select_fields=["number"]
    )
    limited = api.get_odata_entities(company_url, "customers", page_size=2, max_pages=1)
    result = {
        "company": companies[0]["name"],
        "customers": [{"number": c["number"], "name": c["displayName"]} for c in customers],
        "filtered": [c["number"] for c in one],
        "first_page_only": len(limited),
        "etag_stripped": all("@odata.etag" not in c for c in customers),
    }
    data_handler.save(result, Dir.OUTPUT, "customers.json")
    logger.info(f"Fetched {len(customers)} customers")
    api.close()


if __name__ == "__main__":
    try:
        main()
    except (HelpfulError, ApiOperationError) as e:
        logger.error(str(e))
        sys.exit(1)
