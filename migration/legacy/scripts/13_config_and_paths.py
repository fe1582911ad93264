"""Legacy corpus 13: the config loader and path helpers used directly."""

import sys

from utils.config_loader import ConfigContext, get_config_loader
from utils.exceptions import HelpfulError
from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.path_helpers import (
    Dir,
    ProjectPaths,
    cleanup_old_files,
    ensure_file_backup,
    get_dir_size,
    get_project_root,
    set_project_root,
)
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()
data_handler = TxoDataHandler()


def main():
    config = parse_args_and_load_config("Config and paths")
    loader = get_config_loader(config["_org_id"], config["_env_type"])
    same = get_config_loader(config["_org_id"], config["_env_type"]) is loader
    with ConfigContext(config["_org_id"], config["_env_type"]) as ctx_config:
        sections = sorted(k for k in ctx_config if not k.startswith("_"))
    root = get_project_root()
    set_project_root(root)
    paths = ProjectPaths.init()
    existing, missing = paths.validate_structure()
    data_handler.save({"v": 1}, Dir.OUTPUT, "state.json")
    backup = ensure_file_backup(Dir.OUTPUT, "state.json")
    result = {
        "cached_loader": same,
        "sections": sections,
        "timeout": loader.get_config_value("global")["timeout-seconds"],
        "unknown_value": loader.get_config_value("no-such-key", "fallback"),
        "has_api_key": loader.get_secret("api-key") is not None,
        "secret_injected": "_password" in config,
        "root_is_project": (root / "config").is_dir(),
        "has_output_dir": "output" in existing,
        "backup_made": backup is not None and backup.name.startswith("state_backup_"),
        "old_files": [p.name for p in cleanup_old_files(Dir.OUTPUT, days=1, dry_run=True)],
        "tmp_size": get_dir_size(Dir.TMP),
        "all_dirs": sorted(Dir.all()),
        "valid_dir": Dir.validate("output") and not Dir.validate("log"),
    }
    data_handler.save(result, Dir.OUTPUT, "config_and_paths.json")
    logger.info(f"Checked {len(sections)} sections; missing dirs: {len(missing)}")


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
