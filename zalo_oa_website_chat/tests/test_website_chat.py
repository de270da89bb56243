from odoo.addons.zalo_oa.tests.common import ZaloHttpCase
from odoo.exceptions import ValidationError
from odoo.tests import tagged

SDK = "https://sp.zalo.me/plugins/sdk.js"


@tagged("post_install", "-at_install")
class TestWebsiteChat(ZaloHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oa = cls.create_oa()
        cls.connect_oa(cls.oa)
        cls.website = cls.env["website"].get_current_website()
        cls.website.write(
            {
                "zalo_chat_enabled": True,
                "zalo_chat_oa_id": cls.oa.id,
                "zalo_chat_welcome_message": "Rất vui khi được hỗ trợ bạn!",
                "zalo_chat_autopopup": 10,
                "zalo_chat_width": 360,
                "zalo_chat_height": 480,
            }
        )

    def page(self, path):
        resp = self.url_open(path)
        self.assertEqual(resp.status_code, 200, path)
        return resp.text

    def assertWidget(self, html):
        self.assertIn('class="zalo-chat-widget"', html)
        self.assertIn(f'data-oaid="{self.sim_oa_id}"', html)
        self.assertIn(SDK, html)

    def assertNoWidget(self, html):
        self.assertNotIn("zalo-chat-widget", html)
        self.assertNotIn("sp.zalo.me", html)

    def test_widget_markup_on_pages(self):
        html = self.page("/")
        self.assertWidget(html)
        self.assertIn('data-welcome-message="Rất vui khi được hỗ trợ bạn!"', html)
        self.assertIn('data-autopopup="10"', html)
        self.assertIn('data-width="360"', html)
        self.assertIn('data-height="480"', html)
        self.assertEqual(html.count(SDK), 1)
        self.assertWidget(self.page("/contactus"))
        # Logged-in users see it too.
        self.authenticate("admin", "admin")
        self.assertWidget(self.page("/contactus"))

    def test_default_size_is_omitted(self):
        self.website.write({"zalo_chat_width": 0, "zalo_chat_height": 0, "zalo_chat_autopopup": 0})
        html = self.page("/")
        self.assertWidget(html)
        self.assertIn('data-autopopup="0"', html)
        self.assertNotIn("data-width", html)
        self.assertNotIn("data-height", html)

    def test_disabled_loads_nothing(self):
        self.website.zalo_chat_enabled = False
        self.assertNoWidget(self.page("/"))
        self.assertNoWidget(self.page("/contactus"))

    def test_oa_not_connected_loads_nothing(self):
        self.oa.sudo().write({"zalo_oa_ref": False})
        self.assertNoWidget(self.page("/"))
        self.oa.sudo().write({"zalo_oa_ref": self.sim_oa_id, "active": False})
        self.assertNoWidget(self.page("/"))

    def test_hidden_pages(self):
        self.website.zalo_chat_hidden_paths = "/contactus\n# a comment\n/web/*\n/"
        self.assertNoWidget(self.page("/contactus"))
        self.assertNoWidget(self.page("/web/login"))
        self.assertNoWidget(self.page("/"))
        self.website.zalo_chat_hidden_paths = "contactus"
        self.assertNoWidget(self.page("/contactus"))
        self.assertWidget(self.page("/"))
        self.assertWidget(self.page("/web/login"))

    def test_hidden_path_rules(self):
        website = self.website
        website.zalo_chat_hidden_paths = "/shop\n/my*\n/\n"
        hidden = website._zalo_chat_is_hidden
        self.assertTrue(hidden("/shop"))
        self.assertTrue(hidden("/shop/cart"))
        self.assertFalse(hidden("/shopping"))
        self.assertTrue(hidden("/my"))
        self.assertTrue(hidden("/myself"))
        self.assertTrue(hidden("/"))
        self.assertFalse(hidden("/blog"))
        # Language prefixes are ignored.
        lang = self.env["res.lang"]._activate_lang("vi_VN")
        website.language_ids |= lang
        self.assertTrue(hidden(f"/{lang.url_code}/shop/cart"))
        self.assertTrue(hidden(f"/{lang.url_code}"))
        self.assertFalse(hidden(f"/{lang.url_code}/blog"))
        website.zalo_chat_hidden_paths = False
        self.assertFalse(hidden("/shop"))

    def test_settings(self):
        settings = self.env["res.config.settings"].create({"website_id": self.website.id})
        self.assertTrue(settings.website_zalo_chat_enabled)
        self.assertEqual(settings.website_zalo_chat_oa_id, self.oa)
        settings.write(
            {"website_zalo_chat_hidden_paths": "/shop", "website_zalo_chat_autopopup": 5}
        )
        settings.execute()
        self.assertEqual(self.website.zalo_chat_hidden_paths, "/shop")
        self.assertEqual(self.website.zalo_chat_autopopup, 5)
        self.assertFalse(settings.website_zalo_chat_warning)
        draft = self.create_oa(name="OA chưa kết nối")
        settings = self.env["res.config.settings"].create(
            {"website_id": self.website.id, "website_zalo_chat_oa_id": draft.id}
        )
        self.assertIn("not connected yet", settings.website_zalo_chat_warning)
        with self.assertRaises(ValidationError):
            self.website.write({"zalo_chat_oa_id": False})
        with self.assertRaises(ValidationError):
            self.website.write({"zalo_chat_width": -1})
        other = self.env["res.company"].create({"name": "Công ty khác"})
        foreign = self.create_oa(name="OA công ty khác", company_id=other.id)
        with self.assertRaises(ValidationError):
            self.website.write({"zalo_chat_oa_id": foreign.id})

    def test_snippet_deep_link(self):
        self.assertEqual(self.website._zalo_chat_deep_link(), f"https://zalo.me/{self.sim_oa_id}")
        self.authenticate("admin", "admin")
        html = self.make_jsonrpc_request(
            "/web/dataset/call_kw/ir.ui.view/render_public_asset",
            {
                "model": "ir.ui.view",
                "method": "render_public_asset",
                "args": ["website.snippets", {}],
                "kwargs": {"context": {"website_id": self.website.id}},
            },
        )
        self.assertIn(
            'data-oe-thumbnail="/zalo_oa_website_chat/static/src/img/s_zalo_chat_button.svg"', html
        )
        self.assertIn('data-snippet="s_zalo_chat_button"', html)
        self.assertIn(f'href="https://zalo.me/{self.sim_oa_id}"', html)
        # Without an OA the button still links to Zalo, to be edited by the designer.
        self.website.write({"zalo_chat_enabled": False, "zalo_chat_oa_id": False})
        self.assertEqual(self.website._zalo_chat_deep_link(), "https://zalo.me/")
