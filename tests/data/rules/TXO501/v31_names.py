"""Every name the template's 3.1 release added, used the ways 3.1 scripts use them."""
import utils
import utils.rate_limit_manager
import utils.load_n_save as lns
from utils import TxoDataHandler as Handler
from utils import validate_tko_compliance
from utils.load_n_save import TxoDataHandler
from utils.oauth_helpers import OAuthClient
from utils.path_helpers import setup_import_path
from utils.validate_tko_compliance import TkoComplianceValidator

setup_import_path()


def report(frame):
    # class members, static in 3.1
    stamp = TxoDataHandler.get_utc_timestamp()
    TxoDataHandler.save_with_timestamp(frame, "output", "report.xlsx", add_timestamp=True)
    OAuthClient.clear_cache()
    # the same members through the module, the package re-export and an alias
    lns.TxoDataHandler.save_with_timestamp(frame, "output", "copy.csv")
    utils.TxoDataHandler.get_utc_timestamp()
    Handler.get_utc_timestamp()
    # a module attribute 3.1 added
    utils.rate_limit_manager.logger.info("saved at %s", stamp)
    # the 3.1 validator
    validate_tko_compliance.main()
    return TkoComplianceValidator


def through_instances(frame):
    handler = TxoDataHandler()
    handler.save_with_timestamp(frame, "output", "daily.json", add_timestamp=True)
    TxoDataHandler().get_utc_timestamp()
    return handler
