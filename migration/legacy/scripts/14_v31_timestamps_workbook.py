"""Legacy corpus 14 (template v3.1 style): timestamped saves and a multi-sheet workbook.

Uses what v3.1.x added to TxoDataHandler: get_utc_timestamp(),
save_with_timestamp(..., add_timestamp=True) and save({sheet: DataFrame})
to one .xlsx.  Timestamped files go to tmp/; what they held is summarised
in output/ so the run can be compared byte for byte.
"""

import re

import pandas as pd
from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.path_helpers import Dir
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}Z$")


def main():
    config = parse_args_and_load_config("v3.1 timestamped saves and workbook")
    items = TxoDataHandler.load_json(Dir.DATA, "items.json")
    stamp = TxoDataHandler.get_utc_timestamp()
    plain = TxoDataHandler.save_with_timestamp(items, Dir.TMP, "items_copy.json")
    stamped = TxoDataHandler.save_with_timestamp(
        items, Dir.TMP, "items_copy.json", add_timestamp=True, indent=2
    )
    frame = pd.DataFrame(items)[["sku", "stock"]]
    sheets = {"Stock": frame, "Prices": pd.DataFrame(items)[["sku", "price"]]}
    workbook = TxoDataHandler.save(sheets, Dir.OUTPUT, "v31/workbook.xlsx")
    single = TxoDataHandler.save(frame, Dir.OUTPUT, "v31/single.xlsx")
    summary = {
        "stamp_format_ok": bool(STAMP.match(stamp)),
        "plain_name": plain.name,
        "stamped_name": re.sub(r"\d{4}-\d{2}-\d{2}T\d{6}Z", "<STAMP>", stamped.name),
        "stamped_same_content": TxoDataHandler.load_json(Dir.TMP, stamped.name) == items,
        "workbook_sheets": pd.ExcelFile(workbook).sheet_names,
        "single_sheet": pd.ExcelFile(single).sheet_names,
        "multi_sheet_valid": TxoDataHandler.validate_format(sheets, "check.xlsx"),
        "org": config["_org_id"],
    }
    TxoDataHandler.save(summary, Dir.OUTPUT, "v31/summary.json", indent=2)
    logger.info(f"v3.1 data helpers done: {len(sheets)} sheets")


if __name__ == "__main__":
    main()
