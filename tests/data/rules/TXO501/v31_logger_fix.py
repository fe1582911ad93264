import logging

import utils.rate_limit_manager as rlm


def work():
    rlm.logger.info("starting")
    logging.getLogger("other").debug("x")


def replace_it(other):
    rlm.logger = other  # an assignment target: reported, never rewritten into a call
