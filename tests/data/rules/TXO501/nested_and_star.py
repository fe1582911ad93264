from utils.url_helpers import *

try:
    from utils.logger import setup_logger
except ImportError:  # running without the template
    setup_logger = None

if setup_logger: from utils.api_factory import create_rest_api, ApiManager


def main():
    from utils.exceptions import HelpfulError, ValidationError; import sys
    raise HelpfulError("x", "y", ValidationError("z"))
