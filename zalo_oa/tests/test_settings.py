from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestZaloSettings(TransactionCase):
    def test_endpoint_settings_are_system_parameters(self):
        """The four Zalo base URLs are stored where the API client reads them."""
        settings = self.env["res.config.settings"].create(
            {
                "zalo_openapi_url": "http://127.0.0.1:8765/openapi",
                "zalo_oauth_url": "http://127.0.0.1:8765/oauth",
                "zalo_business_url": "http://127.0.0.1:8765/business",
                "zalo_graph_url": "http://127.0.0.1:8765/graph",
            }
        )
        settings.execute()
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param("zalo_oa.openapi_url"), "http://127.0.0.1:8765/openapi")
        self.assertEqual(params.get_param("zalo_oa.oauth_url"), "http://127.0.0.1:8765/oauth")
        self.assertEqual(params.get_param("zalo_oa.business_url"), "http://127.0.0.1:8765/business")
        self.assertEqual(params.get_param("zalo_oa.graph_url"), "http://127.0.0.1:8765/graph")

    def test_manager_implies_user(self):
        manager = self.env.ref("zalo_oa.group_zalo_manager")
        user = self.env.ref("zalo_oa.group_zalo_user")
        self.assertIn(user, manager.implied_ids)
        self.assertIn(self.env.ref("base.group_user"), user.implied_ids)
        self.assertTrue(self.env.ref("base.user_admin").has_group("zalo_oa.group_zalo_manager"))
