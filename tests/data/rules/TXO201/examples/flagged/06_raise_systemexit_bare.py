def f():
    raise SystemExit
