import json
import time
from unittest.mock import patch

import psycopg2
from markupsafe import Markup

from odoo.tests import tagged
from odoo.tools import html2plaintext

from ..tools.webhook import compute_signature
from .common import ZaloTransactionCase


class InboundCase(ZaloTransactionCase):
    """Inbound texts stored through the webhook code and processed as a cron does."""

    def setUp(self):
        super().setUp()
        self.oa = self.create_oa()
        self.connect_oa(self.oa)
        self.customer = self.sim.add_customer(name="Lê Hoàng Minh")
        self.seq = 0
        self.base_ms = int(time.time() * 1000) - 3600 * 1000

    def store(self, text="Xin chào", user_id=None, quote=None, event_name="user_send_text"):
        """Store a signed user_send_text (or follow/unfollow) through the webhook code
        (not processed)."""
        self.seq += 1
        payload = {
            "app_id": self.app_id,
            "sender": {"id": user_id or self.customer["user_id"]},
            "recipient": {"id": self.sim_oa_id},
            "user_id_by_app": "7000000000000000001",
            "event_name": event_name,
            "message": {"text": text, "msg_id": f"cost-{self.seq}-{user_id}"},
            # one second apart: stored datetimes have no sub-second part
            "timestamp": str(self.base_ms + self.seq * 1000),
        }
        if quote:
            payload["message"]["quote_msg_id"] = quote
        if event_name != "user_send_text":
            del payload["sender"], payload["message"]
            payload["follower"] = {"id": user_id or self.customer["user_id"]}
        raw = json.dumps(payload).encode()
        mac = compute_signature(self.app_id, raw, payload["timestamp"], self.oa_secret)
        result = self.env["zalo.event"]._webhook_receive(raw, {"X-ZEvent-Signature": f"mac={mac}"})
        self.assertEqual(result.status, "stored")
        return result

    def deliver(self, text="Xin chào", user_id=None):
        result = self.store(text, user_id)
        # what a processing cron runs for the customer (in the test's transaction)
        self.env["zalo.event"]._process_customer(self.oa.id, user_id or self.customer["user_id"])
        return result

    def queued(self, text, **kwargs):
        return self.env["zalo.event"].browse(self.store(text, **kwargs).event_id)

    def sent(self, channel, kind):
        target = json.dumps([self.env.cr.dbname, "discuss.channel", channel.id])
        target = target.replace(" ", "")
        values = self.env.cr.precommit.data.get("bus.bus.values", [])
        messages = [json.loads(v["message"]) for v in values if v["channel"] == target]
        return [m["payload"] for m in messages if m["type"] == kind]


