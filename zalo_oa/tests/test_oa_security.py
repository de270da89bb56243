from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ZaloMockTransactionCase

SECRETS = ["app_secret", "oa_secret_key", "access_token", "refresh_token"]
STORED = [f"{name}_enc" for name in SECRETS] + ["oauth_verifier_enc", "oauth_nonce"]


@tagged("post_install", "-at_install")
class TestOASecurity(ZaloMockTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oa = cls.create_oa()
        cls.connect_oa(cls.oa)
        cls.zalo_user = new_test_user(
            cls.env,
            login="zalo_agent",
            groups="base.group_user,base.group_allow_export,zalo_oa.group_zalo_user",
        )
        cls.plain_user = new_test_user(cls.env, login="plain_user", groups="base.group_user")
        cls.company_b = cls.env["res.company"].create({"name": "Công ty B"})
        cls.manager_b = new_test_user(
            cls.env,
            login="manager_b",
            groups="base.group_user,zalo_oa.group_zalo_manager",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )

    @property
    def secret_values(self):
        oa = self.oa.sudo()
        return [oa.app_secret, oa.oa_secret_key, oa.access_token, oa.refresh_token]

    def test_zalo_user_cannot_read_secrets(self):
        oa = self.oa.with_user(self.zalo_user)
        self.assertEqual(oa.name, "Cửa hàng Test")
        data = oa.read()[0]
        for name in SECRETS + STORED:
            self.assertNotIn(name, data)
        for name in SECRETS + STORED:
            with self.assertRaises(AccessError):
                oa.read([name])
            with self.assertRaises(AccessError):
                oa.search_read([], [name])
            with self.assertRaises(AccessError):
                oa.web_read({name: {}})
            with self.assertRaises(AccessError):
                oa.export_data([name])
        # Even through paths that skip field groups, a non-manager gets no plain text.
        leaked = repr([oa[name] for name in SECRETS])
        for value in filter(None, self.secret_values):
            self.assertNotIn(value, leaked)
            self.assertNotIn(name, oa.fields_get())
        with self.assertRaises(AccessError):
            oa.write({"app_secret": "x"})

    def test_plain_user_has_no_access(self):
        with self.assertRaises(AccessError):
            self.oa.with_user(self.plain_user).read(["name"])
        with self.assertRaises(AccessError):
            self.env["zalo.api.log"].with_user(self.plain_user).search([])

    def test_manager_reads_secrets(self):
        admin = self.env.ref("base.user_admin")
        data = self.oa.with_user(admin).read(["app_secret", "access_token"])[0]
        self.assertEqual(data["app_secret"], self.app_secret)
        self.assertTrue(data["access_token"])

    def test_other_company_does_not_see_oa(self):
        oa_model = self.env["zalo.oa"].with_user(self.manager_b)
        self.assertFalse(oa_model.search([]))
        with self.assertRaises(AccessError):
            self.oa.with_user(self.manager_b).read(["name"])
        self.oa._zalo_call("get_oa_info")
        self.assertFalse(self.env["zalo.api.log"].with_user(self.manager_b).search([]))

    def test_connect_requires_manager(self):
        with self.assertRaises(AccessError):
            self.oa.with_user(self.zalo_user).action_connect()

    def test_neutralize_clears_tokens(self):
        self.env["ir.module.module"]._get("zalo_oa")  # module present
        with open(
            __file__.replace("tests/test_oa_security.py", "data/neutralize.sql"), encoding="utf-8"
        ) as sql:
            self.env.cr.execute(sql.read())
        self.oa.invalidate_recordset()
        oa = self.oa.sudo()
        self.assertEqual(oa.state, "draft")
        self.assertFalse(oa.access_token)
        self.assertFalse(oa.refresh_token)
        self.assertEqual(oa.app_secret, self.app_secret)  # credentials stay
