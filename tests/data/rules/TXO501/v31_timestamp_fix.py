from utils.load_n_save import TxoDataHandler


def names():
    first = f"export_{TxoDataHandler.get_utc_timestamp()}.csv"
    second = TxoDataHandler.get_utc_timestamp() + ".json"
    return first, second


def with_arguments():
    return TxoDataHandler.get_utc_timestamp("unexpected")  # not the 3.1 signature: no fix


def in_single_quoted_fstrings():
    name = f'export_{TxoDataHandler.get_utc_timestamp()}.csv'  # the rewrite uses double quotes
    both = f'''{f"{TxoDataHandler.get_utc_timestamp()}"}'''  # both quotes taken: no fix
    return name, both
