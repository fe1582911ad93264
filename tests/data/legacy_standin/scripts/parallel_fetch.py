"""Stand-in legacy script: fetch every customer from four threads (order not deterministic)."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from utils.api_factory import create_rest_api
from utils.logger import setup_logger
from utils.script_runner import parse_args_and_load_config

logger = setup_logger()


def main():
    config = parse_args_and_load_config("Fetch customers", require_token=True)
    base = config["global"]["api-base-url"]
    api = create_rest_api(config)
    company_id = api.get(f"{base}/companies")["value"][0]["id"]
    url = f"{base}/companies({company_id})/customers"
    ids = [c["id"] for c in api.get(url)["value"]]
    with ThreadPoolExecutor(max_workers=4) as pool:
        names = list(pool.map(lambda i: api.get(f"{url}({i})")["displayName"], ids))
    Path("output").mkdir(exist_ok=True)
    Path("output/names.txt").write_text("\n".join(sorted(names)) + "\n")
    api.close()


if __name__ == "__main__":
    main()
