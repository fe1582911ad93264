from utils.script_runner import parse_args_and_load_config

config = parse_args_and_load_config("Sync customers")
base_url = config.get("global", {}).get("api-base-url")  # hard-fail now
timeout = config.get("script-behavior", {}).get("api-timeouts", {}).get("rest-timeout-seconds", 60)
delay = config["script-behavior"].get("api-delay-seconds", 1)
token = config.get("_token")
company = (config.get("global", {})
           .get("company-id"))
