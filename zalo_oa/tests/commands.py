"""Helpers for the tests of Discuss commands in Zalo conversations (``/lead``,
``/quotation``, ``/ticket``): called like the web client does, over JSON-RPC, as a
user whose language is Vietnamese."""

import json

from .common import ZaloHttpCase


class ZaloCommandHttpCase(ZaloHttpCase):
    #: Addons whose Vietnamese terms the errors are read from.
    command_lang = "vi_VN"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang(cls.command_lang)

    def conversation(self, oa, name="Phạm Thu Hà", text="Chào shop"):
        """A customer writes to ``oa``: their Zalo conversation."""
        customer = self.sim.add_customer(name=name, last_interaction_ms=self.sim.store.now_ms())
        self.receive_text(oa, customer, text)
        link = self.env["zalo.partner.link"].search(
            [("oa_id", "=", oa.id), ("zalo_user_id", "=", customer["user_id"])]
        )
        return link.channel_id

    def run_command(self, user, channel, method, body):
        """``method`` of ``channel`` as the web client calls it for ``body``, as ``user``
        (password = login). Returns ``(result, error)``, error being the JSON-RPC error
        data (``name``, ``message``) or ``None``."""
        self.authenticate(user.login, user.login)
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": "discuss.channel",
                "method": method,
                "args": [channel.ids],
                "kwargs": {"body": body, "context": {"lang": user.lang, "tz": user.tz}},
            },
        }
        response = self.url_open(
            f"/web/dataset/call_kw/discuss.channel/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        answer = response.json()
        self.env.invalidate_all()
        if "error" in answer:
            return None, answer["error"]["data"]
        return answer["result"], None

    def assert_refused(self, error, message, exception="odoo.exceptions.UserError"):
        self.assertTrue(error, "the command should have been refused")
        self.assertEqual(error["name"], exception)
        self.assertEqual(error["message"], message)
