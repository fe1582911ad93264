"""Uses that are 2.1 API, or whose receiver is not certainly a legacy instance."""
from utils.oauth_helpers import OAuthClient
from utils.load_n_save import TxoDataHandler


def refresh(config):
    client = OAuthClient(config)
    client.clear_cache()  # an instance method already in 2.1
    return client


def maybe(flag):
    data = TxoDataHandler()
    if flag:
        data = object()
    return data.get_utc_timestamp()  # `data` is bound twice: not certain


def parameter(handler):
    return handler.save_with_timestamp({}, "output", "x.json")  # a parameter, not an instance


class Saver:
    def save_with_timestamp(self):  # a method of the script's own class
        return self.get_utc_timestamp()
