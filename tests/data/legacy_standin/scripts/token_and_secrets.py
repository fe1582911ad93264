"""Stand-in legacy script: OAuth token, an API key header, a secret in a body (secrets test)."""

import json
from pathlib import Path

import requests


def main():
    config = json.loads(Path("config/standin-api-config.json").read_text())
    secrets = json.loads(Path("config/standin-api-config-secrets.json").read_text())
    base = config["global"]["api-base-url"]
    root = base.split("/api/")[0]
    token = requests.post(
        f"{root}/standin-tenant/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "standin-client",
            "client_secret": secrets["client-secret"],
            "scope": "https://api.businesscentral.dynamics.com/.default",
        },
        timeout=30,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "X-Api-Key": secrets["webhook-secret"]}
    company = requests.get(f"{base}/companies", headers=headers, timeout=30).json()["value"][0]
    url = f"{base}/companies({company['id']})/customers"
    body = {"number": "S00777", "displayName": "Hook " + secrets["webhook-secret"]}
    requests.post(url, json=body, headers=headers, timeout=30)
    requests.get(f"{url}?token={token}", headers=headers, timeout=30)


if __name__ == "__main__":
    main()
