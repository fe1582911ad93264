import os
import utils.path_helpers
import utils.load_n_save as lns, json
import utils


def paths():
    root = utils.path_helpers.get_project_root()
    handler = lns.TxoDataHandler()
    version = utils.__version__
    return os.fspath(root), handler, version, json
