# legacy-target: 3.1
from utils.config_loader import ConfigLoader
from utils.exceptions import ValidationError


def caught():
    try:
        ConfigLoader("txo", "prod").load_config()  # 3.1 raises ValidationError here; 2.1 exits
    except ValidationError as exc:
        print(exc)
