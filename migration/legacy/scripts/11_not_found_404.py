"""Legacy corpus 11: a 404 from the API, handled, then re-raised as HelpfulError."""

import sys

from utils.api_factory import create_rest_api
from utils.exceptions import ApiNotFoundError, EntityNotFoundError, ErrorContext, HelpfulError
from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.path_helpers import Dir
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()


def main():
    config = parse_args_and_load_config("Missing customer", require_token=True)
    api = create_rest_api(config)
    base_url = config["global"]["api-base-url"]
    company_id = api.get(f"{base_url}/companies")["value"][0]["id"]
    missing = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
    url = f"{base_url}/companies({company_id})/customers({missing})"
    try:
        api.get(url)
    except EntityNotFoundError as e:
        context = ErrorContext(operation="lookup", resource="customer")
        TxoDataHandler().save(
            {
                "error": type(e).__name__,
                "status": e.status_code,
                "is_api_not_found": isinstance(e, ApiNotFoundError),
                "context": context.to_dict(),
            },
            Dir.OUTPUT,
            "notfound.json",
        )
        raise HelpfulError(
            what_went_wrong=f"Customer {missing} does not exist",
            how_to_fix="Check the customer id",
            example="GET .../customers(<id>)",
        ) from e


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
