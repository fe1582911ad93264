def main():
    raw = ConfigLoader("txo", "prod").load_config()
    return raw.get("x")
