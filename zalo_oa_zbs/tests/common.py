"""Fixtures of the ZBS tests: a connected OA on the simulator and ready templates."""

import base64
import io

from PIL import Image

from odoo import Command
from odoo.addons.zalo_oa.tests.common import ZaloHttpCase, ZaloTransactionCase


def png_bytes(size=(400, 96), color="navy"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


class ZbsFixtures:
    """Mixed into ZaloTransactionCase / ZaloHttpCase."""

    def setup_oa(self, **values):
        self.sim.reset()
        self.oa = self.create_oa(**values)
        self.connect_oa(self.oa)
        return self.oa

    def template_values(self, **values):
        vals = {
            "name": "Thông báo khách hàng mới",
            "oa_id": self.oa.id,
            "tag": "2",
            "title": "Chào mừng <customer_name>",
            "body_text": "Cảm ơn bạn đã trở thành khách hàng của cửa hàng.\n\n"
            "Mã khách hàng của bạn là <customer_code>.",
            "logo": base64.b64encode(png_bytes()),
            "param_ids": [
                Command.create(
                    {
                        "name": "customer_name",
                        "param_type": "1",
                        "source": "field",
                        "field_path": "name",
                        "sample_value": "Nguyễn Văn An",
                    }
                ),
                Command.create(
                    {
                        "name": "customer_code",
                        "param_type": "4",
                        "source": "field",
                        "field_path": "ref",
                        "sample_value": "KH0001",
                    }
                ),
            ],
        }
        vals.update(values)
        return vals

    def new_template(self, **values):
        return self.env["zalo.zbs.template"].create(self.template_values(**values))

    def enabled_template(self, **values):
        """A template already approved on the simulator (no review round trip)."""
        template = self.new_template(**values)
        sim_tpl = self.sim.add_template(
            template_name=template.name,
            params=[
                {"name": p.name, "type": p.param_type, "sample_value": p.sample_value or "x"}
                for p in template.param_ids
            ],
            status="ENABLE",
        )
        template.sudo().write({"zalo_template_id": sim_tpl["template_id"], "state": "enabled"})
        return template

    def customers(self, count, phone=None, **values):
        vals_list = []
        for index in range(count):
            vals = {
                "name": f"Khách hàng {index + 1:04d}",
                "ref": f"KH{index + 1:04d}",
                "mobile": phone or f"09{12000000 + index:08d}",
            }
            vals.update(values)
            vals_list.append(vals)
        return self.env["res.partner"].create(vals_list)

    def composer(self, records, user=None, **values):
        Composer = self.env["zalo.zbs.composer"]
        if user:
            Composer = Composer.with_user(user)
        return Composer.with_context(active_model=records._name, active_ids=records.ids).create(
            values
        )

    def zbs_rows(self, records=None, **domain):
        search = [("message_kind", "!=", "cs")]
        if records is not None:
            search += [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        search += [(key, "=", value) for key, value in domain.items()]
        return self.env["zalo.message"].search(search, order="id")

    def note_with(self, record, text):
        """The chatter message of ``record`` that contains ``text`` (newest first)."""
        notes = record.message_ids.filtered(lambda m: text in (m.body or ""))
        self.assertTrue(notes, f"no message with {text!r} in {record.message_ids.mapped('body')}")
        return notes[0]

    def run_queue(self, rounds=10):
        for _round in range(rounds):
            due = self.env["zalo.message"].search_count(
                [("state", "=", "pending"), ("next_attempt_at", "=", False)]
            )
            if not due:
                return
            self.env["zalo.message"]._cron_send_messages(limit=1000)

    def deliver(self, msg_id):
        """The simulator's delivery receipt of a message, received through the webhook."""
        from zalo_simulator import actions

        result = actions.mark_received(self.sim, msg_id)
        return self.receive(self.oa, result["event"])


class ZbsTransactionCase(ZbsFixtures, ZaloTransactionCase):
    pass


class ZbsHttpCase(ZbsFixtures, ZaloHttpCase):
    pass
