"""The queues at scale: the on-call processing run, waking decisions, send pacing, shards."""

import json
import select
import socket
import struct
import time
from datetime import timedelta
from unittest.mock import patch

import psycopg2.errors

import odoo
from odoo.modules.module import get_manifest
from odoo.service import server as odoo_server
from odoo.service.server import PreforkServer
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tools import config

from .. import _post_load
from ..models import bus_bus, listen_backlog, queue_listener
from ..models.zalo_event import EVENT_CHANNEL, ON_CALL_KEY, PROCESSING_CRONS
from ..models.zalo_message import SEND_CRONS
from ..tools.webhook import compute_signature
from .common import ZaloMockTransactionCase, ZaloTransactionCase


def _other_cursor(env):
    """A cursor on a connection of its own (a second worker), outside the test transaction."""
    return odoo.sql_db.db_connect(env.cr.dbname).cursor()


@tagged("post_install", "-at_install")
class TestOnCallRunner(ZaloTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oa = cls.create_oa()
        cls.connect_oa(cls.oa)
        cls.customer = cls.sim.add_customer(name="Trần Thị Bình")
        cls.other = cls.sim.add_customer(name="Phạm Văn Cường")

    def _store(self, text="Xin chào", customer=None):
        """Store one signed text event the way the webhook does (not processed)."""
        payload = {
            "app_id": self.oa.sudo().app_id,
            "timestamp": str(int(time.time() * 1000)),
            "sender": {"id": (customer or self.customer)["user_id"]},
            "recipient": {"id": self.oa.zalo_oa_ref},
            "event_name": "user_send_text",
            "message": {"text": text, "msg_id": f"scale-{time.monotonic_ns()}"},
        }
        raw = json.dumps(payload).encode()
        mac = compute_signature(
            payload["app_id"], raw, payload["timestamp"], self.oa.sudo().oa_secret_key
        )
        result = self.env["zalo.event"]._webhook_receive(raw, {"X-ZEvent-Signature": f"mac={mac}"})
        self.assertEqual(result.status, "stored")
        return result

    def _triggered(self, xmlids):
        crons = [self.env.ref(x).id for x in xmlids]
        return self.env["ir.cron.trigger"].search_count([("cron_id", "in", crons)])

    def test_listener_wakes_on_notify_and_times_out_otherwise(self):
        listener = queue_listener.Listener(self.env.cr.dbname, EVENT_CHANNEL, ON_CALL_KEY)
        try:
            self.assertFalse(listener.wait(0.05), "no notification: the wait times out")
            with _other_cursor(self.env) as cr:
                queue_listener.notify(cr, EVENT_CHANNEL)
                cr.commit()
            self.assertTrue(listener.wait(5), "a committed NOTIFY wakes the runner")
            # another database's notification on the same channel is not for us
            with _other_cursor(self.env) as cr:
                cr.execute("SELECT pg_notify(%s, %s)", [EVENT_CHANNEL, "another_db"])
                cr.commit()
            self.assertFalse(listener.wait(0.2))
        finally:
            listener.close()

    def test_idle_runner_is_seen_by_the_webhook(self):
        self.assertEqual(queue_listener.idle_runners(self.env.cr, ON_CALL_KEY), 0)
        with _other_cursor(self.env) as cr:
            cr.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", [queue_listener.ON_CALL_CLASS, ON_CALL_KEY]
            )
            self.assertTrue(cr.fetchone()[0])
            self.assertEqual(queue_listener.idle_runners(self.env.cr, ON_CALL_KEY), 1)
            cr.execute(
                "SELECT pg_advisory_unlock(%s, %s)", [queue_listener.ON_CALL_CLASS, ON_CALL_KEY]
            )
        self.assertEqual(queue_listener.idle_runners(self.env.cr, ON_CALL_KEY), 0)

    def _hold(self, cr, *keys):
        for key in keys:
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", [queue_listener.ON_CALL_CLASS, key])
            self.assertTrue(cr.fetchone()[0])

    def test_no_runner_starts_the_on_call_job(self):
        self.env["ir.cron.trigger"].search([]).unlink()
        result = self._store()
        self.env["zalo.event"]._wake_processing(result)
        self.assertEqual(self._triggered(PROCESSING_CRONS[:1]), 1)
        self.assertEqual(self._triggered(PROCESSING_CRONS[1:]), 0)

    def test_idle_runner_is_only_notified(self):
        self.env["ir.cron.trigger"].search([]).unlink()
        with _other_cursor(self.env) as cr:
            self._hold(cr, -ON_CALL_KEY, ON_CALL_KEY)  # running, and idle
            self.assertEqual(queue_listener.runners(self.env.cr, ON_CALL_KEY), (1, 1))
            for text in ("một", "hai"):
                self.env["zalo.event"]._wake_processing(self._store(text))
            self.assertEqual(
                self._triggered(PROCESSING_CRONS), 0, "the idle runner takes them: no cron start"
            )
            cr.execute("SELECT pg_advisory_unlock_all()")

    def test_busy_runner_gets_help_when_events_wait(self):
        self.env["ir.cron.trigger"].search([]).unlink()
        with _other_cursor(self.env) as cr:
            self._hold(cr, -ON_CALL_KEY)  # running, busy
            self.env["zalo.event"]._wake_processing(self._store("một"))
            self.assertEqual(self._triggered(PROCESSING_CRONS), 0, "one event: it comes next")
            self.env["zalo.event"]._wake_processing(self._store("hai"))
            self.assertEqual(
                self._triggered(PROCESSING_CRONS),
                0,
                "the same customer's events: one worker at a time, a helper could not help",
            )
            self.env["zalo.event"]._wake_processing(self._store("ba", self.other))
            self.assertEqual(
                self._triggered(PROCESSING_CRONS[1:]), 1, "two customers wait: another job helps"
            )
            self.assertEqual(self._triggered(PROCESSING_CRONS[:1]), 0)
            cr.execute("SELECT pg_advisory_unlock_all()")

    def test_a_helper_is_woken_once_per_run(self):
        """Each trigger costs a row and a new connection to wake the cron workers: under
        load, a helper that is woken already (its trigger not consumed yet) is not
        woken again for every event."""
        self.env["ir.cron.trigger"].search([]).unlink()
        with _other_cursor(self.env) as cr:
            self._hold(cr, -ON_CALL_KEY)  # running, busy with another customer
            for i in range(12):
                customer = self.other if i % 2 else self.customer
                self.env["zalo.event"]._wake_processing(self._store(f"tin {i}", customer))
            for xmlid in PROCESSING_CRONS[1:]:
                self.assertEqual(self._triggered([xmlid]), 1, xmlid)
            self.assertEqual(self._triggered(PROCESSING_CRONS[:1]), 0)
            # the run ends: Odoo deletes its due triggers; the next event wakes it again
            self.env["ir.cron.trigger"].search([]).unlink()
            self.env["zalo.event"]._wake_processing(self._store("sau", self.other))
            self.assertEqual(self._triggered(PROCESSING_CRONS[1:]), 1)
            cr.execute("SELECT pg_advisory_unlock_all()")

    def test_delayed_event_is_triggered_at_its_time(self):
        self.env["ir.cron.trigger"].search([]).unlink()
        result = self._store()
        when = odoo.fields.Datetime.now().replace(microsecond=0) + timedelta(seconds=10)
        result.process_at = when
        self.env["zalo.event"]._wake_processing(result)
        triggers = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.env.ref(PROCESSING_CRONS[0]).id)]
        )
        self.assertIn(when, triggers.mapped("call_at"))
        # due within seconds: a run starts now as well and waits for it (a cron worker
        # would notice the future trigger only when it wakes up on its own)
        self.assertEqual(len(triggers), 2)

    def test_on_call_cron_data(self):
        self.assertIn("on_call=True", self.env.ref(PROCESSING_CRONS[0]).code)
        for xmlid in PROCESSING_CRONS[1:]:
            self.assertNotIn("on_call", self.env.ref(xmlid).code)
        self.assertEqual(len(SEND_CRONS), 2)
        self.assertIn("shard=1", self.env.ref(SEND_CRONS[1]).code)


