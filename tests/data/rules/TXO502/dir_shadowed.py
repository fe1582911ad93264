Dir = "custom"


def save(data_handler, rows):
    data_handler.save(rows, "output", "rows.json")
