"""Legacy corpus 06: OAuth client-credentials tokens from the token endpoint.

The script runner acquires a token (require_token=True, OAuth settings in
the config); the OAuth helpers are then used directly, with the cache.
"""

import sys

from utils.exceptions import ApiAuthenticationError, HelpfulError
from utils.load_n_save import TxoDataHandler
from utils.logger import setup_logger
from utils.oauth_helpers import (
    OAuthClient,
    TokenInfo,
    clear_token_cache,
    get_client_credentials_token,
    get_oauth_client,
)
from utils.path_helpers import Dir
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()


def main():
    config = parse_args_and_load_config("OAuth tokens", require_token=True)
    glob = config["global"]
    token = config["_token"]
    client = get_oauth_client(glob["tenant-id"])
    again = client.get_client_credentials_token(
        glob["client-id"], config["_client_secret"], glob["oauth-scope"]
    )
    direct = get_client_credentials_token(
        glob["tenant-id"], glob["client-id"], config["_client_secret"], glob["oauth-scope"]
    )
    clear_token_cache()
    fresh = OAuthClient(glob["tenant-id"]).get_client_credentials_token(
        glob["client-id"], config["_client_secret"], glob["oauth-scope"]
    )
    try:
        OAuthClient(glob["tenant-id"], cache_tokens=False).get_client_credentials_token(
            glob["client-id"], "wrong-secret-value", glob["oauth-scope"]
        )
        bad_secret = "accepted"
    except ApiAuthenticationError as e:
        bad_secret = str(e)
    info = TokenInfo(access_token="x" * 10, expires_at=0)
    logger.info(f"Token acquired: {token}")
    result = {
        "token_acquired": bool(token),
        "cached_reused": again == token and direct == token,
        "fresh_after_clear": fresh != token,
        "bad_secret": bad_secret,
        "expired_info": info.is_expired(),
        "header_prefix": info.authorization_header.split()[0],
    }
    TxoDataHandler().save(result, Dir.OUTPUT, "oauth.json")


if __name__ == "__main__":
    try:
        main()
    except HelpfulError as e:
        logger.error(str(e))
        sys.exit(1)