@tagged("post_install", "-at_install")
class TestSendPacing(ZaloMockTransactionCase):
    def test_slots_are_spaced_by_the_rate_limit(self):
        """Every send takes the next slot of its app: never more than the limit per minute."""
        Pace = self.env["zalo.api.pace"].sudo()
        self.env["ir.config_parameter"].sudo().set_param("zalo_oa.api_rate_limit", "120")
        step = 60.0 / (120 * 0.98)
        marks = []
        for _i in range(3):
            Pace._wait_for_slot("app:test-pacing")
            Pace.invalidate_model(["next_at"])  # written by SQL in a cursor of its own
            marks.append(Pace.search([("key", "=", "app:test-pacing")]).next_at)
        self.assertAlmostEqual(marks[1] - marks[0], step, places=6)
        self.assertAlmostEqual(marks[2] - marks[1], step, places=6)
        # another app has its own slots: no wait
        self.assertEqual(Pace._wait_for_slot("app:other"), 0.0)

    def test_zero_rate_means_no_pacing(self):
        self.env["ir.config_parameter"].sudo().set_param("zalo_oa.api_rate_limit", "0")
        self.assertEqual(self.env["zalo.api.pace"]._wait_for_slot("app:x"), 0.0)
        self.assertFalse(self.env["zalo.api.pace"].sudo().search([("key", "=", "app:x")]))


