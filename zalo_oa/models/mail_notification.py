from odoo import fields, models

from ..tools.errors import KIND_HELP, KINDS

#: failure_type of a Zalo notification, by the failure kind of its zalo.message.
FAILURE_TYPES = {
    "auth": "zalo_auth",
    "window": "zalo_window_closed",
    "quota": "zalo_quota",
    "rate_limit": "zalo_rate_limit",
    "recipient": "zalo_recipient",
    "template": "zalo_template",
    "param": "zalo_invalid_data",
    "server": "zalo_server",
    "network": "zalo_network",
}


class MailNotification(models.Model):
    """A Zalo send to its recipient, as Odoo's ``sms`` records an SMS.

    One notification per recipient of an outbound Zalo message (the customer's
    contact): ``ready`` while queued, ``sent`` once Zalo took it, ``exception`` (with a
    ``failure_type``) when it failed. Zalo's delivery and read receipts, which
    ``mail`` has no status for, are kept in ``zalo_state``.
    """

    _inherit = "mail.notification"

    notification_type = fields.Selection(
        selection_add=[("zalo", "Zalo")], ondelete={"zalo": "cascade"}
    )
    failure_type = fields.Selection(
        selection_add=[(FAILURE_TYPES[kind], KIND_HELP[kind].label) for kind in KINDS]
    )
    zalo_state = fields.Selection(
        [
            ("pending", "Sending"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("read", "Read"),
            ("failed", "Not sent"),
        ],
        string="Zalo status",
        readonly=True,
    )

    def _filtered_for_web_client(self):
        """Zalo notifications always reach the client: they drive the status icons."""
        zalo = self.filtered(lambda n: n.notification_type == "zalo")
        kept = zalo | super(MailNotification, self - zalo)._filtered_for_web_client()
        return self.filtered(lambda n: n in kept)

    def _notification_format(self):
        vals_list = super()._notification_format()
        by_id = {notif.id: notif for notif in self}
        for vals in vals_list:
            notif = by_id.get(vals["id"])
            if notif and notif.notification_type == "zalo":
                vals["zalo_state"] = notif.zalo_state or False
                vals["failure_reason"] = notif.failure_reason or False
        return vals_list
