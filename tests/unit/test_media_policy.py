"""Inbound media download: only Zalo's media hosts over HTTPS (no SSRF), with a size cap.

Zalo media links arrive in webhooks, profiles and Social Login answers; whoever can
put a URL there must not make Odoo fetch ``http://127.0.0.1``, a private address,
the cloud metadata service or a ``file:`` URL, directly or through a redirect.
"""

from __future__ import annotations

import pytest
from zalo_fakes import FakeSession, make_response
from zalo_oa_tools.client import ZaloClient
from zalo_oa_tools.errors import ZaloError
from zalo_oa_tools.media import (
    DEFAULT_MEDIA_HOSTS,
    MediaPolicy,
    media_url_problem,
)

ZALO_IMAGE = "https://f6.photo.talk.zdn.vn/1/a.jpg"
JPEG = make_response(200, content=b"JPEGDATA", headers={"Content-Type": "image/jpeg"})

SSRF_TARGETS = [
    "http://127.0.0.1/a.jpg",
    "https://127.0.0.1/a.jpg",
    "http://127.0.0.1:8069/web/database/list",
    "https://localhost/a.jpg",
    "https://[::1]/a.jpg",
    "https://[::ffff:127.0.0.1]/a.jpg",
    "https://0.0.0.0/a.jpg",
    "https://2130706433/a.jpg",  # 127.0.0.1 as an integer
    "https://0x7f000001/a.jpg",
    "https://10.0.0.5/a.jpg",
    "https://172.16.3.4/a.jpg",
    "https://192.168.1.1/a.jpg",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fd00::1]/a.jpg",
    "file:///etc/passwd",
    "ftp://f6.photo.talk.zdn.vn/a.jpg",
    "gopher://127.0.0.1:25/x",
    "data:image/png;base64,AAAA",
    "http://f6.photo.talk.zdn.vn/a.jpg",  # Zalo host, but not HTTPS
    "https://f6.photo.talk.zdn.vn:8443/a.jpg",  # not the HTTPS port
    "https://evilzdn.vn/a.jpg",  # not a subdomain of zdn.vn
    "https://zdn.vn.evil.example/a.jpg",
    "https://f6.photo.talk.zdn.vn@127.0.0.1/a.jpg",  # credentials trick
    "https://127.0.0.1\\@f6.photo.talk.zdn.vn/a.jpg",  # parser differential
    "https://f6.photo.talk.zdn.vn\t.evil.example/a.jpg",
    " https://f6.photo.talk.zdn.vn/a.jpg",
    "//f6.photo.talk.zdn.vn/a.jpg",
    "/etc/passwd",
    "",
    None,
]


@pytest.mark.parametrize("url", SSRF_TARGETS)
def test_ssrf_targets_are_refused_before_any_request(url):
    session = FakeSession(JPEG)
    client = ZaloClient("t", session=session)
    with pytest.raises(ZaloError) as info:
        client.download_media(url)
    assert info.value.kind == "param"
    assert info.value.retryable is False
    assert session.requests == []


@pytest.mark.parametrize(
    "url",
    [
        ZALO_IMAGE,
        "https://s120-ava-talk.zadn.vn/1/2/a.jpg",
        "https://zalo-api.zadn.vn/api/emoticon/sticker/x",
        "https://dl.zalo.me/f/x.pdf",
        "https://F6.Photo.Talk.ZDN.VN./a.jpg",
        "https://f6.photo.talk.zdn.vn:443/a.jpg",
    ],
)
def test_zalo_media_hosts_over_https_are_fetched(url):
    session = FakeSession(JPEG)
    client = ZaloClient("t", session=session)
    assert client.download_media(url) == (b"JPEGDATA", "image/jpeg")
    assert len(session.requests) == 1


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1/x",
        "https://169.254.169.254/latest/meta-data/",
        "https://192.168.0.10/x",
        "file:///etc/passwd",
        "http://f6.photo.talk.zdn.vn/x",
        "https://evil.example/x",
        "//127.0.0.1/x",
    ],
)
def test_redirects_off_the_allow_list_are_refused(location):
    session = FakeSession(make_response(302, headers={"Location": location}), JPEG)
    client = ZaloClient("t", session=session)
    with pytest.raises(ZaloError) as info:
        client.download_media(ZALO_IMAGE)
    assert info.value.kind == "param"
    assert len(session.requests) == 1  # the redirect target was never requested


