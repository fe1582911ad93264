"""Drop-ins move to v3; everything else moves to txo.compat.v21."""

from utils.logger import setup_logger  # configures logging
from utils.path_helpers import Dir, get_path as gp
from utils.exceptions import (
    HelpfulError,  # shown to the user
    FileOperationError,
    ApiOperationError,
)
from utils import HelpfulError as UtilsHelpfulError, TxoDataHandler
from utils import path_helpers

logger = setup_logger()


def run():
    target = gp(Dir.OUTPUT, "x.json")
    try:
        path_helpers.ensure_file_backup(Dir.OUTPUT, "x.json")
    except FileOperationError:
        raise HelpfulError("Backup failed", "Check the disk") from None
    except ApiOperationError as exc:
        raise UtilsHelpfulError(str(exc), "Retry later") from exc
    return TxoDataHandler(), target
