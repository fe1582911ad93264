# legacy-target: 3.1
from utils.load_n_save import TxoDataHandler
from utils.path_helpers import setup_import_path

setup_import_path()


def export(frame, frames):
    handler = TxoDataHandler()
    handler.save(frame, "output", "report.xlsx")  # 3.1: sheet "Data"; v3: "Sheet1"
    handler.save(frame, "output", "named.xlsx", sheet_name="Totals")  # named: same everywhere
    handler.save(frame, "output", "report.csv")  # not a workbook
    handler.save({"Totals": frame, "Lines": frames}, "output", "book.xlsx")  # multi-sheet
    TxoDataHandler.save(frame, directory="output", filename="class.xlsx")
