from mylib import exit


def f():
    exit()
