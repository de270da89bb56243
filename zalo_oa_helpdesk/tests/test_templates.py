import datetime as dt

from odoo.tests import tagged

from .common import USAGES, ZaloHelpdeskCase


@tagged("post_install", "-at_install")
class TestHelpdeskTemplates(ZaloHelpdeskCase):
    def test_shipped_templates_are_ready_to_submit(self):
        for usage in USAGES:
            template = self.template(usage)
            with self.subTest(usage=usage):
                self.assertEqual((template.state, template.model), ("draft", "helpdesk.ticket"))
                self.assertEqual(template.zalo_helpdesk_usage, usage)
                self.assertEqual(template.tag, "2", "customer care")
                self.assertTrue(10 <= len(template.name) <= 60, template.name)
                self.assertEqual(template.lint_error_count, 0, template.lint_html)
                self.assertLessEqual({i.code for i in template._zbs_lint()}, {"no_logo_or_image"})
                self.approve(template)
        self.assertEqual(len(self.sim_calls("/business/template/create")), 5)

    def test_templates_render_from_a_ticket(self):
        _customer, link = self.linked_customer()
        ticket = self.ticket(link.partner_id, user_id=self.agent.id)
        ticket.write({"stage_id": self.stage_done.id})
        ticket.write(
            {
                "assigned_date": dt.datetime(2026, 11, 21, 2, 0),
                "last_stage_update": dt.datetime(2026, 11, 22, 7, 30),
                "closed_date": dt.datetime(2026, 11, 22, 7, 30),
            }
        )
        ticket._portal_ensure_token()
        today = dt.datetime.now(self.env["zalo.zbs.template.param"]._zbs_tz()).date()
        expected = {
            "customer_name": "Phạm Thu Hà",
            "ticket_number": ticket.number,
            "created_date": today.strftime("%d/%m/%Y"),
            "ticket_status": self.stage_done.name,
            "assignee": "Lê Thị Mỹ Duyên",
            "assigned_date": "21/11/2026",
            "updated_at": "22/11/2026 14:30",
            "closed_date": "22/11/2026",
        }
        for usage in USAGES:
            template = self.template(usage)
            with self.subTest(usage=usage):
                data, problems = template._zbs_render(ticket, partner=link.partner_id)
                self.assertFalse(problems)
                for name, value in data.items():
                    if name == "portal_url":
                        self.assertTrue(
                            value.endswith(
                                f"/my/ticket/{ticket.id}?access_token={ticket.access_token}"
                            ),
                            value,
                        )
                    else:
                        self.assertEqual(value, expected[name], name)

    def test_unassigned_ticket_names_the_team_leader(self):
        leader = self.env["res.users"].create({"name": "Đỗ Minh Khôi", "login": "zalo_hd_lead"})
        self.team.user_id = leader
        ticket = self.ticket(self.customers(1)[0], user_id=False)
        self.assertFalse(ticket.user_id)
        data, problems = self.template("done")._zbs_render(ticket)
        self.assertEqual(data["assignee"], "Đỗ Minh Khôi")
        self.assertNotIn("assignee", problems)
