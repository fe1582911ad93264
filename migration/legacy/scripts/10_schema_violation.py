"""Legacy corpus 10: a config the v2.1 schema rejects (top-level "environments").

v2.1.1 logged three ERROR lines and exited 1; so does the compat layer.
"""

from utils.config_loader import ConfigLoader
from utils.logger import setup_logger
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()


def main():
    loader = ConfigLoader("legacy", "local")
    logger.info(f"The valid config has {len(loader.load_config())} sections")
    parse_args_and_load_config("Schema violation")
    logger.info("not reached")


if __name__ == "__main__":
    main()
