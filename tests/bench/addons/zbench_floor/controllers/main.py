"""The floor of the inbound benchmark: what Odoo itself costs to receive one message.

``POST /zbench/floor`` with ``{"channel_id": int, "author_id": int, "text": str}``: one
bare ``message_post`` into an existing ``discuss.channel`` as the author partner, committed
before the answer. No signature, no event log, no partner resolution: nothing but the
post. Bench databases only.
"""

import json

from markupsafe import escape

from odoo import SUPERUSER_ID, http
from odoo.http import request


class BenchFloor(http.Controller):
    @http.route(
        "/zbench/floor",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def floor(self, **kwargs):
        data = json.loads(request.httprequest.get_data())
        env = request.env(user=SUPERUSER_ID)
        channel = env["discuss.channel"].sudo().browse(int(data["channel_id"]))
        message = channel.message_post(
            author_id=int(data["author_id"]),
            body=escape(data["text"]),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return request.make_response(
            json.dumps({"status": "posted", "id": message.id}),
            headers=[("Content-Type", "application/json")],
        )
