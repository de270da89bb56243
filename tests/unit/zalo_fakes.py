"""Test doubles of the pure protocol tests (imported as ``zalo_fakes``)."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from types import SimpleNamespace

import requests
from requests.structures import CaseInsensitiveDict

ACCESS_TOKEN = "tok-ACCESS-9f8e7d6c5b4a"
APP_SECRET = "sec-APP-0a1b2c3d4e5f"
BASE_URLS = {
    "openapi": "https://openapi.zalo.me",
    "oauth": "https://oauth.zaloapp.com",
    "business": "https://business.openapi.zalo.me",
    "graph": "https://graph.zalo.me",
}


def make_response(status=200, json_body=None, content=None, headers=None, url="https://x/"):
    """A real :class:`requests.Response` with a preset body."""
    response = requests.Response()
    response.status_code = status
    response.reason = {200: "OK", 404: "Not Found", 429: "Too Many Requests"}.get(status, "")
    if content is None:
        content = b"" if json_body is None else json.dumps(json_body).encode("utf-8")
    response._content = content
    response._content_consumed = True
    response.headers = CaseInsensitiveDict(headers or {})
    if json_body is not None:
        response.headers.setdefault("Content-Type", "application/json")
    response.url = url
    return response


class FakeSession:
    """Stands in for :class:`requests.Session`: records requests, replays responses.

    Queue items are responses, exceptions (raised) or callables
    ``(method, url, kwargs) -> response``.
    """

    def __init__(self, *items):
        self.queue = list(items)
        self.requests = []
        self.closed = False

    def add(self, status=200, json_body=None, **kwargs):
        self.queue.append(make_response(status, json_body, **kwargs))
        return self

    def request(self, method, url, **kwargs):
        self.requests.append(SimpleNamespace(method=method, url=url, **kwargs))
        if not self.queue:
            raise AssertionError(f"Unexpected request {method} {url}")
        item = self.queue.pop(0)
        if isinstance(item, BaseException):
            raise item
        if callable(item):
            item = item(method, url, kwargs)
        return item

    def close(self):
        self.closed = True

    @property
    def last(self):
        return self.requests[-1]


# ------------------------------------------------------------------ local server


class RecordingHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.received.append(
            SimpleNamespace(
                method=self.command, path=self.path, headers=dict(self.headers), body=body
            )
        )
        status, payload, headers = self.server.reply
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = _handle
    do_POST = _handle
