from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ZbsTransactionCase


@tagged("post_install", "-at_install")
class TestSecurity(ZbsTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Chi nhánh Hà Nội"})
        cls.user_a = new_test_user(
            cls.env,
            login="zbs_user_a",
            groups="base.group_user,zalo_oa.group_zalo_user",
            name="Nhân viên A",
        )
        cls.user_b = new_test_user(
            cls.env,
            login="zbs_user_b",
            groups="base.group_user,zalo_oa.group_zalo_user",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
            name="Nhân viên B",
        )
        cls.manager = new_test_user(
            cls.env,
            login="zbs_manager",
            groups="base.group_user,zalo_oa.group_zalo_manager",
            name="Quản lý",
        )
        cls.employee = new_test_user(
            cls.env, login="zbs_employee", groups="base.group_user", name="Không dùng Zalo"
        )

    def setUp(self):
        super().setUp()
        self.setup_oa()
        self.template = self.new_template()

    def test_users_see_the_templates_of_their_companies(self):
        Template = self.env["zalo.zbs.template"]
        # Ready-made drafts without an OA (shipped by the business addons) are visible to
        # all Zalo users on purpose; templates of an OA follow its company.
        mine = [("oa_id", "!=", False)]
        self.assertEqual(Template.with_user(self.user_a).search(mine), self.template)
        self.assertFalse(Template.with_user(self.user_b).search(mine))
        with self.assertRaises(AccessError):
            self.template.with_user(self.user_b).read(["name"])
        with self.assertRaises(AccessError):
            self.template.with_user(self.employee).read(["name"])
        self.assertTrue(self.template.param_ids.with_user(self.user_a).read(["name"]))
        with self.assertRaises(AccessError):
            self.template.param_ids.with_user(self.user_b).read(["name"])

    def test_only_managers_edit_or_submit(self):
        template = self.template.with_user(self.user_a)
        with self.assertRaises(AccessError):
            template.write({"title": "Tiêu đề đã sửa đổi"})
        with self.assertRaises(AccessError):
            template.action_submit()
        with self.assertRaises(AccessError):
            self.env["zalo.zbs.template"].with_user(self.user_a).create(self.template_values())
        with self.assertRaises(AccessError):
            template.param_ids[0].write({"fixed_value": "x"})
        with self.assertRaises(AccessError):
            self.oa.with_user(self.user_a).action_zbs_import_templates()
        self.assertEqual(template.state, "draft")
        managed = self.template.with_user(self.manager)
        managed.write({"title": "Chào mừng bạn <customer_name>"})
        managed.action_submit()
        self.assertEqual(self.template.state, "pending_review")

    def test_user_of_another_company_cannot_send_it(self):
        self.template.sudo().write({"state": "enabled", "zalo_template_id": "1"})
        partner = self.env["res.partner"].create({"name": "Khách", "mobile": "0912345678"})
        composer_a = self.composer(partner, user=self.user_a)
        self.assertEqual(composer_a.template_id, self.template)
        composer_b = self.composer(partner, user=self.user_b)
        self.assertFalse(composer_b.template_id)
        self.assertIn("No template approved", composer_b.no_template_text)