@tagged("post_install", "-at_install")
class TestStaffPostLocksMembers(ZaloMockTransactionCase):
    """A staff reply racing the processing of the customer's message on the same
    conversation members fails (if at all) quietly, before touching them, and is retried
    by Odoo; it never logs a bad query."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env, login="op_lock", groups="base.group_user,zalo_oa.group_zalo_user"
        )
        cls.oa = cls.create_oa(operator_ids=[(6, 0, cls.operator.ids)])
        cls.connect_oa(cls.oa)

    def setUp(self):
        super().setUp()
        self.receive_text(self.oa, {"user_id": "8150000000000000003"}, "Shop ơi")
        self.channel = self.env["zalo.partner.link"].search([("oa_id", "=", self.oa.id)]).channel_id

    def _reply(self):
        return self.channel.with_user(self.operator).message_post(
            body="Dạ shop đây ạ", message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    def test_members_locked_before_they_are_updated(self):
        cursor_class = type(self.env.cr)
        real_execute = cursor_class.execute
        seen = []

        def execute(cr, query, params=None, log_exceptions=True):
            seen.append((str(query), log_exceptions))
            return real_execute(cr, query, params, log_exceptions)

        with patch.object(cursor_class, "execute", execute):
            self._reply()
            self.env.flush_all()
        lock = next(
            i
            for i, (q, _log) in enumerate(seen)
            if "FOR NO KEY UPDATE" in q and "discuss_channel_member" in q
        )
        update = next(
            i for i, (q, _log) in enumerate(seen) if 'UPDATE "discuss_channel_member"' in q
        )
        self.assertLess(lock, update)
        self.assertFalse(seen[lock][1], "a conflict there is not logged as a bad query")

    def test_a_conflict_is_a_retryable_error_without_a_bad_query_line(self):
        cursor_class = type(self.env.cr)
        real_execute = cursor_class.execute

        def execute(cr, query, params=None, log_exceptions=True):
            if "FOR NO KEY UPDATE" in str(query) and "discuss_channel_member" in str(query):
                raise psycopg2.errors.SerializationFailure("could not serialize access")
            return real_execute(cr, query, params, log_exceptions)

        with (
            patch.object(cursor_class, "execute", execute),
            self.assertNoLogs("odoo.sql_db", level="ERROR"),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            self._reply()
        self.assertFalse(self.env["zalo.message"].search([("direction", "=", "outbound")]))


def _listen_backlog(sock):
    """The length of a listening socket's queue (Linux: ``tcpi_sacked`` of TCP_INFO)."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    return struct.unpack_from("I", info, 28)[0]


@tagged("post_install", "-at_install")
class TestListenBacklog(BaseCase):
    """Odoo's prefork server listens with 8 x workers; Zalo's bursts need a deeper queue."""

    def _prefork(self, workers):
        server = PreforkServer(lambda environ, start_response: None)
        server.population = workers
        server.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(server.socket.close)
        server.socket.bind(("127.0.0.1", 0))
        server.socket.listen(8 * workers)  # what PreforkServer.start() does
        return server

    def test_the_prefork_queue_is_deepened(self):
        server = self._prefork(2)
        self.assertEqual(_listen_backlog(server.socket), 16)
        with patch.dict(config.options, {listen_backlog.CONFIG_OPTION: None}):
            self.assertEqual(listen_backlog.deepen(server), listen_backlog.DEFAULT_BACKLOG)
        self.assertEqual(_listen_backlog(server.socket), listen_backlog.DEFAULT_BACKLOG)

    def test_the_option_sets_the_length_or_keeps_odoos(self):
        server = self._prefork(2)
        with patch.dict(config.options, {listen_backlog.CONFIG_OPTION: "200"}):
            self.assertEqual(listen_backlog.deepen(server), 200)
        self.assertEqual(_listen_backlog(server.socket), 200)
        server = self._prefork(4)
        for kept in ("0", "32"):
            with patch.dict(config.options, {listen_backlog.CONFIG_OPTION: kept}):
                self.assertIsNone(listen_backlog.deepen(server), kept)
        with (
            patch.dict(config.options, {listen_backlog.CONFIG_OPTION: "many"}),
            self.assertLogs(listen_backlog.__name__, "WARNING") as logs,
        ):
            self.assertIsNone(listen_backlog.deepen(server))
        self.assertIn("is not a number", logs.output[0])
        self.assertEqual(_listen_backlog(server.socket), 32)

    def test_the_addon_deepens_the_server_it_is_loaded_in(self):
        """Odoo runs the manifest's ``post_load`` when it loads the addon (in the prefork
        master when it preloads the database, else in the first worker that loads it)."""
        self.assertEqual(get_manifest("zalo_oa")["post_load"], "_post_load")
        server = self._prefork(2)
        with (
            patch.object(odoo_server, "server", server),
            patch.dict(config.options, {listen_backlog.CONFIG_OPTION: None}),
        ):
            _post_load()
        self.assertEqual(_listen_backlog(server.socket), listen_backlog.DEFAULT_BACKLOG)

    def test_other_servers_are_left_alone(self):
        self.assertIsNone(listen_backlog.deepen(object()))
        server = self._prefork(2)
        server.socket.close()
        server.socket = None  # --no-http
        self.assertIsNone(listen_backlog.deepen(server))


