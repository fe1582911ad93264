"""Stand-in legacy script without HTTP: a report from a CSV, and a marker file in data/."""

import csv
from pathlib import Path

from utils.logger import setup_logger
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()


def main():
    config = parse_args_and_load_config("Region report")
    rows = list(csv.DictReader(Path("data/regions.csv").read_text().splitlines()))
    empty = [r["region"] for r in rows if r["customers"] == "0"]
    for region in empty:
        logger.warning(f"Region {region} has no customers")
    Path("output").mkdir(exist_ok=True)
    lines = [f"{r['region']}: {r['customers']}" for r in rows]
    Path("output/regions.txt").write_text(f"{config['_org_id']}\n" + "\n".join(lines) + "\n")
    Path("data/last_run.txt").write_text(f"{len(rows)} regions\n")


if __name__ == "__main__":
    main()
