from utils.exceptions import (
    ApiNotFoundError,
    ApiTimeoutError,
    ApiValidationError,
    ConfigurationError,
    TxoBaseError,
)


def fetch(api, url):
    try:
        return api.get(url)
    except ApiNotFoundError:
        return None
    except (ApiTimeoutError, TxoBaseError) as exc:
        if isinstance(exc, ConfigurationError):
            raise
        raise ApiValidationError("bad response") from exc
    except ApiValidationError:
        raise
