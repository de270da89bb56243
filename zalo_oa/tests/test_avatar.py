"""Zalo avatars (contacts, portal users) are downloaded in one place: zalo.oa."""

import base64
import logging

from .common import ZaloTransactionCase


class TestZaloAvatar(ZaloTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oa = cls.create_oa()
        cls.connect_oa(cls.oa)
        cls.img = f"{cls.sim.base_url}/_sim/img/1234567890.png"

    def test_image_is_downloaded(self):
        content = self.oa._zalo_download_avatar(self.img)
        self.assertTrue(content.startswith(b"\x89PNG"), content[:8])
        link_value = self.env["zalo.partner.link"]._download_avatar(self.oa, self.img)
        self.assertEqual(base64.b64decode(link_value), content)

    def test_no_url_or_not_an_image(self):
        self.assertIsNone(self.oa._zalo_download_avatar(False))
        self.assertIsNone(self.oa._zalo_download_avatar(f"{self.sim.base_url}/_sim/health"))
        self.assertFalse(self.env["zalo.partner.link"]._download_avatar(self.oa, ""))

    def test_too_large_or_foreign_host_is_refused(self):
        # logging.INFO, not "INFO": Odoo names its level 25 "INFO" as well.
        with self.assertLogs("odoo.addons.zalo_oa.models.zalo_oa", logging.INFO) as logs:
            self.assertIsNone(self.oa._zalo_download_avatar(self.img, max_bytes=10))
            self.assertIsNone(self.oa._zalo_download_avatar("https://example.com/a.png"))
        self.assertEqual(len(logs.output), 2)
        self.assertIn("exceeds the limit", logs.output[0])
        self.assertIn("not one of Zalo's media hosts", logs.output[1])
