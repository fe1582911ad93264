import sys

if "__main__" == __name__:
    if len(sys.argv) < 2:
        sys.exit(2)
