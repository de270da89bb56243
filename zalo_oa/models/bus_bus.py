"""A queue run's bus notifications go out over one connection, not one per commit.

After a transaction that sent bus notifications commits, Odoo's bus tells the websocket
workers with ``pg_notify('imbus', …)`` on the ``postgres`` database, through a new
connection each time: Odoo does not pool connections to that database. A processing run
commits once per customer's backlog, so it opened a connection (and PostgreSQL started a
backend: about 4 ms, most of a core's worth under load) for each of them. While a run
lasts (see ``zalo_event_queue``), its cursor's commits notify through one connection of
the run's own instead; everything else (the ``bus.bus`` rows, the payloads, Odoo's
``ODOO_NOTIFY_FUNCTION``) is Odoo's.
"""

import logging
import weakref

import psycopg2

import odoo
from odoo import models
from odoo.addons.bus.models.bus import ODOO_NOTIFY_FUNCTION, get_notify_payloads
from odoo.tools import SQL, OrderedSet

_logger = logging.getLogger(__name__)

#: cursor of a queue run → its BusNotifier
_NOTIFIERS = weakref.WeakKeyDictionary()


class BusNotifier:
    """``pg_notify('imbus', …)`` over one connection to the ``postgres`` database."""

    def __init__(self):
        self._cr = None
        self._released = False

    def notify(self, payloads):
        if not payloads:
            return
        if self._released:
            # a commit after the end of the run: a connection of its own, as Odoo does
            with odoo.sql_db.db_connect("postgres").cursor() as cr:
                self._execute(cr, payloads)
            return
        for attempt in (1, 2):
            try:
                if self._cr is None:
                    self._cr = odoo.sql_db.db_connect("postgres").cursor()
                self._execute(self._cr, payloads)
                self._cr.commit()  # pylint: disable=invalid-commit
                return
            except psycopg2.OperationalError:
                # the connection went away (a PostgreSQL restart): once more on a new one
                self.close()
                if attempt == 2:
                    raise

    @staticmethod
    def _execute(cr, payloads):
        for payload in payloads:
            cr.execute(SQL("SELECT %s('imbus', %s)", SQL.identifier(ODOO_NOTIFY_FUNCTION), payload))

    def release(self):
        """The run is over: close the connection; later commits notify as Odoo does."""
        self._released = True
        self.close()

    def close(self):
        if self._cr is not None:
            try:
                self._cr.close()
            except psycopg2.Error:
                _logger.debug("Zalo: bus notification connection already closed")
            self._cr = None


def notify_through(cr, notifier):
    """Until ``release(cr)``, the bus notifications of ``cr``'s commits go through
    ``notifier``."""
    _NOTIFIERS[cr] = notifier


def release(cr):
    notifier = _NOTIFIERS.pop(cr, None)
    if notifier is not None:
        notifier.release()


class BusBus(models.Model):
    _inherit = "bus.bus"

    def _ensure_hooks(self):
        cr = self.env.cr
        notifier = _NOTIFIERS.get(cr)
        if notifier is not None and "bus.bus.channels" not in cr.postcommit.data:
            # Odoo's own hook is registered only when this key is missing: ours takes
            # its place for this transaction (Odoo's still stores the notifications).
            cr.postcommit.data["bus.bus.channels"] = OrderedSet()

            @cr.postcommit.add
            def notify():
                channels = list(cr.postcommit.data.pop("bus.bus.channels"))
                notifier.notify(get_notify_payloads(channels))

        return super()._ensure_hooks()
