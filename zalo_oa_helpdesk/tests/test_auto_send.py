from odoo.tests import tagged

from .common import USAGES, ZaloHelpdeskCase


@tagged("post_install", "-at_install")
class TestHelpdeskAutoSend(ZaloHelpdeskCase):
    def setUp(self):
        super().setUp()
        self.templates = {usage: self.approve(self.template(usage)) for usage in USAGES}
        self.team.action_zalo_use_default_templates()
        self.customer, self.link = self.linked_customer()
        self.partner = self.link.partner_id

    def sends(self, ticket, usage):
        return self.zbs_rows(ticket, zbs_template_id=self.templates[usage].id)

    def assert_sent_once(self, ticket, usage):
        rows = self.sends(ticket, usage)
        self.assertEqual(len(rows), 1, f"one «{usage}» message for {ticket.number}")
        self.run_queue()
        self.assertEqual(rows.state, "sent", rows.failure_reason)
        self.assertEqual(len(self.notes(ticket, self.templates[usage])), 1, "one chatter entry")
        return rows

    def test_default_configuration(self):
        team = self.team
        self.assertTrue(team.zalo_auto_send)
        self.assertEqual(team.zalo_created_template_id, self.templates["created"])
        self.assertEqual(team.zalo_assigned_template_id, self.templates["assigned"])
        rules = [(r.stage_id, r.template_id.zalo_helpdesk_usage) for r in team.zalo_stage_rule_ids]
        self.assertIn((self.stage_progress, "updated"), rules)
        self.assertIn((self.stage_done, "done"), rules)
        self.assertIn((self.stage_done, "rating"), rules)
        self.assertNotIn(self.stage_new, [stage for stage, _usage in rules])
        self.assertNotIn(self.stage_cancelled, [stage for stage, _usage in rules])

    def test_ticket_lifecycle(self):
        ticket = self.ticket(self.partner)
        self.assertEqual(ticket.stage_id, self.stage_new)
        row = self.assert_sent_once(ticket, "created")
        self.assertEqual(row.message_kind, "zbs_uid")
        self.assertEqual(ticket.zalo_channel_count, 1, "related to the customer's conversation")
        data = self.sim_calls("/openapi/v3.0/oa/message/template")[-1]["body"]["json"]
        self.assertEqual(data["user_id"], self.customer["user_id"])
        self.assertEqual(data["template_data"]["ticket_number"], ticket.number)

        ticket.with_user(self.agent).assign_to_me()
        self.assert_sent_once(ticket, "assigned")
        ticket.write({"user_id": self.agent.id})
        self.assertEqual(len(self.sends(ticket, "assigned")), 1, "same user: nothing new")

        ticket.with_user(self.agent).write({"stage_id": self.stage_progress.id})
        self.assert_sent_once(ticket, "updated")
        data = self.sim_calls("/openapi/v3.0/oa/message/template")[-1]["body"]["json"]
        self.assertEqual(data["template_data"]["ticket_status"], self.stage_progress.name)

        ticket.with_user(self.agent).write({"stage_id": self.stage_done.id})
        self.assert_sent_once(ticket, "done")
        self.assert_sent_once(ticket, "rating")
        self.assertEqual(len(self.zbs_rows(ticket)), 5)
        self.assertEqual(len(self.sim_calls("/openapi/v3.0/oa/message/template")), 5)

    def test_stage_without_rule_and_several_tickets(self):
        first = self.ticket(self.partner)
        second = self.ticket(self.customers(1)[0])
        (first | second).write({"stage_id": self.stage_cancelled.id})
        for ticket in first | second:
            self.assertEqual(self.zbs_rows(ticket).zbs_template_id, self.templates["created"])
        (first | second).write({"stage_id": self.stage_progress.id})
        for ticket in first | second:
            self.assert_sent_once(ticket, "updated")
        self.assertEqual(self.sends(second, "updated").message_kind, "zbs_phone")

    def test_opt_out(self):
        ticket = self.ticket(self.partner, zalo_no_auto_send=True)
        ticket.write({"user_id": self.agent.id, "stage_id": self.stage_done.id})
        self.assertFalse(self.zbs_rows(ticket))
        self.assertFalse(ticket.message_ids.filtered(lambda m: "Zalo template" in (m.body or "")))

    def test_configured_per_team(self):
        other = self.env["helpdesk.ticket.team"].create(
            {
                "name": "Bảo hành",
                "company_id": self.company.id,
                "zalo_auto_send": True,
                "zalo_created_template_id": False,
                "zalo_stage_rule_ids": [
                    (
                        0,
                        0,
                        {"stage_id": self.stage_done.id, "template_id": self.templates["done"].id},
                    )
                ],
            }
        )
        ticket = self.ticket(self.partner, team_id=other.id)
        ticket.write({"stage_id": self.stage_progress.id})
        self.assertFalse(self.zbs_rows(ticket))
        ticket.write({"stage_id": self.stage_done.id})
        self.assert_sent_once(ticket, "done")
        self.assertFalse(self.sends(ticket, "rating"))
        # A team that does not notify.
        self.team.zalo_auto_send = False
        quiet = self.ticket(self.partner)
        quiet.write({"user_id": self.agent.id, "stage_id": self.stage_done.id})
        self.assertFalse(self.zbs_rows(quiet))

    def test_template_not_approved_does_not_block(self):
        self.templates["updated"].sudo().state = "disabled"
        ticket = self.ticket(self.partner)
        ticket.write({"stage_id": self.stage_progress.id})
        self.assertEqual(ticket.stage_id, self.stage_progress)
        self.assertFalse(self.sends(ticket, "updated"))
        self.note_with(ticket, "not approved by Zalo")

    def test_send_via_zalo_button(self):
        self.team.zalo_auto_send = False
        ticket = self.ticket(self.partner, user_id=self.agent.id)
        ticket.write({"stage_id": self.stage_progress.id})
        action = ticket.with_user(self.agent).action_zalo_send()
        composer = (
            self.env["zalo.zbs.composer"]
            .with_user(self.agent)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(composer.template_id, self.templates["updated"])
        self.assertIn(ticket.number, composer.preview_html)
        composer.action_send()
        row = self.zbs_rows(ticket)
        self.assertEqual(len(row), 1)
        self.assertEqual((row.state, row.message_kind), ("sent", "zbs_uid"))
        self.assertEqual(len(self.notes(ticket, self.templates["updated"])), 1)
        ticket.write({"stage_id": self.stage_done.id})
        self.assertEqual(
            ticket._zalo_zbs_default_template(composer.available_template_ids),
            self.templates["done"],
        )

    def test_team_form(self):
        arch = self.env["helpdesk.ticket.team"].get_view(
            self.env.ref("helpdesk_mgmt.view_helpdesk_team_form").id
        )["arch"]
        self.assertIn('name="zalo_stage_rule_ids"', arch)
        self.assertIn('name="action_zalo_use_default_templates"', arch)
        ticket_form = self.env["helpdesk.ticket"].get_view(
            self.env.ref("helpdesk_mgmt.ticket_view_form").id
        )["arch"]
        self.assertIn('name="action_zalo_send"', ticket_form)
        self.assertIn('name="zalo_no_auto_send"', ticket_form)
