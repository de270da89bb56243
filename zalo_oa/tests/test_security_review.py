"""Security review (issue #19, point 4), seen from an attacker's side.

* webhook: every accepted signature variant needs a secret;
* media download: only Zalo's media hosts (SSRF targets refused);
* RPC reads of ``zalo.*`` models by portal users and by internal users outside the
  Zalo groups are refused, and so is a portal customer's access to their Zalo
  conversation (its internal notes travel on the channel's bus);
* one company's conversations are invisible to the users of another company.
"""

import hashlib
import json
import time

import odoo
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException

from ..tools.webhook import compute_signature
from .common import ZaloHttpCase

XSS_NAME = '<img src=x onerror="window.__zaloXss=0">'


def _sign(first, raw, timestamp, secret):
    return hashlib.sha256(f"{first}".encode() + raw + f"{timestamp}{secret}".encode()).hexdigest()


@tagged("post_install", "-at_install")
class TestSecurityReview(ZaloHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        port = odoo.tools.config["http_port"]
        cls.sim.configure(webhook_url=f"http://127.0.0.1:{port}/zalo_oa/webhook")
        cls.admin = cls.env.ref("base.user_admin")
        cls.operator = new_test_user(
            cls.env, login="sec_operator", groups="base.group_user,zalo_oa.group_zalo_user"
        )
        cls.oa = cls.create_oa(name="OA Công ty A", operator_ids=[(6, 0, cls.operator.ids)])
        cls.connect_oa(cls.oa)
        cls.customer = cls.sim.add_customer(
            name="Khách Portal", last_interaction_ms=cls.sim.store.now_ms()
        )
        cls.plain_user = new_test_user(cls.env, login="sec_plain", groups="base.group_user")
        # Business apps, but no Zalo group: still nothing of zalo.* (when installed).
        business = [
            "sales_team.group_sale_salesman_all_leads",
            "account.group_account_invoice",
            "helpdesk_mgmt.group_helpdesk_manager",
        ]
        groups = ["base.group_user"] + [x for x in business if cls.env.ref(x, False)]
        cls.business_user = new_test_user(cls.env, login="sec_business", groups=",".join(groups))

    def setUp(self):
        super().setUp()
        self.receive_text(self.oa, self.customer, "Tin nhắn riêng của khách")
        self.link = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)])
        self.channel = self.link.channel_id
        self.assertTrue(self.channel)

    # ---------------------------------------------------------------- helpers

    def rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def assertRpcRefused(self, model, method, *args, **kwargs):
        with self.assertRaises(JsonRpcException) as refused:
            self.rpc(model, method, *args, **kwargs)
        self.assertIn("AccessError", str(refused.exception), f"{model}.{method}")

    def zalo_models(self):
        return sorted(
            name
            for name, model in self.env.registry.items()
            if name.startswith("zalo.") and not model._abstract
        )

    def portal_customer(self):
        return new_test_user(
            self.env,
            login="sec_portal",
            groups="base.group_portal",
            partner_id=self.link.partner_id.id,
        )

    # ------------------------------------------------------------ webhook

    def post_signed(self, oa, payload, first, secret):
        payload.setdefault("app_id", oa.sudo().app_id)
        payload.setdefault("timestamp", str(int(time.time() * 1000)))
        raw = json.dumps(payload).encode()
        mac = _sign(first, raw, payload["timestamp"], secret)
        return self.env["zalo.event"]._webhook_receive(raw, {"X-ZEvent-Signature": f"mac={mac}"})

    def test_signing_helper_is_zalo_mac(self):
        self.assertEqual(_sign("1", b"{}", "2", "s"), compute_signature("1", b"{}", "2", "s"))

    def test_every_signature_variant_needs_a_secret(self):
        """Without the secret, no id/secret combination is accepted: not an empty
        secret, not the text of an unset field."""
        oa = self.create_oa(name="OA không khóa", oa_secret_key=False)
        oa.sudo().zalo_oa_ref = "7700112233445566"

        def payload(n):
            return {
                "sender": {"id": self.customer["user_id"]},
                "recipient": {"id": "7700112233445566"},
                "event_name": "user_send_text",
                "message": {"text": "giả mạo", "msg_id": f"forged-{n}"},
            }

        n = 0
        for first in (self.app_id, "7700112233445566", ""):
            for secret in ("", "False", "None", " ", "0"):
                n += 1
                result = self.post_signed(oa, payload(n), first, secret)
                self.assertEqual(result.status, "ignored", (first, secret))
        # With only the app secret configured, the app-secret variant is the one accepted.
        result = self.post_signed(oa, payload(99), self.app_id, self.app_secret)
        self.assertEqual(result.status, "stored")
        self.assertEqual(
            self.env["zalo.event"].browse(result.event_id).signature_variant, "app_id+app_secret"
        )
        # No secret at all: nothing gets in.
        oa.sudo().app_secret = False
        self.env.registry.clear_cache()
        for first in (self.app_id, "7700112233445566"):
            for secret in ("", "False", self.app_secret):
                n += 1
                self.assertEqual(self.post_signed(oa, payload(n), first, secret).status, "ignored")
        self.assertEqual(self.env["zalo.event"].search_count([("oa_id", "=", oa.id)]), 1)

    # -------------------------------------------------------------- media

    def test_media_download_refuses_ssrf_targets(self):
        port = odoo.tools.config["http_port"]
        targets = [
            f"http://127.0.0.1:{port}/web/health",
            f"http://localhost:{port}/web/health",
            "http://169.254.169.254/latest/meta-data/",
            "https://192.168.1.1/router.png",
            "file:///etc/passwd",
            "https://shop.example/a.jpg",
        ]
        self.env.flush_all()
        payload = {
            "sender": {"id": self.customer["user_id"]},
            "recipient": {"id": self.oa.zalo_oa_ref},
            "event_name": "user_send_image",
            "message": {
                "msg_id": "ssrf-1",
                "text": "",
                "attachments": [
                    {"type": "image", "payload": {"url": url, "thumbnail": url}} for url in targets
                ],
            },
        }
        before = self.env["ir.attachment"].search_count([])
        sim_requests = len(self.sim.requests())
        self.receive(self.oa, payload)
        event = self.env["zalo.event"].search([("zalo_msg_id", "=", "ssrf-1")])
        self.assertEqual(event.state, "processed", event.note)
        self.assertEqual(self.env["ir.attachment"].search_count([]), before)
        self.assertEqual(event.message_id.body.count("(not downloaded)"), len(targets))
        self.assertEqual(len(self.sim.requests()), sim_requests)
        # The simulator's own media (the configured API origin) still download.
        sim_media = self.sim.customer_send(self.customer["user_id"], type="image")
        self.assertEqual(sim_media["delivery"]["state"], "delivered")
        self.env.invalidate_all()
        self.env["zalo.event"]._cron_process_events()
        msg_id = sim_media["event"]["message"]["msg_id"]
        event = self.env["zalo.event"].search([("zalo_msg_id", "=", msg_id)])
        self.assertEqual(event.state, "processed", event.note)
        self.assertEqual(event.message_id.attachment_ids.mimetype, "image/png")

    def test_media_hosts_setting(self):
        """``zalo_oa.media_hosts`` adds hosts; the defaults are Zalo's over HTTPS."""
        client = self.oa._zalo_client(None)
        self.assertIn("zdn.vn", client.media_policy.hosts)
        self.assertNotIn("cdn.example.com", client.media_policy.hosts)
        self.env["ir.config_parameter"].sudo().set_param("zalo_oa.media_hosts", "cdn.example.com")
        client = self.oa._zalo_client(None)
        self.assertIn("cdn.example.com", client.media_policy.hosts)

    # ---------------------------------------------------------------- escaping

    def xss_conversation(self):
        """A customer whose Zalo name, message, link title and file name carry HTML."""
        customer = self.sim.add_customer(name=XSS_NAME, last_interaction_ms=self.sim.store.now_ms())
        self.receive_text(self.oa, customer, "ordinary text")
        self.receive_text(
            self.oa, customer, '<img src=x onerror="window.__zaloXss=1"> in a message'
        )
        self.receive(
            self.oa,
            {
                "sender": {"id": customer["user_id"]},
                "recipient": {"id": self.oa.zalo_oa_ref},
                "event_name": "user_send_link",
                "message": {
                    "msg_id": "xss-link",
                    "text": "",
                    "attachments": [
                        {
                            "type": "link",
                            "payload": {
                                "url": "javascript:window.__zaloXss=3",
                                "title": '<img src=x onerror="window.__zaloXss=2"> link title',
                                "description": '<img src=x onerror="window.__zaloXss=4">',
                            },
                        }
                    ],
                },
            },
        )
        self.env.flush_all()
        sent = self.sim.customer_send(
            customer["user_id"], type="file", filename=f"{XSS_NAME}.pdf", text=""
        )
        self.assertEqual(sent["delivery"]["state"], "delivered", sent["delivery"])
        self.env.invalidate_all()
        self.env["zalo.event"]._cron_process_events()
        link = self.env["zalo.partner.link"].search(
            [("oa_id", "=", self.oa.id), ("zalo_user_id", "=", customer["user_id"])]
        )
        self.assertEqual(link.partner_id.name, XSS_NAME)
        attachments = link.channel_id.message_ids.attachment_ids
        self.assertEqual(attachments.mapped("name"), [f"{XSS_NAME}.pdf"])
        bodies = "".join(link.channel_id.message_ids.mapped("body"))
        self.assertNotIn("<img", bodies)
        self.assertNotIn("javascript:", bodies)
        self.assertIn("&lt;img src=x onerror=", bodies)
        return link

    def test_customer_text_is_text_in_discuss(self):
        self.xss_conversation()
        self.start_tour(
            "/web#action=mail.action_discuss",
            "zalo_oa_discuss_escapes_customer_text",
            login="sec_operator",
        )

    # ------------------------------------------------------------------- RPC

    def test_portal_and_non_zalo_users_read_nothing_of_zalo_models(self):
        models = self.zalo_models()
        self.assertIn("zalo.partner.link", models)
        self.portal_customer()
        records = {
            "zalo.oa": self.oa.ids,
            "zalo.partner.link": self.link.ids,
            "zalo.message": self.env["zalo.message"].search([]).ids,
            "zalo.event": self.env["zalo.event"].search([]).ids,
        }
        for login in ("sec_portal", "sec_plain", "sec_business"):
            self.authenticate(login, login)
            for model in models:
                with self.subTest(login=login, model=model):
                    self.assertRpcRefused(model, "search_read", [], fields=["id"])
                    self.assertRpcRefused(model, "search_count", [])
                    if records.get(model):
                        self.assertRpcRefused(model, "read", records[model], ["id"])

    def test_portal_customer_does_not_see_the_conversation(self):
        """The customer's partner is a member of their Zalo channel; their portal user
        must not read it, its staff notes or its members, nor listen to its bus."""
        self.portal_customer()
        self.channel.with_user(self.operator)._zalo_post_internal_note(
            "Ghi chú nội bộ: khách này nợ tiền"
        )
        self.env.flush_all()
        self.authenticate("sec_portal", "sec_portal")
        self.assertEqual(
            self.rpc("discuss.channel", "search_read", [("channel_type", "=", "zalo")], ["id"]),
            [],
        )
        self.assertRpcRefused("discuss.channel", "read", self.channel.ids, ["name"])
        members = self.rpc(
            "discuss.channel.member",
            "search_read",
            [("channel_id", "=", self.channel.id)],
            ["partner_id"],
        )
        self.assertEqual(members, [])
        messages = self.rpc(
            "mail.message",
            "search_read",
            [("model", "=", "discuss.channel"), ("res_id", "=", self.channel.id)],
            ["body", "author_id"],
        )
        self.assertNotIn("nội bộ", json.dumps(messages, ensure_ascii=False))
        bus = self.make_jsonrpc_request(
            "/websocket/peek_notifications", {"channels": [], "last": 0, "is_first_poll": True}
        )
        self.assertNotIn("nội bộ", json.dumps(bus, ensure_ascii=False))
        self.assertFalse(
            [
                c
                for c in bus["channels"]
                if "discuss.channel" in str(c) and str(self.channel.id) in str(c)
            ]
        )

    def test_operator_still_reads_the_conversation(self):
        self.authenticate("sec_operator", "sec_operator")
        found = self.rpc("discuss.channel", "search_read", [("channel_type", "=", "zalo")], ["id"])
        self.assertEqual([r["id"] for r in found], self.channel.ids)
        self.authenticate("sec_plain", "sec_plain")
        self.assertRpcRefused("discuss.channel", "read", self.channel.ids, ["name"])

    def test_removed_from_zalo_group_loses_the_conversations(self):
        """A member who is no longer a Zalo user reads nothing, even while still a member."""
        self.assertIn(self.operator.partner_id, self.channel.channel_member_ids.partner_id)
        self.operator.groups_id = [(3, self.env.ref("zalo_oa.group_zalo_user").id)]
        self.env.flush_all()
        self.authenticate("sec_operator", "sec_operator")
        self.assertEqual(
            self.rpc("discuss.channel", "search_read", [("channel_type", "=", "zalo")], ["id"]),
            [],
        )
        self.assertRpcRefused("discuss.channel", "read", self.channel.ids, ["name"])

    # ---------------------------------------------------------- companies

    def test_other_company_users_see_nothing_of_company_a(self):
        company_b = self.env["res.company"].create({"name": "Công ty B"})
        user_b = new_test_user(
            self.env,
            login="sec_manager_b",
            groups="base.group_user,zalo_oa.group_zalo_manager",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        # Even a stale membership (an operator moved to another company) reads nothing.
        self.env["discuss.channel.member"].sudo().create(
            {"channel_id": self.channel.id, "partner_id": user_b.partner_id.id}
        )
        self.env["zalo.api.log"].sudo().create(
            {"oa_id": self.oa.id, "family": "openapi", "endpoint": "/x", "method": "GET"}
        )
        self.env.flush_all()
        records = {
            "zalo.oa": self.oa.ids,
            "zalo.partner.link": self.link.ids,
            "zalo.message": self.env["zalo.message"].search([("oa_id", "=", self.oa.id)]).ids,
            "zalo.event": self.env["zalo.event"].search([("oa_id", "=", self.oa.id)]).ids,
            "zalo.api.log": self.env["zalo.api.log"].search([("oa_id", "=", self.oa.id)]).ids,
            "discuss.channel": self.channel.ids,
        }
        for model, ids in records.items():
            self.assertTrue(ids, model)
        self.authenticate("sec_manager_b", "sec_manager_b")
        for model, ids in records.items():
            with self.subTest(model=model):
                found = self.rpc(model, "search_read", [("id", "in", ids)], ["id"])
                self.assertEqual(found, [], model)
                self.assertRpcRefused(model, "read", ids, ["id"])
        messages = self.rpc(
            "mail.message",
            "search_read",
            [("model", "=", "discuss.channel"), ("res_id", "=", self.channel.id)],
            ["body"],
        )
        self.assertNotIn("Tin nhắn riêng", json.dumps(messages, ensure_ascii=False))

    def test_conversation_info_with_another_company_active(self):
        """An operator of companies A and B with only B active in the switcher still
        loads Discuss: the conversation of A is listed with its customer."""
        company_b = self.env["res.company"].create({"name": "Công ty B"})
        self.operator.company_ids = [(4, company_b.id)]
        self.operator.company_id = company_b
        channel = self.channel.with_user(self.operator).with_context(
            allowed_company_ids=company_b.ids
        )
        info = channel._channel_info()[0]
        self.assertEqual(info["zalo_partner"]["id"], self.link.partner_id.id)
        self.assertEqual(info["zalo_oa"]["id"], self.oa.id)

    def test_every_company_dependent_zalo_model_has_a_company_rule(self):
        Rule = self.env["ir.rule"].sudo()
        for name in self.zalo_models():
            model = self.env[name]
            field = model._fields.get("company_id")
            if model._transient or not field or not field.store:
                continue
            with self.subTest(model=name):
                rules = Rule.search([("model_id.model", "=", name), ("global", "=", True)])
                self.assertTrue(
                    any("company_ids" in (rule.domain_force or "") for rule in rules),
                    f"{name} has no multi-company rule",
                )
