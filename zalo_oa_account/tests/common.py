"""Fixtures: a Vietnamese company with a chart of accounts, a connected OA on the simulator."""

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.zalo_oa.tests.common import ZaloTransactionCase
from odoo.addons.zalo_oa_zbs.tests.common import ZbsFixtures


class ZaloAccountCase(ZbsFixtures, ZaloTransactionCase, AccountTestInvoicingCommon):
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
        cls.template = cls.env.ref("zalo_oa_account.zbs_template_payment_request")

    def setUp(self):
        super().setUp()
        self.setup_oa(company_id=self.company.id)

    def approve(self, template):
        """Submit a shipped draft to the simulator (its checks), then Zalo approves it."""
        if not template.oa_id:
            template.oa_id = self.oa
        template.action_submit()
        result = self.sim.set_template_status(template.zalo_template_id, "ENABLE", "")
        self.receive(self.oa, result["event"])
        self.assertEqual(template.state, "enabled")
        return template

    def linked_customer(self, name="Công ty Minh Châu", text="Cho mình xin hóa đơn tháng này"):
        customer = self.sim.add_customer(name=name, last_interaction_ms=self.sim.store.now_ms())
        self.receive_text(self.oa, customer, text)
        link = self.env["zalo.partner.link"].search(
            [("oa_id", "=", self.oa.id), ("zalo_user_id", "=", customer["user_id"])]
        )
        return customer, link

    def invoice(self, partner, amount=12500000, due="2026-11-30", post=True, **values):
        vals = {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": "2026-11-21",
            "invoice_date_due": due,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Vải lụa tơ tằm Bảo Lộc",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        vals.update(values)
        move = self.env["account.move"].create(vals)
        if post:
            move.action_post()
        return move

    def pay(self, invoice, amount):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "journal_id": self.company_data["default_journal_bank"].id})
            ._create_payments()
        )

    def notes(self, record, template):
        return record.message_ids.filtered(lambda m: f"«{template.name}»" in (m.body or ""))
