"""Legacy corpus 09: a configuration that does not exist (v2.1 exit code 1).

Run with an environment that has no config file: legacy nowhere
"""

from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.path_helpers import Dir
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()


def main():
    config = parse_args_and_load_config("Needs a config that is missing")
    TxoDataHandler().save({"unreachable": True, "org": config["_org_id"]}, Dir.OUTPUT, "never.json")


if __name__ == "__main__":
    main()
