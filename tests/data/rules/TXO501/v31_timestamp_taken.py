from utils.load_n_save import TxoDataHandler


def stamp(timezone):
    # `timezone` is a parameter here: the rewrite would change what it means, so no fix
    return TxoDataHandler.get_utc_timestamp(), timezone
