"""An "on call" queue runner: a cron job that waits for work on ``LISTEN`` instead of ending.

A cron worker learns of a trigger through Odoo's ``cron_trigger`` notification, then
looks for ready jobs, locks one, loads the environment and runs it: about a hundred
milliseconds before the first event is touched, and the cost of a whole cron start per
webhook. OCA's ``queue_job`` avoids that with a job runner that listens for new jobs; the
suite does the same inside Odoo's own cron workers, with PostgreSQL as the only
coordinator (any number of servers):

* one processing cron job is *on call*: while it runs it holds a session advisory lock
  that says "running", and while it has nothing to do it waits on ``LISTEN`` (its own
  connection) for at most the rest of its run, holding another that says "idle";
* the webhook stores the event and, in the same transaction, ``NOTIFY``s the channel
  (delivered at commit). It starts the on-call job through ``ir.cron._trigger()`` when
  it does not run, and another job when other events are already waiting (a backlog:
  more workers help);
* a runner killed mid-way loses nothing: its lock and connection go with it, events are
  rows in ``zalo_event``, the other crons and the regular schedule pick them up.
"""

import select
import time

from psycopg2 import sql

import odoo

#: Session advisory locks of an on-call runner: ``(ON_CALL_CLASS, -key)`` while it runs,
#: ``(ON_CALL_CLASS, key)`` while it is idle (waiting on ``LISTEN``).
ON_CALL_CLASS = 0x5A4C  # "ZL"


def notify(cr, channel):
    """``NOTIFY`` ``channel`` with the database name (delivered when ``cr`` commits)."""
    cr.execute("SELECT pg_notify(%s, %s)", [channel, cr.dbname])


def runners(cr, key):
    """(running, idle): how many on-call runners of ``key`` run, and how many of them
    are idle (waiting on ``LISTEN``) right now."""
    cr.execute(
        """SELECT count(*) FILTER (WHERE objid = %s), count(*) FILTER (WHERE objid = %s)
             FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = %s
              AND objid IN (%s, %s)
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""",
        [-key, key, ON_CALL_CLASS, -key, key],
    )
    running, idle = cr.fetchone()
    return running, idle


def idle_runners(cr, key):
    """How many on-call runners of ``key`` are idle (waiting on ``LISTEN``) right now."""
    return runners(cr, key)[1]


class Listener:
    """``LISTEN channel`` on a connection of its own; ``wait()`` while marked idle."""

    def __init__(self, dbname, channel, key):
        self.dbname = dbname
        self.channel = channel
        self.key = key
        self._cr = odoo.sql_db.db_connect(dbname).cursor()
        self._cr.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        # "running" (held until close): the webhook need not start this job
        self._cr.execute("SELECT pg_try_advisory_lock(%s, %s)", [ON_CALL_CLASS, -key])
        self._cr.commit()  # pylint: disable=invalid-commit

    def _drain(self):
        connection = self._cr._cnx
        connection.poll()
        woken = any(
            n.channel == self.channel and n.payload == self.dbname for n in connection.notifies
        )
        connection.notifies.clear()
        return woken

    def wait(self, timeout):
        """Wait up to ``timeout`` seconds for a notification; True when one came.

        Notifications that arrived since the last call count: nothing sent between the
        caller's last look for work and this call is missed.
        """
        if self._drain():
            return True
        # Idle from here: the webhook sees the lock and only notifies.
        self._cr.execute("SELECT pg_try_advisory_lock(%s, %s)", [ON_CALL_CLASS, self.key])
        locked = self._cr.fetchone()[0]
        self._cr.commit()  # pylint: disable=invalid-commit
        try:
            deadline = time.monotonic() + max(timeout, 0)
            while True:
                if self._drain():
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                select.select([self._cr._cnx], [], [], left)
        finally:
            if locked:
                self._cr.execute("SELECT pg_advisory_unlock(%s, %s)", [ON_CALL_CLASS, self.key])
                self._cr.commit()  # pylint: disable=invalid-commit

    def close(self):
        try:
            self._cr.execute(sql.SQL("UNLISTEN {}").format(sql.Identifier(self.channel)))
            self._cr.execute("SELECT pg_advisory_unlock_all()")
            self._cr.commit()  # pylint: disable=invalid-commit
        finally:
            self._cr.close()
