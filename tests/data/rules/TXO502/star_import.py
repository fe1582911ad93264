from utils.path_helpers import *


def save(data_handler, rows):
    data_handler.save(rows, "output", "rows.json")
    return Dir.all()
