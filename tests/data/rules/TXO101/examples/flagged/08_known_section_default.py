def f(d):
    return d.get("script-behavior", {})
