"""Legacy corpus 02: custom command-line arguments (ArgumentDefinition).

Run: legacy local inventory --limit 2 --mode strict --dry-run
"""

import sys

from utils.exceptions import HelpfulError
from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.path_helpers import Dir
from utils.script_runner import ArgumentDefinition, parse_custom_args_and_load_config

logger = setup_logger()
data_handler = TxoDataHandler()

CUSTOM_ARGS = [
    ArgumentDefinition("report_name", type=str, help="Name of the report"),
    ArgumentDefinition("limit", type=int, help="How many items", default=10),
    ArgumentDefinition(
        "mode", type=str, help="Mode", default="lenient", choices=["lenient", "strict"]
    ),
    ArgumentDefinition("dry_run", help="Only pretend", action="store_true", required=False),
]


def main():
    config = parse_custom_args_and_load_config("Custom arguments", CUSTOM_ARGS)
    items = data_handler.load_json(Dir.DATA, "items.json")[: config["_limit"]]
    result = {
        "report": config["_report_name"],
        "limit": config["_limit"],
        "mode": config["_mode"],
        "dry_run": config["_dry_run"],
        "skus": [item["sku"] for item in items],
        "token": config["_token"],
    }
    data_handler.save(result, Dir.OUTPUT, f"{config['_report_name']}.json")
    logger.info(f"Report {config['_report_name']} written ({len(items)} items)")


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
