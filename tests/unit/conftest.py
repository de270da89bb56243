"""Fixtures of the pure protocol tests: a fake ``requests`` session and a local server."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import pytest
from zalo_fakes import ACCESS_TOKEN, APP_SECRET, BASE_URLS, FakeSession, RecordingHandler


@pytest.fixture
def tools():
    import zalo_oa_tools

    return zalo_oa_tools


@pytest.fixture
def fake_session():
    return FakeSession()


@pytest.fixture
def calls():
    """A list collecting ``on_call`` records."""
    return []


@pytest.fixture
def client(tools, fake_session, calls):
    return tools.client.ZaloClient(
        access_token=ACCESS_TOKEN,
        app_secret=APP_SECRET,
        urls=BASE_URLS,
        session=fake_session,
        on_call=calls.append,
    )


@pytest.fixture
def local_server():
    """A real HTTP server on 127.0.0.1; set ``server.reply = (status, json, headers)``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    server.received = []
    server.reply = (200, {"error": 0, "message": "Success", "data": {}}, {})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
