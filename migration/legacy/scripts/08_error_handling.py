"""Legacy corpus 08: ErrorContext, HelpfulError and the exception hierarchy."""

import sys

from utils.exceptions import (
    ApiAuthenticationError,
    ApiError,
    ApiNotFoundError,
    ApiRateLimitError,
    ApiTimeoutError,
    ApiValidationError,
    ConfigurationError,
    EntityNotFoundError,
    ErrorContext,
    FileOperationError,
    HelpfulError,
    TxoBaseError,
    ValidationError,
)
from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.path_helpers import Dir
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()


def check_stock(sku: str, stock: int) -> None:
    if stock <= 0:
        raise HelpfulError(
            what_went_wrong=f"Item {sku} is out of stock",
            how_to_fix="Reorder the item or remove it from the order",
            example="python 08_error_handling.py legacy local",
        )


def main():
    parse_args_and_load_config("Error handling")
    context = ErrorContext(operation="sync", resource="customers", details={"page": 2})
    errors = [
        TxoBaseError("Base failure", context=context),
        ApiError("Gateway said no", status_code=502),
        ApiTimeoutError(timeout_seconds=30),
        ApiRateLimitError(retry_after=5),
        ApiAuthenticationError(),
        ApiNotFoundError("Invoice"),
        ApiValidationError("Bad payload", field="email", value="nope"),
        EntityNotFoundError("Customer", "C999"),
        ConfigurationError("Missing key", config_key="global.api-base-url"),
        ValidationError("Bad row", field="qty", value=-1),
        FileOperationError("Disk full", file_path="output/x.json", operation="save"),
    ]
    caught = []
    for error in errors:
        try:
            raise error
        except ApiError as e:
            caught.append(
                {"kind": "api", "type": type(e).__name__, "text": str(e), "status": e.status_code}
            )
        except TxoBaseError as e:
            caught.append({"kind": "base", "type": type(e).__name__, "text": str(e)})
    try:
        check_stock("1906-S", 0)
    except HelpfulError as e:
        helpful = str(e)
    result = {"context": context.to_dict(), "caught": caught, "helpful": helpful}
    TxoDataHandler().save(result, Dir.OUTPUT, "errors.json")
    check_stock("1906-S", 0)  # the unhandled case: exit code 1


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
