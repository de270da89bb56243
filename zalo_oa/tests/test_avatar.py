"""Zalo avatars (contacts, portal users) are downloaded in one place: zalo.oa."""

import base64
import logging

from .common import ZaloMockTransactionCase

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 56
#: on one of Zalo's media hosts, as Zalo's profiles give them
AVATAR = "https://s240-ava-talk.zadn.vn/a/b/avatar.png"


class TestZaloAvatar(ZaloMockTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oa = cls.create_oa()
        cls.connect_oa(cls.oa)

    def test_image_is_downloaded(self):
        self.zalo.answer(AVATAR, PNG, headers={"Content-Type": "image/png"}, count=2)
        content = self.oa._zalo_download_avatar(AVATAR)
        self.assertEqual(content, PNG)
        link_value = self.env["zalo.partner.link"]._download_avatar(self.oa, AVATAR)
        self.assertEqual(base64.b64decode(link_value), content)
        # a plain GET: no token or secret goes to a media host
        self.assertEqual([c.method for c in self.zalo.calls], ["GET", "GET"])
        self.assertNotIn("access_token", self.zalo.calls[0].headers)

    def test_no_url_or_not_an_image(self):
        self.assertIsNone(self.oa._zalo_download_avatar(False))
        self.zalo.answer(AVATAR, b"{}", headers={"Content-Type": "application/json"})
        self.assertIsNone(self.oa._zalo_download_avatar(AVATAR))
        self.assertIsNone(self.oa._zalo_download_avatar(AVATAR))  # unscripted: a 404
        self.assertFalse(self.env["zalo.partner.link"]._download_avatar(self.oa, ""))

    def test_too_large_or_foreign_host_is_refused(self):
        self.zalo.answer(AVATAR, PNG, headers={"Content-Type": "image/png"})
        # logging.INFO, not "INFO": Odoo names its level 25 "INFO" as well.
        with self.assertLogs("odoo.addons.zalo_oa.models.zalo_oa", logging.INFO) as logs:
            self.assertIsNone(self.oa._zalo_download_avatar(AVATAR, max_bytes=10))
            self.assertIsNone(self.oa._zalo_download_avatar("https://example.com/a.png"))
        self.assertEqual(len(logs.output), 2)
        self.assertIn("exceeds the limit", logs.output[0])
        self.assertIn("not one of Zalo's media hosts", logs.output[1])
        self.assertEqual(len(self.zalo.calls), 1, "example.com is refused before any request")