def test_redirect_between_zalo_media_hosts_is_followed():
    session = FakeSession(
        make_response(302, headers={"Location": "https://dl.zalo.me/f/final.jpg"}), JPEG
    )
    client = ZaloClient("t", session=session)
    assert client.download_media(ZALO_IMAGE) == (b"JPEGDATA", "image/jpeg")
    assert [r.url for r in session.requests] == [ZALO_IMAGE, "https://dl.zalo.me/f/final.jpg"]


def test_configured_api_origin_is_allowed_and_nothing_else_on_that_host():
    """The simulator (demo, tests) serves media from the origin of its API URLs."""
    sim = "http://127.0.0.1:8765"
    urls = {family: f"{sim}/{family}" for family in ("openapi", "oauth", "business", "graph")}
    session = FakeSession(JPEG)
    client = ZaloClient("t", urls=urls, session=session)
    assert client.download_media(f"{sim}/_sim/media/1/a.jpg")[0] == b"JPEGDATA"
    for url in ("http://127.0.0.1:8069/web", "https://127.0.0.1:8765/x", "http://127.0.0.2:8765/"):
        with pytest.raises(ZaloError):
            client.download_media(url)
    assert len(session.requests) == 1


def test_extra_media_hosts_setting():
    policy = MediaPolicy.build(extra="cdn.example.com, http://10.1.2.3:8765 ,  ,bad entry")
    assert media_url_problem("https://img.cdn.example.com/a.jpg", policy) is None
    assert media_url_problem("http://img.cdn.example.com/a.jpg", policy)  # HTTPS only
    assert media_url_problem("http://10.1.2.3:8765/_sim/media/1", policy) is None
    assert media_url_problem("http://10.1.2.3:8766/", policy)
    assert media_url_problem(ZALO_IMAGE, policy) is None  # defaults stay
    client = ZaloClient("t", session=FakeSession(JPEG), media_hosts="cdn.example.com")
    assert client.download_media("https://a.cdn.example.com/x.jpg")[0] == b"JPEGDATA"


def test_defaults_are_only_zalo_domains():
    assert set(DEFAULT_MEDIA_HOSTS) == {"zdn.vn", "zadn.vn", "zalo.me", "zaloapp.com"}
    policy = MediaPolicy.build()
    assert policy.origins == frozenset()


def test_size_cap_with_and_without_content_length():
    big = make_response(200, content=b"x" * 11, headers={"Content-Length": "11"})
    client = ZaloClient("t", session=FakeSession(big))
    with pytest.raises(ZaloError) as info:
        client.download_media(ZALO_IMAGE, max_bytes=10)
    assert info.value.kind == "param"
    unknown = make_response(200, content=b"x" * 11)
    client = ZaloClient("t", session=FakeSession(unknown))
    with pytest.raises(ZaloError):
        client.download_media(ZALO_IMAGE, max_bytes=10)
    lying = make_response(200, content=b"x" * 11, headers={"Content-Length": "3"})
    client = ZaloClient("t", session=FakeSession(lying))
    with pytest.raises(ZaloError):
        client.download_media(ZALO_IMAGE, max_bytes=10)


def test_refusal_message_names_no_query_string():
    client = ZaloClient("t", session=FakeSession())
    with pytest.raises(ZaloError) as info:
        client.download_media("https://127.0.0.1/a.jpg?signature=SECRET123")
    assert "SECRET123" not in str(info.value)
    assert "SECRET123" not in repr(info.value.details)