@tagged("post_install", "-at_install")
class TestInboundCost(InboundCase):
    """The cost of inbound texts: one on an existing conversation (pinned), and a
    backlog, whose conversation notifications go out once."""

    def test_query_count_one_inbound_text(self):
        self.deliver("warm-up: creates the link and the conversation")
        self.deliver("warm-up 2")
        self.env.flush_all()
        self.env.invalidate_all()
        # store (one insert) and process: the customer's lock, its backlog, the link, the
        # conversation, Odoo's own message_post into the channel (13), the zalo.message
        # row and the event's state
        with self.assertQueryCount(__system__=23):
            self.deliver("Cho mình hỏi giá")
            self.env.flush_all()

    def test_query_count_backlog_of_five_texts(self):
        """A customer who writes faster than one message is processed: the backlog is one
        savepoint (one flush), the customer's link is read once, the messages are one
        create (and their zalo.message rows another), the notifications go out once."""
        self.deliver("warm-up: creates the link and the conversation")
        self.deliver("warm-up 2")
        for text in ("một", "hai", "ba", "bốn", "năm"):
            self.store(text)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=26):
            self.env["zalo.event"]._process_customer(self.oa.id, self.customer["user_id"])
            self.env.flush_all()

    def test_a_backlog_looks_the_customer_up_once(self):
        """A new customer's first messages: the first event creates the link and the
        conversation, the others of the backlog use them without looking them up."""
        events = self.queued("một") | self.queued("hai") | self.queued("ba")
        Link = type(self.env["zalo.partner.link"])
        with patch.object(
            Link, "_get_or_create", autospec=True, side_effect=Link._get_or_create
        ) as lookup:
            self.env["zalo.event"]._process_customer(self.oa.id, self.customer["user_id"])
        self.assertEqual(lookup.call_count, 1)
        self.assertEqual(set(events.mapped("state")), {"processed"})
        self.assertEqual(len(events.partner_link_id), 1)
        self.assertEqual(events.partner_link_id.channel_id, events.channel_id)
        self.assertEqual(
            events.message_id.sorted("id").mapped("body"),
            ["<p>một</p>", "<p>hai</p>", "<p>ba</p>"],
        )

    def test_racing_oa_mark_never_loses_the_event(self):
        """Concurrent webhooks race to mark the OA's webhook as seen: the loser's event
        is stored all the same (it was answered 503 and redelivered before)."""
        self.env.cr.execute("UPDATE zalo_oa SET last_webhook_at = NULL WHERE id = %s", [self.oa.id])
        cursor_class = type(self.env.cr)
        real_execute = cursor_class.execute

        def execute(cr, query, params=None, log_exceptions=True):
            if "SET last_webhook_at" in str(query):
                raise psycopg2.errors.SerializationFailure("could not serialize access")
            return real_execute(cr, query, params, log_exceptions)

        with patch.object(cursor_class, "execute", execute):
            result = self.deliver("Tin nhắn lúc cao điểm")
        event = self.env["zalo.event"].browse(result.event_id)
        self.assertEqual(event.state, "processed")
        self.assertIn("cao điểm", event.message_id.body)

    def test_cost_does_not_grow_with_links(self):
        self.deliver("warm-up")
        self.deliver("warm-up 2")
        self.env.flush_all()
        self.env.invalidate_all()
        before = min(self._count_queries() for _i in range(3))
        partner = self.env["res.partner"].create({"name": "Bulk"})
        self.env.cr.execute(
            """INSERT INTO zalo_partner_link (oa_id, company_id, zalo_user_id, partner_id,
                                              is_shadow, active, create_date, write_date)
               SELECT %s, %s, 'bulk-' || g, %s, true, true, now(), now()
                 FROM generate_series(1, 5000) g""",
            [self.oa.id, self.oa.company_id.id, partner.id],
        )
        self.env.cr.execute("ANALYZE zalo_partner_link")
        self.env.invalidate_all()
        after = min(self._count_queries() for _i in range(3))
        self.assertEqual(before, after)

    def _count_queries(self):
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        self.deliver("đếm truy vấn")
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    # A customer's backlog is processed in one transaction, and the conversation's bus
    # notifications go out once for it: every message, in order, formatted together.

    def test_inbound_post_matches_message_post(self):
        """The queue posts the customer's messages together (``_zalo_post_inbound``):
        each message has the values ``message_post`` gives it, and the same hooks run
        (the conversation pinned, the customer waiting)."""
        self.deliver("warm-up: creates the link and the conversation")
        link = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)])
        channel = link.channel_id
        quoted = channel.message_ids[:1]

        def attachment(name):
            return self.env["ir.attachment"].create(
                {
                    "name": name,
                    "raw": b"x",
                    "res_model": "discuss.channel",
                    "res_id": channel.id,
                }
            )

        def post_values(name):
            return {
                "author_id": link.partner_id.id,
                "body": Markup("<b>Giá</b> bao nhiêu?"),
                "attachment_ids": attachment(name).ids,
                "parent_id": quoted.id,
                "record_company_id": self.oa.company_id.id,
            }

        values = post_values("a.jpg")
        # what the queue posted with before (one message_post per message)
        expected = (
            channel.with_context(zalo_inbound=True, mail_create_nosubscribe=True, lang="en_US")
            .sudo()
            .message_post(
                author_id=values["author_id"],
                body=values["body"],
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=values["attachment_ids"],
                parent_id=values["parent_id"],
                email_from=False,
                reply_to=False,
                record_alias_domain_id=False,
                record_company_id=values["record_company_id"],
            )
        )
        channel.sudo().zalo_waiting_since = False
        channel.channel_member_ids.write({"is_pinned": False})
        posted = channel._zalo_post_inbound([post_values("b.jpg"), post_values("c.jpg")])
        self.assertEqual(len(posted), 2)
        self.assertGreater(posted[0].id, expected.id)
        self.assertLess(posted[0].id, posted[1].id)
        varying = {"id", "date", "create_date", "write_date", "message_id", "attachment_ids"}
        fields = [
            name
            for name, field in expected._fields.items()
            if field.store and name not in varying and not name.startswith("__")
        ]
        self.maxDiff = None
        want = {k: v for k, v in expected.read(fields)[0].items() if k != "id"}
        for message in posted:
            got = {k: v for k, v in message.read(fields)[0].items() if k != "id"}
            self.assertEqual(got, want, "as message_post posts it")
            self.assertEqual(message.attachment_ids.res_id, channel.id)
        self.assertEqual(posted.attachment_ids.mapped("name"), ["b.jpg", "c.jpg"])
        self.assertTrue(all(channel.channel_member_ids.mapped("is_pinned")))
        self.assertEqual(channel.zalo_waiting_since, posted[0].date)

    def test_web_push_for_each_message_of_a_batch(self):
        """Operators with a browser device get a push for each message posted together;
        whether they have one is looked up once for the batch."""
        self.deliver("warm-up: creates the link and the conversation")
        link = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)])
        channel = link.channel_id
        operator = self.env["res.partner"].create({"name": "Trực tổng đài"})
        channel.sudo().add_members(partner_ids=operator.ids)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("mail.web_push_vapid_private_key", "private")
        params.set_param("mail.web_push_vapid_public_key", "public")
        posts = [
            {
                "author_id": link.partner_id.id,
                "body": Markup(text),
                "attachment_ids": [],
                "parent_id": False,
                "record_company_id": self.oa.company_id.id,
            }
            for text in ("một", "hai", "ba")
        ]
        Device = type(self.env["mail.partner.device"])
        with (
            patch("odoo.addons.mail.models.mail_thread.push_to_end_point") as push,
            patch.object(
                Device, "search_count", autospec=True, side_effect=Device.search_count
            ) as lookups,
        ):
            channel._zalo_post_inbound(posts)
            self.assertEqual(push.call_count, 0, "nobody has a device")
            self.assertEqual(lookups.call_count, 1, "looked up once for the batch")
            self.env["mail.partner.device"].sudo().create(
                {"partner_id": operator.id, "endpoint": "https://push.example/1", "keys": "{}"}
            )
            channel._zalo_post_inbound(posts)
        self.assertEqual(push.call_count, 3, "one push per message")
        bodies = [json.loads(call.kwargs["payload"])["options"]["body"] for call in push.mock_calls]
        self.assertEqual(bodies, ["một", "hai", "ba"])
        self.assertEqual(
            {call.kwargs["device"]["endpoint"] for call in push.mock_calls},
            {"https://push.example/1"},
        )

    def test_a_backlog_keeps_the_order_of_other_events_and_quotes(self):
        """Messages are posted together up to an event of another kind, or a quote
        (it may name a message of the backlog): the order is the events' order."""
        self.deliver("warm-up: creates the link and the conversation")
        channel = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)]).channel_id
        first = self.queued("một")
        second = self.queued("hai")
        unfollow = self.queued("", event_name="unfollow")
        third = self.queued("ba")
        quoting = self.queued("trả lời", quote=third.zalo_msg_id)
        events = first | second | unfollow | third | quoting
        self.env["zalo.event"]._process_customer(self.oa.id, self.customer["user_id"])
        self.assertEqual(set(events.mapped("state")), {"processed"})
        new = channel.message_ids.filtered(lambda m: m.id >= first.message_id.id).sorted("id")
        texts = [html2plaintext(m.body) for m in new]
        self.assertEqual(len(texts), 5, texts)
        self.assertEqual(texts[:2] + texts[3:], ["một", "hai", "ba", "trả lời"])
        self.assertIn("unfollowed", texts[2])
        self.assertEqual(quoting.message_id.parent_id, third.message_id)
        self.assertEqual(
            self.env["zalo.message"]
            .search([("mail_message_id", "in", events.message_id.ids)])
            .mapped("zalo_msg_id"),
            [e.zalo_msg_id for e in (first, second, third, quoting)][::-1],
        )

    def test_one_batch_of_notifications_per_backlog(self):
        self.deliver("warm-up: creates the link and the conversation")
        channel = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)]).channel_id
        self.env.cr.precommit.data.get("bus.bus.values", []).clear()
        events = self.queued("một") | self.queued("hai") | self.queued("ba")
        self.env["zalo.event"]._process_customer(self.oa.id, self.customer["user_id"])
        self.assertEqual(set(events.mapped("state")), {"processed"})
        new = self.sent(channel, "discuss.channel/new_message")
        self.assertEqual([p["message"]["id"] for p in new], events.message_id.sorted("id").ids)
        self.assertEqual(
            [p["message"]["body"] for p in new], [f"<p>{t}</p>" for t in ("một", "hai", "ba")]
        )
        self.assertEqual(len(self.sent(channel, "discuss.channel/last_interest_dt_changed")), 1)

    def test_a_failed_event_is_not_notified(self):
        self.deliver("warm-up: creates the link and the conversation")
        channel = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)]).channel_id
        self.env.cr.precommit.data.get("bus.bus.values", []).clear()
        first = self.queued("một")
        second = self.queued("hai")
        third = self.queued("ba")
        Event = type(self.env["zalo.event"])
        real = Event._touch_window

        def touch_window(event, link, chan, when):
            real(event, link, chan, when)
            if event == second:
                raise ValueError("the second one fails after posting its message")

        with patch.object(Event, "_touch_window", touch_window):
            self.env["zalo.event"]._process_customer(self.oa.id, self.customer["user_id"])
        self.assertEqual(first.state, "processed")
        self.assertEqual(second.state, "queued", "retried later")
        self.assertTrue(second.next_attempt_at)
        self.assertEqual(third.state, "queued", "later events wait for the failed one")
        new = self.sent(channel, "discuss.channel/new_message")
        self.assertEqual([p["message"]["id"] for p in new], first.message_id.ids)
        self.assertFalse(second.message_id.exists())
        # The backlog was first tried in one savepoint, rolled back, then processed one
        # event at a time: the first message exists once, the failure counts once.
        bodies = channel.message_ids.mapped("body")
        self.assertEqual(bodies.count("<p>một</p>"), 1)
        self.assertNotIn("<p>hai</p>", bodies)
        self.assertEqual((first.attempts, second.attempts, third.attempts), (1, 1, 0))
        self.assertIn("the second one fails", second.error)
        self.assertEqual(
            self.env["zalo.message"].search_count(
                [("mail_message_id", "in", channel.message_ids.ids), ("direction", "=", "inbound")]
            ),
            2,
        )


