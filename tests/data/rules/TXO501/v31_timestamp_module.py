import datetime

from utils.load_n_save import TxoDataHandler


def stamp():
    return TxoDataHandler.get_utc_timestamp(), datetime.date.today()
