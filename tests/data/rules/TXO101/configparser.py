import configparser

config = configparser.ConfigParser()
host = config.get("server", "host")
