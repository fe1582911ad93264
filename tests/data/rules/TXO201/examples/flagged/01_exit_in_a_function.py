import sys


def load(path):
    if not path:
        sys.exit(1)
