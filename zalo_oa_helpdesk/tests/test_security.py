from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ZaloHelpdeskCase


@tagged("post_install", "-at_install")
class TestHelpdeskZaloSecurity(ZaloHelpdeskCase):
    """Helpdesk staff outside the Zalo groups read nothing of zalo.* (issue #19)."""

    def setUp(self):
        super().setUp()
        self.team.write(
            {
                "zalo_auto_send": True,
                "zalo_stage_rule_ids": [
                    Command.create(
                        {
                            "stage_id": self.stage_progress.id,
                            "template_id": self.template("updated").id,
                        }
                    )
                ],
            }
        )
        self.helpdesk_manager = new_test_user(
            self.env,
            login="helpdesk_manager_no_zalo",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager",
        )

    def test_helpdesk_manager_outside_zalo_reads_no_stage_rule(self):
        Rule = self.env["zalo.helpdesk.stage.rule"].with_user(self.helpdesk_manager)
        with self.assertRaises(AccessError):
            Rule.search_read([], ["stage_id"])
        with self.assertRaises(AccessError):
            self.team.zalo_stage_rule_ids.with_user(self.helpdesk_manager).read(["stage_id"])
        # The team itself still opens: the Zalo tab is not part of their form.
        team = self.team.with_user(self.helpdesk_manager)
        view = team.get_view(self.env.ref("helpdesk_mgmt.view_helpdesk_team_form").id, "form")
        self.assertNotIn("zalo_stage_rule_ids", view["arch"])
        self.assertTrue(team.read(["name"]))

    def test_helpdesk_manager_outside_zalo_duplicates_a_team_with_its_rules(self):
        copy = self.team.with_user(self.helpdesk_manager).copy()
        self.assertEqual(copy.sudo().zalo_stage_rule_ids.mapped("stage_id"), self.stage_progress)
        self.assertEqual(len(self.team.sudo().zalo_stage_rule_ids), 1)

    def test_zalo_user_and_helpdesk_manager_configures_the_rules(self):
        both = new_test_user(
            self.env,
            login="helpdesk_manager_zalo",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager,zalo_oa.group_zalo_user",
        )
        team = self.team.with_user(both)
        self.assertEqual(len(team.zalo_stage_rule_ids), 1)
        team.write(
            {
                "zalo_stage_rule_ids": [
                    Command.clear(),
                    Command.create(
                        {"stage_id": self.stage_done.id, "template_id": self.template("done").id}
                    ),
                ]
            }
        )
        self.assertEqual(team.zalo_stage_rule_ids.stage_id, self.stage_done)
