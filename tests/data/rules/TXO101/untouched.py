def f(config, key, *rest, **options):
    a = config.get("a", default=None)
    b = config.get(*rest)
    c = config.get(**options)
    d = config.get(
        "d",  # explain the default
        0,
    )
    e = config.get()
    g = config.get("a", 1, 2)
    h = getattr(config, "get")("x")
    getter = config.get
    return a, b, c, d, e, g, h, getter
