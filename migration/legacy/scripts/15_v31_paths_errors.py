"""Legacy corpus 15 (template v3.1 style): setup_import_path, a schema violation caught.

v3.1 scripts call setup_import_path() first, catch a schema violation as
utils.exceptions.ValidationError, clear the OAuth cache on the class
(a staticmethod in 3.1) and log through rate_limit_manager's module logger.
"""

import sys

from utils.config_loader import ConfigLoader
from utils.exceptions import ValidationError
from utils.load_n_save import TxoDataHandler
from utils.oauth_helpers import OAuthClient
from utils.path_helpers import Dir, get_project_root, setup_import_path
from utils.rate_limit_manager import logger as rate_logger
from utils.script_runner import parse_args_and_load_config

setup_import_path()


def main():
    config = parse_args_and_load_config("v3.1 paths and errors")
    root_on_path = str(get_project_root()) in sys.path
    try:
        ConfigLoader("legacy", "badschema").load_config()
        caught = "no error"
    except ValidationError as exc:
        caught = "ValidationError" if "Schema validation failed" in str(exc) else str(exc)
    OAuthClient.clear_cache()
    rate_logger.info("rate limit manager logger works")
    summary = {"root_on_path": root_on_path, "schema_error": caught, "org": config["_org_id"]}
    TxoDataHandler.save(summary, Dir.OUTPUT, "v31/paths_errors.json", indent=2)


if __name__ == "__main__":
    main()
