"""Stand-in v2.1 script runner: ORG ENV arguments, config plus secrets, optional token."""

import argparse
import json
import sys
from pathlib import Path


def _snake(key):
    return "_" + key.replace("-", "_")


def parse_args_and_load_config(description, require_token=False):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("org_id")
    parser.add_argument("env_type")
    args = parser.parse_args()
    config_file = Path("config") / f"{args.org_id}-{args.env_type}-config.json"
    if not config_file.is_file():
        print(f"Configuration file not found: {config_file}", file=sys.stderr)
        sys.exit(1)
    config = json.loads(config_file.read_text())
    secrets_file = config_file.with_name(f"{args.org_id}-{args.env_type}-config-secrets.json")
    if secrets_file.is_file():
        for key, value in json.loads(secrets_file.read_text()).items():
            config[_snake(key)] = value
    config["_org_id"], config["_env_type"] = args.org_id, args.env_type
    config["_token"] = config.get("_az_token") if require_token else None
    return config
