"""Stand-in v2.1 REST helper on requests: JSON in and out, If-Match for ETags."""

import requests

from utils.exceptions import ApiOperationError


class TxoRestAPI:
    def __init__(self, token=None):
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Prefer": "return=representation",
            }
        )
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method, url, **kwargs):
        response = self.session.request(method, url, timeout=30, **kwargs)
        if response.status_code >= 400:
            raise ApiOperationError(f"{method} failed: HTTP {response.status_code}")
        return response.json() if response.content else {}

    def get(self, url, params=None):
        return self._call("GET", url, params=params)

    def post(self, url, json_data=None):
        return self._call("POST", url, json=json_data)

    def patch(self, url, json_data=None, etag=None):
        return self._call("PATCH", url, json=json_data, headers={"If-Match": etag or "*"})

    def delete(self, url, etag=None):
        self._call("DELETE", url, headers={"If-Match": etag or "*"})

    def close(self):
        self.session.close()
