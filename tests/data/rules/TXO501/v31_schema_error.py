from utils import exceptions
from utils.config_loader import ConfigLoader
from utils.exceptions import ValidationError


def caught():
    try:
        ConfigLoader("txo", "prod").load_config()  # 3.1 raises ValidationError here; 2.1 exits
    except ValidationError as exc:
        print(exc)


def caught_in_a_tuple():
    loader = ConfigLoader("txo", "test")
    try:
        return loader.load_config()
    except (KeyError, exceptions.ValidationError):
        return None


def not_caught():
    return ConfigLoader("txo", "dev").load_config()  # the same in every release: not flagged


def other_errors():
    try:
        return ConfigLoader("txo", "dev").load_config()
    except KeyError:
        return None
