"""What if the HTTP worker only acknowledged, and the cron worker processed every event?

Bench databases only. Events whose ``msg_id`` starts with ``q-`` (the bench's
"ours, queued" column) are not cheap: the controller stores them as ``queued`` and wakes
the processing cron with ``_trigger()`` instead of processing them after the answer.
Everything else is unchanged, so both variants are measured in the same database.
"""

from odoo import api, models


class ZaloEvent(models.Model):
    _inherit = "zalo.event"

    @api.model
    def _is_cheap(self, event):
        if (getattr(event, "msg_id", None) or "").startswith("q-"):
            return False
        return super()._is_cheap(event)
