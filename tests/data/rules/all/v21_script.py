"""A v2.1 script."""
import time  # stdlib

from utils.logger import setup_logger
from utils.script_runner import parse_args_and_load_config
from utils.load_n_save import TxoDataHandler
from utils.path_helpers import Dir, get_path
from utils.exceptions import (
    HelpfulError,  # the friendly one
    ApiNotFoundError,
    ApiOperationError,
)
import utils.path_helpers
import utils.api_common as ac

logger = setup_logger()
data_handler = TxoDataHandler()


def main():
    config = parse_args_and_load_config("Demo")
    base = config.get("global", {}).get("api-base-url")  # keep me
    delay = config.get("script-behavior", {}).get("api-delay-seconds", 1)
    behavior = config["script-behavior"]
    size = behavior.get("batch-handling", {}).get("read-batch-size", 20)
    response = {"value": []}
    items = response.get("value", [])
    data_handler.save(items, "output", "items.json")
    rows = data_handler.load("data", "rows.json")
    p = get_path("tmp", "x.txt")
    q = utils.path_helpers.get_path("logs", "a.log")
    try:
        pass
    except ApiNotFoundError:
        logger.info("nope")
    except (ApiOperationError, KeyError) as e:
        raise HelpfulError("x", "y") from e
    ac.RateLimiter()
    time.sleep(delay)


if __name__ == "__main__":
    main()
