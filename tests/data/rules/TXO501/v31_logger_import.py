from utils.rate_limit_manager import logger as log


def work():
    log.warning("slow down")
