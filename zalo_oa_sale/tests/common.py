"""Fixtures: a Vietnamese company with a chart of accounts, a connected OA on the simulator."""

from datetime import datetime

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.zalo_oa.tests.common import ZaloTransactionCase
from odoo.addons.zalo_oa_zbs.tests.common import ZbsFixtures
from odoo.tests import new_test_user

SALE_TEMPLATES = {
    "quotation": "zalo_oa_sale.zbs_template_sale_quotation",
    "confirmation": "zalo_oa_sale.zbs_template_sale_confirmation",
    "paid": "zalo_oa_sale.zbs_template_sale_paid",
    "cancel": "zalo_oa_sale.zbs_template_sale_cancel",
}


class ZaloSaleCase(ZbsFixtures, ZaloTransactionCase, AccountTestInvoicingCommon):
    """``AccountTestInvoicingCommon`` (generic chart) on a Vietnamese company, in VND."""

    @classmethod
    def setup_company_data(cls, company_name, chart_template=None, **kwargs):
        if company_name == "company_1_data":
            vnd = cls.env.ref("base.VND")
            vnd.active = True
            company_name = "Công ty TNHH Minh Châu"
            kwargs.setdefault("country_id", cls.env.ref("base.vn").id)
            kwargs.setdefault("currency_id", vnd.id)
        return super().setup_company_data(
            company_name, chart_template=chart_template or "generic_coa", **kwargs
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.env.user.tz = "Asia/Ho_Chi_Minh"
        cls.salesperson = new_test_user(
            cls.env,
            login="zalo_sale_person",
            groups="base.group_user,sales_team.group_sale_salesman,zalo_oa.group_zalo_user",
            name="Trần Minh Đức",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Áo dài lụa tơ tằm",
                "list_price": 1234567,
                "taxes_id": [Command.clear()],
                "invoice_policy": "order",
            }
        )

    def setUp(self):
        super().setUp()
        self.setup_oa(company_id=self.company.id)

    # ------------------------------------------------------------- helpers

    def approve(self, template):
        """Submit a shipped draft to the simulator (its checks), then Zalo approves it."""
        if not template.oa_id:
            template.oa_id = self.oa
        template.action_submit()
        self.assertEqual(template.state, "pending_review")
        result = self.sim.set_template_status(template.zalo_template_id, "ENABLE", "")
        self.receive(self.oa, result["event"])
        self.assertEqual(template.state, "enabled")
        return template

    def sale_template(self, usage):
        return self.env.ref(SALE_TEMPLATES[usage])

    def linked_customer(self, name="Nguyễn Thị Hồng Nhung", text="Shop báo giá giúp mình nhé"):
        """A customer who wrote to the OA: partner link, conversation and contact."""
        customer = self.sim.add_customer(name=name, last_interaction_ms=self.sim.store.now_ms())
        self.receive_text(self.oa, customer, text)
        link = self.env["zalo.partner.link"].search(
            [("oa_id", "=", self.oa.id), ("zalo_user_id", "=", customer["user_id"])]
        )
        return customer, link

    def make_order(self, partner, price=1234567, user=None, **values):
        vals = {
            "partner_id": partner.id,
            "company_id": self.company.id,
            "user_id": (user or self.salesperson).id,
            "date_order": datetime(2026, 11, 21, 3, 0),
            "order_line": [
                Command.create(
                    {
                        "product_id": self.product.id,
                        "product_uom_qty": 1,
                        "price_unit": price,
                        "tax_id": [Command.clear()],
                    }
                )
            ],
        }
        vals.update(values)
        return self.env["sale.order"].create(vals)

    def pay(self, invoice, amount):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "journal_id": self.company_data["default_journal_bank"].id})
            ._create_payments()
        )

    def notes(self, record, template):
        """Chatter entries of ``record`` logging a send of ``template``."""
        return record.message_ids.filtered(lambda m: f"«{template.name}»" in (m.body or ""))
