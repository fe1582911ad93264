def main():
    c = load_config(paths, "txo", "test")
    alias = c
    return alias.get("global")
