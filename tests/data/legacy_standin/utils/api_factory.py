"""Stand-in v2.1 API factory."""

from utils.rest_api_helpers import TxoRestAPI


def create_rest_api(config, require_auth=True):
    return TxoRestAPI(token=config["_token"] if require_auth else None)
