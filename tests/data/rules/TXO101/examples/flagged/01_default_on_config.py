def main(config):
    timeout = config.get("timeout", 30)
