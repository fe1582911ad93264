"""Stand-in v2.1 REST helper on requests: JSON in and out, If-Match for ETags."""

from urllib.parse import quote

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

    def get_odata_entities(self, base_url, entity_name, odata_filter=None, page_size=None):
        """v2.1's paging (docs/v21-api.md §6.4): $top/$skip; a next link is checked, not fetched.

        Stops on an empty page, or on a short page without a next link.  (v2.1 also slept
        a jittered half second after each full page; the stand-in does not.)
        """
        size = min(page_size or 20, 1000)
        query = f"$filter={quote(odata_filter)}&" if odata_filter else ""
        entities, skip = [], 0
        while True:
            body = self.get(f"{base_url}/{entity_name}?{query}$top={size}&$skip={skip}")
            page = body.get("value", [])
            if not page:
                break
            entities += [{k: v for k, v in e.items() if not k.startswith("@odata.")} for e in page]
            if "@odata.nextLink" not in body and len(page) < size:
                break
            skip += size
        return entities

    def close(self):
        self.session.close()
