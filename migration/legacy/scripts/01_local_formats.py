"""Legacy corpus 01: local processing with every file format (no API).

Reads JSON, CSV, YAML, text, gzip and binary inputs from data/ and writes
each format again to output/, the way v2.1 scripts did.
"""

import sys

import pandas as pd
from utils.exceptions import HelpfulError
from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.path_helpers import Dir, format_size, get_path, list_files
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()
data_handler = TxoDataHandler()


def main():
    config = parse_args_and_load_config("Local file formats")
    items = data_handler.load_json(Dir.DATA, "items.json")
    customers = data_handler.load_csv(Dir.DATA, "customers.csv")
    settings = data_handler.load_yaml(Dir.DATA, "settings.yaml")
    notes = data_handler.load_text(Dir.DATA, "notes.txt")
    archive = data_handler.load_gzip(Dir.DATA, "archive.gz")
    blob = data_handler.load(Dir.DATA, "blob.bin")
    logger.info(f"Loaded {len(items)} items and {len(customers)} customers")

    in_stock = [item for item in items if item["stock"] > 0]
    data_handler.save(in_stock, Dir.OUTPUT, "formats/in_stock.json", indent=2)
    data_handler.save(
        {"warehouse": settings["warehouse"], "items": len(items)},
        Dir.OUTPUT,
        "formats/summary.yaml",
    )
    data_handler.save(notes.upper(), Dir.OUTPUT, "formats/notes_upper.txt")
    frame = pd.DataFrame(in_stock)[["sku", "stock"]]
    data_handler.save(frame, Dir.OUTPUT, "formats/in_stock.csv")
    data_handler.save(customers, Dir.OUTPUT, "formats/customers.xlsx", sheet_name="Customers")
    data_handler.save(archive.upper(), Dir.OUTPUT, "formats/archive_upper.gz")
    data_handler.save(blob[::-1], Dir.OUTPUT, "formats/blob_reversed.bin")

    written = list_files(Dir.OUTPUT, "formats/*")
    report = "\n".join(f"{p.name}" for p in written)
    data_handler.save_text(report, Dir.OUTPUT, "formats/index.txt", ensure_newline=True)
    index_size = get_path(Dir.OUTPUT, "formats/index.txt").stat().st_size
    logger.info(f"Wrote {len(written)} files; index is {format_size(index_size)}")
    logger.info(f"Organisation {config['_org_id']} done")


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
