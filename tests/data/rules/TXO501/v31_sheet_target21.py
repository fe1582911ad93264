from utils.load_n_save import TxoDataHandler


def export(frame, frames):
    handler = TxoDataHandler()
    handler.save(frame, "output", "report.xlsx")  # 2.1 and v3 both write "Sheet1": nothing to say
    handler.save({"Totals": frame, "Lines": frames}, "output", "book.xlsx")  # not in 2.1