@tagged("post_install", "-at_install")
class TestCustomerGroups(InboundCase):
    """A processing run commits several customers together: one transaction and one
    formatting of the bus notifications for a group, each customer still on its own."""

    def setUp(self):
        super().setUp()
        self.others = [self.sim.add_customer(name=n) for n in ("Trần Thu Hà", "Phạm Văn Đức")]
        self.user_ids = [self.customer["user_id"]] + [c["user_id"] for c in self.others]
        for user_id in self.user_ids:
            self.deliver("warm-up: creates the link and the conversation", user_id)
        self.channels = {
            link.zalo_user_id: link.channel_id
            for link in self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)])
        }
        self.env.cr.precommit.data.get("bus.bus.values", []).clear()

    def run_queue(self, customers=10, budget=10.0):
        """``_process_waiting_customers`` as a run that may commit; returns the count,
        the commits (each as the ids of the messages it notifies) and the number of
        ``message_format`` calls."""
        module = "odoo.addons.zalo_oa.models.zalo_event_queue"
        commits = []
        Message = type(self.env["mail.message"])
        cr = self.env.cr

        def commit():
            # what the transaction notifies by its commit (kept open: the test's; the
            # bus rows of what came before are written at each savepoint's flush)
            commits.append(
                sorted(
                    p["message"]["id"]
                    for channel in self.channels.values()
                    for p in self.sent(channel, "discuss.channel/new_message")
                )
            )
            self.env.flush_all()

        with (
            patch(f"{module}.GROUP_CUSTOMERS", customers),
            patch(f"{module}.GROUP_BUDGET", budget),
            patch.object(cr, "commit", side_effect=commit),
            patch.object(
                Message, "message_format", autospec=True, side_effect=Message.message_format
            ) as formats,
        ):
            count = self.env["zalo.event"]._process_waiting_customers(100, True)
        return count, commits, formats.call_count

    def test_a_group_is_one_transaction(self):
        events = [self.queued(f"tin {i}", user_id=u) for i, u in enumerate(self.user_ids)]
        count, commits, formats = self.run_queue()
        self.assertEqual(count, 3)
        # one commit after listing the customers, then one for the group of three
        self.assertEqual(len(commits), 2)
        posted = sorted(e.message_id.id for e in events)
        self.assertEqual(commits, [[], posted], "the three notified before one commit")
        self.assertEqual(formats, 1, "the group's messages formatted together")
        for event, user_id in zip(events, self.user_ids, strict=True):
            self.assertEqual(event.state, "processed")
            self.assertEqual(event.channel_id, self.channels[user_id])
            new = self.sent(self.channels[user_id], "discuss.channel/new_message")
            self.assertEqual([p["message"]["id"] for p in new], event.message_id.ids)

    def test_group_size_and_budget(self):
        for text in ("một", "hai"):
            for user_id in self.user_ids:
                self.queued(text, user_id=user_id)
        count, commits, _formats = self.run_queue(customers=2)
        self.assertEqual(count, 6)
        # each commit's own notifications: two customers' two messages, then one's
        self.assertEqual([len(ids) for ids in commits], [0, 4, 2])
        for user_id in self.user_ids:
            self.queued("ba", user_id=user_id)
        count, commits, _formats = self.run_queue(budget=0)
        self.assertEqual(count, 3)
        self.assertEqual(len(commits), 4, "no budget: a commit for each customer")

    def test_a_failed_customer_keeps_the_others_of_its_group(self):
        """One customer's failure rolls back and retries that customer's event only: the
        messages of the customers before and after it in the group are posted and
        notified."""
        first, second, third = (self.queued("tin", user_id=u) for u in self.user_ids)
        Event = type(self.env["zalo.event"])
        real = Event._touch_window

        def touch_window(event, link, chan, when):
            real(event, link, chan, when)
            if event == second:
                raise ValueError("the second customer's event fails after posting")

        with patch.object(Event, "_touch_window", touch_window):
            count, commits, _formats = self.run_queue()
        self.assertEqual(count, 3)
        self.assertEqual(
            (first.state, second.state, third.state), ("processed", "queued", "processed")
        )
        self.assertFalse(second.message_id.exists())
        self.assertEqual(commits[-1], sorted((first | third).message_id.ids))
        second_channel = self.channels[self.user_ids[1]]
        self.assertFalse(self.sent(second_channel, "discuss.channel/new_message"))
