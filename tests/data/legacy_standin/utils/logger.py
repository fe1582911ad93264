"""Stand-in v2.1 logger: one 'TxoApp' logger to stderr and logs/app.log."""

import logging
from pathlib import Path


def setup_logger(name="TxoApp"):
    logger = logging.getLogger(name)
    if not logger.handlers:
        Path("logs").mkdir(exist_ok=True)
        fmt = logging.Formatter("%(asctime)s - %(levelname)s - %(message)s")
        for handler in (logging.StreamHandler(), logging.FileHandler("logs/app.log")):
            handler.setFormatter(fmt)
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return logger
