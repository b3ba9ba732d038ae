"""HTTP for the REST connector: authentication, errors by kind, paging.

Every request has the connection's timeout, follows no redirect (a redirect is reported, never
followed: the connector talks only to the declared host, #16.2) and turns each failure into
ConnectorError of the right kind, its message redacted of the URL's credentials.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import httpx

from privacydesk.systems.connector import Connection, ConnectorError, redact
from privacydesk.systems.connectors._rest_dataset import Dataset
from privacydesk.systems.connectors._rest_paths import first


def _base_url(connection: Connection, base_path: str) -> str:
    parts = urlsplit(connection.url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    path = parts.path or "/"
    if not path.endswith("/"):
        path += "/"
    if base_path:
        path += base_path.strip("/") + "/"
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def _auth(connection: Connection, dataset: Dataset) -> tuple[dict[str, str],
                                                             httpx.BasicAuth | None]:
    parts = urlsplit(connection.url)
    user = unquote(parts.username or "")
    password = unquote(parts.password or "")
    scheme = dataset.auth.scheme
    if scheme == "none":
        return {}, None
    if scheme == "basic":
        if not user:
            raise ConnectorError("misdeclared", f"{connection.system_id}: auth.scheme basic "
                                 "needs a user name and password in the connection URL")
        return {}, httpx.BasicAuth(user, password)
    key = password or user
    if not key:
        raise ConnectorError("misdeclared", f"{connection.system_id}: auth.scheme {scheme} "
                             "needs the key in the connection URL (https://KEY@host/)")
    if scheme == "bearer":
        return {"Authorization": f"Bearer {key}"}, None
    return {dataset.auth.header: key}, None


class Http:
    """One system's HTTP client. `request` returns the parsed JSON answer (None for an
    empty one); `items` pages through a list endpoint."""

    def __init__(self, connection: Connection, dataset: Dataset) -> None:
        self._connection = connection
        self._dataset = dataset
        self.base = _base_url(connection, dataset.base_path)
        self._host = (urlsplit(self.base).hostname or "").lower()
        headers, auth = _auth(connection, dataset)
        headers["Accept"] = "application/json"
        self._client = httpx.Client(base_url=self.base, headers=headers, auth=auth,
                                    timeout=connection.timeout, follow_redirects=False)

    def close(self) -> None:
        self._client.close()

    def _fail(self, kind: str, what: str) -> ConnectorError:
        return ConnectorError(kind, redact(f"{self._connection.system_id}: {what}",
                                           self._connection.url))

    def _url(self, path: str) -> str:
        url = urljoin(self.base, path.lstrip("/")) if "://" not in path else path
        # A next link (or anything else the system names) on another host is refused.
        host = (urlsplit(url).hostname or "").lower()
        if host != self._host:
            raise self._fail("forbidden_host", f"the system pointed to host {host or '(none)'}, "
                             f"not the declared {self._host}")
        return url

    def request(self, method: str, path: str, params: Mapping[str, Any] | None = None,
                body: Any = None, *, missing_ok: bool = False) -> Any:
        """Send one request; the parsed JSON answer, None when it is empty (or a 404 with
        `missing_ok`: the record is already gone)."""
        url = self._url(path)
        shown = urlsplit(url).path
        try:
            answer = self._client.request(method, url, params=params, json=body)
        except httpx.TimeoutException:
            raise self._fail("timeout", f"{method} {shown}: no answer within "
                             f"{self._connection.timeout:g} s") from None
        except (httpx.ConnectError, httpx.NetworkError) as exc:
            raise self._fail("unreachable", f"{method} {shown}: cannot connect "
                             f"({type(exc).__name__})") from None
        except (httpx.RemoteProtocolError, httpx.DecodingError) as exc:
            raise self._fail("garbage", f"{method} {shown}: the answer is not HTTP "
                             f"({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise self._fail("unreachable", f"{method} {shown}: {type(exc).__name__}") from None
        status = answer.status_code
        if status in (401, 403):
            raise self._fail("refused", f"{method} {shown}: the system refused the credentials "
                             f"(HTTP {status})")
        if status == 404 and missing_ok:
            return None
        if 300 <= status < 400:
            raise self._fail("garbage", f"{method} {shown}: HTTP {status} redirect, not "
                             "followed")
        if status >= 500:
            raise self._fail("unreachable", f"{method} {shown}: HTTP {status} (server error)")
        if status >= 400:
            raise self._fail("garbage", f"{method} {shown}: HTTP {status}: "
                             f"{answer.text[:200]!r}")
        if not answer.content.strip():
            return None
        try:
            return json.loads(answer.content)
        except ValueError:
            raise self._fail("garbage", f"{method} {shown}: the answer is not JSON "
                             f"({answer.headers.get('content-type', 'no content type')})"
                             ) from None

    def items(self, path: str, items: str, params: Mapping[str, str]) -> Iterator[Any]:
        """Every item of a list endpoint, page after page, in the dataset's paging style."""
        paging = self._dataset.paging
        query: dict[str, Any] = dict(params)
        if paging.style == "none":
            yield from self._list(self.request("GET", path, query), items, path)
            return
        query[paging.limit_param] = paging.page_size
        if paging.style == "next_link":
            url: str | None = path
            seen: set[str] = set()
            while url:
                # The next link carries its own query: no parameters are added to it (httpx
                # would replace its query with them).
                page = self.request("GET", url, query if url == path else None)
                yield from self._list(page, items, url)
                following = first(page, paging.next)
                url = following if isinstance(following, str) and following else None
                if url is not None:
                    if url in seen:  # a loop of links would never end
                        raise self._fail("garbage", f"GET {path}: the next link repeats {url}")
                    seen.add(url)
            return
        offset = 0
        while True:
            query[paging.offset_param] = offset
            page = self.request("GET", path, query)
            batch = self._list(page, items, path)
            yield from batch
            total = first(page, paging.total)
            if not isinstance(total, int):
                raise self._fail("garbage", f"GET {path}: no whole number at {paging.total}")
            offset += len(batch)
            if not batch or offset >= total:
                return

    def _list(self, page: Any, items: str, path: str) -> list[Any]:
        found = first(page, items) if items else page
        if not isinstance(found, list) or not all(isinstance(i, Mapping) for i in found):
            raise self._fail("garbage", f"GET {path}: no list of records at "
                             f"{items or '(the answer)'}")
        return found
