from utils.load_n_save import TxoDataHandler
from utils.path_helpers import get_path, list_files
from os.path import exists

data_handler = TxoDataHandler()
dh2 = TxoDataHandler()


def main(ctx, cache, rows):
    data_handler.save(rows, "output", "rows.json")
    data_handler.save(rows, directory="tmp", filename="rows.json")
    data_handler.load_json("data", "in.json")
    dh2.exists('payloads', "p.json")
    TxoDataHandler.delete("generated_payloads", "old.json")
    TxoDataHandler().load("files", "x.txt")
    ctx.data.save(rows, "output", "ctx.json")
    ctx.paths.path("logs", "run.log")
    get_path(r"schemas", "s.json")
    list_files(category="wsdl")
    data_handler.save(rows, "outputs", "not-a-category.json")
    data_handler.save(rows, f"output", "f-string.json")
    data_handler.save(b"output", "output", "bytes.bin")
    cache.load("data", "unrelated")
    exists("data")
    return data_handler.save(rows, *["output", "star.json"])