@tagged("post_install", "-at_install")
class TestRunBusNotifier(BaseCase):
    """A queue run's commits tell the websocket workers through one connection of the
    run's own (Odoo opens one to the ``postgres`` database for each commit)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = odoo.registry(odoo.tests.get_db_name())

    def setUp(self):
        super().setUp()
        self.cr = self.registry.cursor()
        self.addCleanup(self.cr.close)
        self.env = odoo.api.Environment(self.cr, odoo.SUPERUSER_ID, {})

    def test_the_run_cursor_notifies_through_its_notifier(self):
        sent = []

        class Recorder:
            def notify(self, payloads):
                sent.append(payloads)

            def release(self):
                sent.append("released")

        bus_bus.notify_through(self.cr, Recorder())
        try:
            with patch.object(
                odoo.sql_db, "db_connect", side_effect=AssertionError("a connection per commit")
            ):
                self.env["bus.bus"]._sendone("zalo-test-a", "zalo/test", {"n": 1})
                self.env["bus.bus"]._sendone("zalo-test-b", "zalo/test", {"n": 2})
                self.cr.precommit.run()  # Odoo's hook: the bus.bus rows
                rows = self.env["bus.bus"].search([("channel", "like", "zalo-test-")])
                self.cr.postcommit.run()
        finally:
            bus_bus.release(self.cr)
        self.assertEqual(len(rows), 2, "the notifications are stored as Odoo stores them")
        db = self.cr.dbname
        self.assertEqual(
            sent,
            [
                [json.dumps([[db, "zalo-test-a"], [db, "zalo-test-b"]], separators=(",", ":"))],
                "released",
            ],
            "one notify of both channels, through the run's notifier, then released",
        )
        # released: another cursor's commits are Odoo's business again
        self.assertIsNone(bus_bus._NOTIFIERS.get(self.cr))

    def test_notifier_reaches_listeners_and_reuses_its_connection(self):
        listener = odoo.sql_db.db_connect("postgres").cursor()
        self.addCleanup(listener.close)
        listener.execute("LISTEN imbus")
        listener.commit()
        notifier = bus_bus.BusNotifier()
        self.addCleanup(notifier.release)
        with patch.object(odoo.sql_db, "db_connect", wraps=odoo.sql_db.db_connect) as connect:
            notifier.notify(['["zalo-one"]'])
            notifier.notify(['["zalo-two"]', '["zalo-three"]'])
        self.assertEqual(connect.call_count, 1, "one connection for the run")
        received = []
        deadline = time.monotonic() + 5
        connection = listener._cnx
        while len(received) < 3 and time.monotonic() < deadline:
            select.select([connection], [], [], 0.5)
            connection.poll()
            received += [n.payload for n in connection.notifies if n.channel == "imbus"]
            connection.notifies.clear()
        self.assertEqual(received, ['["zalo-one"]', '["zalo-two"]', '["zalo-three"]'])
        # after the run: a commit notifies on a connection of its own, closed at once
        notifier.release()
        self.assertIsNone(notifier._cr)
        with patch.object(odoo.sql_db, "db_connect", wraps=odoo.sql_db.db_connect) as connect:
            notifier.notify(['["zalo-late"]'])
        self.assertEqual(connect.call_count, 1)
        self.assertIsNone(notifier._cr)

    def test_a_processing_run_notifies_through_one_connection(self):
        """A run that may commit registers a notifier for its cursor, and releases it
        when it ends (nothing queued here: the run only commits empty transactions)."""
        Event = type(self.env["zalo.event"])
        registered = []
        real = bus_bus.notify_through

        def spy(cr, notifier):
            registered.append((cr, notifier))
            return real(cr, notifier)

        module = "odoo.addons.zalo_oa.models.zalo_event_queue"
        with (
            patch(f"{module}.may_commit", return_value=True),
            patch(f"{module}.bus_bus.notify_through", side_effect=spy),
            patch.object(Event, "_waiting_customers", return_value=[]),
            patch.object(Event, "_next_due_within", return_value=None),
            patch.object(Event, "_recover_stuck"),
        ):
            self.env["zalo.event"]._cron_process_events()
        self.assertEqual(len(registered), 1)
        self.assertIs(registered[0][0], self.cr)
        self.assertTrue(registered[0][1]._released, "released when the run ends")
        self.assertIsNone(bus_bus._NOTIFIERS.get(self.cr))
