def main():
    data = parse_args_and_load_config("Sync")
    return data["global"].get("api-base-url")
