from utils.exceptions import ApiNotFoundError, ApiRateLimitError

__all__ = ["handle", "ApiNotFoundError"]


def handle(call):
    try:
        return call()
    except (ApiNotFoundError, ApiRateLimitError):
        return None
