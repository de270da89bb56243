"""Fixtures: a Vietnamese company, a helpdesk team, a connected OA on the simulator."""

from odoo import Command
from odoo.addons.zalo_oa_zbs.tests.common import ZbsTransactionCase
from odoo.tests import new_test_user

USAGES = ("created", "assigned", "updated", "done", "rating")


class ZaloHelpdeskCase(ZbsTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.agent = new_test_user(
            cls.env,
            login="zalo_helpdesk_agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user,zalo_oa.group_zalo_user",
            name="Lê Thị Mỹ Duyên",
            tz="Asia/Ho_Chi_Minh",
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Chăm sóc khách hàng",
                "user_ids": [Command.set(cls.agent.ids)],
                "company_id": cls.company.id,
            }
        )
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_cancelled = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled")

    def setUp(self):
        super().setUp()
        self.env.company.country_id = self.env.ref("base.vn")
        self.env.user.tz = "Asia/Ho_Chi_Minh"
        self.setup_oa()

    def template(self, usage):
        return self.env.ref(f"zalo_oa_helpdesk.zbs_template_helpdesk_{usage}")

    def approve(self, template):
        """Submit a shipped draft to the simulator (its checks), then Zalo approves it."""
        if not template.oa_id:
            template.oa_id = self.oa
        template.action_submit()
        result = self.sim.set_template_status(template.zalo_template_id, "ENABLE", "")
        self.receive(self.oa, result["event"])
        self.assertEqual(template.state, "enabled")
        return template

    def linked_customer(self, name="Phạm Thu Hà", text="Máy lọc nước nhà mình bị rò rỉ"):
        customer = self.sim.add_customer(name=name, last_interaction_ms=self.sim.store.now_ms())
        self.receive_text(self.oa, customer, text)
        link = self.env["zalo.partner.link"].search(
            [("oa_id", "=", self.oa.id), ("zalo_user_id", "=", customer["user_id"])]
        )
        return customer, link

    def ticket(self, partner, **values):
        vals = {
            "name": "Máy lọc nước bị rò rỉ",
            "description": "<p>Nước rò rỉ ở van dưới.</p>",
            "partner_id": partner.id,
            "team_id": self.team.id,
        }
        vals.update(values)
        return self.env["helpdesk.ticket"].create(vals)

    def notes(self, record, template):
        return record.message_ids.filtered(lambda m: f"«{template.name}»" in (m.body or ""))
