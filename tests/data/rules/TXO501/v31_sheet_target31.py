# legacy-target: 3.1
import pandas as pd
from utils.load_n_save import TxoDataHandler
from utils.path_helpers import setup_import_path

setup_import_path()


def export(frame, frames, rows):
    handler = TxoDataHandler()
    handler.save(frame, "output", "report.xlsx")  # `frame` may be either: both cases said
    handler.save(frame, "output", "named.xlsx", sheet_name="Totals")  # named: same everywhere
    handler.save(frame, "output", "report.csv")  # not a workbook
    handler.save({"Totals": frame, "Lines": frames}, "output", "book.xlsx")  # multi-sheet
    TxoDataHandler.save(frame, directory="output", filename="class.xlsx")
    table = pd.DataFrame(rows)[["sku", "stock"]]
    handler.save(table, "output", "one.xlsx")  # certainly one DataFrame
    sheets = {"Stock": table}
    handler.save(sheets, "output", "sheets.xlsx")  # certainly a dict: bound once to one
