def main():
    with ConfigContext("txo", "test") as c:
        return c.get("global")
