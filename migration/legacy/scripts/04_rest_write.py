"""Legacy corpus 04: REST writes: create_or_update, POST, PATCH with ETag, DELETE."""

import sys

from utils.api_factory import ApiManager
from utils.exceptions import ApiValidationError, HelpfulError
from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.path_helpers import Dir
from utils.rest_api_helpers import RestOperationResult
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()
data_handler = TxoDataHandler()


def summary(result: RestOperationResult) -> dict:
    return {
        "success": result.success,
        "operation": result.operation,
        "entity_id": result.entity_id,
        "status_code": result.status_code,
    }


def main():
    config = parse_args_and_load_config("Write customers", require_token=True)
    base_url = config["global"]["api-base-url"]
    with ApiManager(config) as manager:
        api = manager.get_rest_api()
        company_id = api.get(f"{base_url}/companies")["value"][0]["id"]
        url = f"{base_url}/companies({company_id})/customers"
        created = api.create_or_update(
            url,
            "customer",
            "number",
            "L00100",
            {"number": "L00100", "displayName": "Legacy Traders"},
        )
        updated = api.create_or_update(
            url, "customer", "number", "L00100", {"displayName": "Legacy Traders Ltd"}
        )
        posted = api.post(url, {"number": "L00200", "displayName": "Temporary Customer"})
        fetched = api.get(f"{url}({posted['id']})")
        patched = api.patch(
            f"{url}({posted['id']})", {"phoneNumber": "555-0100"}, etag=fetched["@odata.etag"]
        )
        api.delete(f"{url}({posted['id']})", etag=patched["@odata.etag"])
        try:
            api.post(url, {"number": "L00300"})
            rejected = None
        except ApiValidationError as e:
            rejected = str(e)
        remaining = api.get_odata_entities_filtered(
            f"{base_url}/companies({company_id})", "customers", {"number": "L00100"}
        )
    result = {
        "created": summary(created),
        "updated": summary(updated),
        "posted": posted["displayName"],
        "patched_phone": patched["phoneNumber"],
        "rejected": rejected,
        "final_name": remaining[0]["displayName"],
    }
    data_handler.save(result, Dir.OUTPUT, "write_results.json")


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
