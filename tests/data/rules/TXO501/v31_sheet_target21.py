import pandas as pd
from utils.load_n_save import TxoDataHandler


def export(frame, frames, rows):
    handler = TxoDataHandler()
    handler.save(frame, "output", "report.xlsx")  # 2.1 and v3 both write "Sheet1": nothing to say
    handler.save(pd.DataFrame(rows), "output", "one.xlsx")  # the same
    handler.save({"Totals": frame, "Lines": frames}, "output", "book.xlsx")  # not in 2.1
    sheets = {"Lines": frames}
    handler.save(sheets, "output", "sheets.xlsx")  # not in 2.1 either
