# -*- coding: utf-8 -*-
# Header comment kept.
from utils.exceptions import (  # why these
    # the one users see
    HelpfulError,
    ApiOperationError,  # raised by the API
)
from utils.logger import setup_logger  # noqa: E402

logger = setup_logger()  # module logger


def main(config, data_handler):
    # read the base URL
    url = config.get("global", {}).get("api-base-url")  # trailing
    data_handler.save(
        [],  # nothing yet
        "output",  # category
        "empty.json",
    )
    try:
        return url
    except ApiOperationError:  # catch-only: moves to v3
        raise HelpfulError("x", "y")  # constructed: drop-in
