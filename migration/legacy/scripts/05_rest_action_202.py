"""Legacy corpus 05: a bound action answered with 202 Accepted, polled to its result."""

import sys

from utils import HelpfulError, TxoDataHandler, create_rest_api, parse_args_and_load_config
from utils.logger import setup_logger
from utils.path_helpers import Dir

logger = setup_logger()


def main():
    config = parse_args_and_load_config("Sync a customer", require_token=True)
    base_url = config["global"]["api-base-url"]
    with create_rest_api(config) as api:
        company_id = api.get(f"{base_url}/companies")["value"][0]["id"]
        customers = api.get(f"{base_url}/companies({company_id})/customers")["value"]
        target = customers[1]
        action = (
            f"{base_url}/companies({company_id})/customers({target['id']})/Microsoft.NAV.syncNow"
        )
        result = api.post(action, {})
    TxoDataHandler().save(
        {"status": result["status"], "customer": result["customerNumber"]}, Dir.OUTPUT, "sync.json"
    )
    logger.info(f"Sync finished with status {result['status']}")


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
