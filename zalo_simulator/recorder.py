"""The request log: every call made to the Zalo-facing endpoints, for test assertions.

TEST-ONLY: records are kept with *all* headers, access tokens and secrets included,
because tests assert on exactly those. Never point a real client holding real secrets
at the simulator.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from typing import Any

from werkzeug.wrappers import Request, Response

MAX_RECORDS = 10_000
MAX_TEXT = 4000


def summarize_body(request: Request) -> dict:
    """A JSON-able view of the request body: parsed JSON, form fields or multipart files."""
    ctype = request.mimetype or ""
    if ctype == "multipart/form-data":
        files = {
            name: {
                "filename": f.filename,
                "content_type": f.mimetype,
                "size": _size(f),
            }
            for name, f in request.files.items()
        }
        return {"kind": "multipart", "form": request.form.to_dict(), "files": files}
    if ctype == "application/x-www-form-urlencoded":
        return {"kind": "form", "form": request.form.to_dict()}
    raw = request.get_data(cache=True)
    if not raw:
        return {"kind": "empty"}
    text = raw.decode("utf-8", "replace")
    try:
        return {"kind": "json", "json": json.loads(text)}
    except ValueError:
        return {"kind": "text", "text": text[:MAX_TEXT]}


def _size(storage: Any) -> int:
    stream = storage.stream
    pos = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(pos)
    return size


def summarize_response(response: Response) -> dict:
    out: dict[str, Any] = {"status": response.status_code, "content_type": response.mimetype}
    if response.mimetype == "application/json" and not response.direct_passthrough:
        try:
            out["json"] = json.loads(response.get_data())
        except ValueError:
            pass
    if response.status_code in (301, 302, 303, 307):
        out["location"] = response.headers.get("Location")
    return out


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._records: deque[dict] = deque(maxlen=MAX_RECORDS)

    def add(self, record: dict) -> dict:
        with self._lock:
            record["id"] = next(self._ids)
            self._records.append(record)
        return record

    def query(
        self,
        path: str | None = None,
        since: float | None = None,
        after: int | None = None,
        family: str | None = None,
        method: str | None = None,
    ) -> list[dict]:
        """Records whose path contains ``path``, newer than ``since`` (epoch ms) / id ``after``."""
        with self._lock:
            return [
                r
                for r in self._records
                if (path is None or path in r["path"])
                and (since is None or r["ts_ms"] >= since)
                and (after is None or r["id"] > after)
                and (family is None or r["family"] == family)
                and (method is None or r["method"] == method.upper())
            ]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


def now_ms() -> int:
    return int(time.time() * 1000)
