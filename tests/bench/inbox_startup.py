"""Discuss start-up of a Zalo operator with 100, 1,000 and 10,000 conversations of an OA.

Measures the server side of ``res.users._init_messaging`` (what ``/mail/init_messaging``
runs when Discuss opens) for one operator of three, in a fresh cursor and environment per
call (like a request), and the number of Zalo conversations it loads.

Two shapes of the same conversations:

- *team inbox* (this code): each conversation has one owner (round-robin over the three
  operators), who is its only staff member; a working set of open conversations per
  operator is pinned (``--open``, 20 by default), the others are resolved (unpinned).
- *every operator, all pinned* (the shape before the team inbox, ``--no-before`` skips
  it): every operator is a pinned member of every conversation.

Conversations are bulk-created with SQL (contacts, partner links, channels, members, one
customer message each). Usage, from the repository root::

    python3 tests/bench/inbox_startup.py            # creates and drops zt_inbox_<pid>
    python3 tests/bench/inbox_startup.py --db NAME --keep-db --levels 100,1000
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import dev  # noqa: E402  (scripts/dev.py: Odoo lookup)

OPERATORS = ("bench_lan", "bench_minh", "bench_hung")


def odoo_env():
    """Odoo 17 found like scripts/dev.py does; (odoo module, addons path, command)."""
    found, why = dev.find_odoo()
    if not found:
        sys.exit(f"Odoo 17 not found: {why}")
    for path in found.extra_env.get("PYTHONPATH", "").split(":"):
        if path and path not in sys.path:
            sys.path.insert(0, path)
    import odoo

    return odoo, found.addons_path_arg, found


def create_db(found, db):
    subprocess.run(
        [
            *found.cmd,
            f"--addons-path={found.addons_path_arg}",
            "-d",
            db,
            "-i",
            "zalo_oa",
            "--without-demo=all",
            "--stop-after-init",
            "--max-cron-threads=0",
            "--log-level=warn",
            f"--http-port={dev.free_port()}",
        ],
        check=True,
        cwd="/",
        env={**__import__("os").environ, **found.extra_env},
    )


def setup(env):
    """Three operators, one OA; returns (oa id, [operator user ids])."""
    group = env.ref("zalo_oa.group_zalo_user")
    users = env["res.users"]
    for login in OPERATORS:
        users |= users.create({"name": login, "login": login, "groups_id": [(6, 0, [group.id])]})
    oa = env["zalo.oa"].create(
        {"name": "OA bench", "app_id": "bench-app", "operator_ids": [(6, 0, users.ids)]}
    )
    return oa.id, users.ids


def grow(cr, oa_id, user_ids, target, open_per_operator):
    """Add conversations up to ``target`` (team inbox shape), in bulk."""
    cr.execute("SELECT count(*) FROM discuss_channel WHERE zalo_oa_id = %s", [oa_id])
    have = cr.fetchone()[0]
    add = target - have
    if add <= 0:
        return
    cr.execute("SELECT company_id FROM zalo_oa WHERE id = %s", [oa_id])
    company = cr.fetchone()[0]
    cr.execute(
        """INSERT INTO res_partner (name, complete_name, active, type, is_company,
                create_date, write_date, create_uid, write_uid)
           SELECT 'Khách ' || (g + %s), 'Khách ' || (g + %s), true, 'contact', false,
                  now(), now(), 1, 1
             FROM generate_series(1, %s) g RETURNING id""",
        [have, have, add],
    )
    partners = [r[0] for r in cr.fetchall()]
    cr.execute(
        """INSERT INTO zalo_partner_link (oa_id, company_id, zalo_user_id, partner_id,
                is_shadow, is_follower, active, last_inbound_at, create_date, write_date,
                create_uid, write_uid)
           SELECT %s, %s, 'bench-' || p.id, p.id, true, true, true, now(), now(), now(), 1, 1
             FROM unnest(%s::int[]) AS p(id) RETURNING id, partner_id""",
        [oa_id, company, partners],
    )
    links = cr.fetchall()
    owners = [user_ids[(have + i) % len(user_ids)] for i in range(add)]
    cr.execute(
        """INSERT INTO discuss_channel (name, channel_type, zalo_oa_id, zalo_partner_link_id,
                uuid, active, zalo_status, zalo_owner_id, zalo_assigned_at, zalo_assign_seq,
                create_date, write_date, create_uid, write_uid)
           SELECT 'Khách ' || l.pid, 'zalo', %s, l.lid, md5(random()::text || l.lid), true,
                  'resolved', l.owner, now(), nextval('zalo_oa_assign_seq'),
                  now(), now(), 1, 1
             FROM unnest(%s::int[], %s::int[], %s::int[]) AS l(lid, pid, owner)
           RETURNING id, zalo_partner_link_id, zalo_owner_id""",
        [oa_id, [lnk[0] for lnk in links], [lnk[1] for lnk in links], owners],
    )
    chans = cr.fetchall()
    cr.execute(
        """UPDATE zalo_partner_link l SET channel_id = c.cid
             FROM unnest(%s::int[], %s::int[]) AS c(cid, lid) WHERE l.id = c.lid""",
        [[c[0] for c in chans], [c[1] for c in chans]],
    )
    link_partner = dict(links)
    cr.execute("SELECT id, partner_id FROM res_users WHERE id = ANY(%s)", [user_ids])
    user_partner = dict(cr.fetchall())
    cr.execute(
        """INSERT INTO mail_message (model, res_id, author_id, body, message_type,
                date, create_date, write_date, create_uid, write_uid)
           SELECT 'discuss.channel', c.cid, c.cpid, '<p>Chào shop</p>', 'comment',
                  now(), now(), now(), 1, 1
             FROM unnest(%s::int[], %s::int[]) AS c(cid, cpid)
           RETURNING id, res_id""",
        [[c[0] for c in chans], [link_partner[c[1]] for c in chans]],
    )
    seen = {res_id: mid for mid, res_id in cr.fetchall()}
    # customer + owner: resolved conversations are unpinned (and read) for everyone
    cr.execute(
        """INSERT INTO discuss_channel_member (channel_id, partner_id, is_pinned,
                seen_message_id, last_interest_dt, create_date, write_date, create_uid,
                write_uid)
           SELECT c.cid, p.pid, false, c.mid, now(), now(), now(), 1, 1
             FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[])
                  AS c(cid, cpid, opid, mid)
             CROSS JOIN LATERAL unnest(ARRAY[c.cpid, c.opid]) AS p(pid)""",
        [
            [c[0] for c in chans],
            [link_partner[c[1]] for c in chans],
            [user_partner[c[2]] for c in chans],
            [seen[c[0]] for c in chans],
        ],
    )
    # the working set: the latest conversations of each operator are open and pinned
    cr.execute(
        """UPDATE discuss_channel SET zalo_status = 'resolved'
            WHERE zalo_oa_id = %s AND zalo_status = 'open'""",
        [oa_id],
    )
    cr.execute(
        """WITH ranked AS (
               SELECT id, row_number() OVER (PARTITION BY zalo_owner_id ORDER BY id DESC) AS n
                 FROM discuss_channel WHERE zalo_oa_id = %s)
           UPDATE discuss_channel c SET zalo_status = 'open', zalo_waiting_since = now()
             FROM ranked r WHERE r.id = c.id AND r.n <= %s""",
        [oa_id, open_per_operator],
    )
    team_inbox_members(cr, oa_id, user_ids)


def team_inbox_members(cr, oa_id, user_ids):
    """Staff members: the owner of each open conversation only (resolved ones: none)."""
    cr.execute("SELECT partner_id FROM res_users WHERE id = ANY(%s)", [user_ids])
    op_partners = [row[0] for row in cr.fetchall()]
    cr.execute(
        """DELETE FROM discuss_channel_member m USING discuss_channel c, res_users u
            WHERE c.id = m.channel_id AND c.zalo_oa_id = %s AND m.partner_id = ANY(%s)
              AND u.id = c.zalo_owner_id
              AND (c.zalo_status != 'open' OR m.partner_id != u.partner_id)""",
        [oa_id, op_partners],
    )
    cr.execute(
        """UPDATE discuss_channel_member m SET is_pinned = (c.zalo_status = 'open')
             FROM discuss_channel c WHERE c.id = m.channel_id AND c.zalo_oa_id = %s""",
        [oa_id],
    )
    cr.execute("ANALYZE")


def make_before_shape(cr, oa_id, user_ids):
    """Every operator a pinned member of every conversation (the shape before)."""
    cr.execute("SELECT partner_id FROM res_users WHERE id = ANY(%s)", [user_ids])
    op_partners = [row[0] for row in cr.fetchall()]
    cr.execute(
        """INSERT INTO discuss_channel_member (channel_id, partner_id, is_pinned,
                last_interest_dt, create_date, write_date, create_uid, write_uid)
           SELECT c.id, p.pid, true, now(), now(), now(), 1, 1
             FROM discuss_channel c CROSS JOIN unnest(%s::int[]) AS p(pid)
            WHERE c.zalo_oa_id = %s
           ON CONFLICT DO NOTHING""",
        [op_partners, oa_id],
    )
    cr.execute(
        """UPDATE discuss_channel_member m SET is_pinned = true FROM discuss_channel c
            WHERE c.id = m.channel_id AND c.zalo_oa_id = %s""",
        [oa_id],
    )
    cr.execute("ANALYZE")


def vacuum(db):
    """Settle the tables after a bulk change (else autovacuum runs during the timings)."""
    conn = dev.pg_connect(db)
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(
                "VACUUM ANALYZE discuss_channel, discuss_channel_member, mail_message, "
                "res_partner, zalo_partner_link"
            )
    finally:
        conn.close()


def measure(odoo, registry, uid, runs):
    """Median and min wall time (ms) of _init_messaging, queries, Zalo conversations."""
    from odoo import api

    del odoo
    times, queries, loaded = [], None, None
    for i in range(runs + 1):
        with registry.cursor() as cr:
            env = api.Environment(cr, uid, {})
            user = env.user
            start_queries = cr.sql_log_count
            start = time.perf_counter()
            data = user._init_messaging()
            elapsed = (time.perf_counter() - start) * 1000
            count = cr.sql_log_count - start_queries
            cr.rollback()
        if i == 0:
            continue  # warm-up (registry caches, PostgreSQL buffers)
        times.append(elapsed)
        queries = count
        loaded = sum(1 for c in data["channels"] if c.get("channel_type") == "zalo")
    return statistics.median(times), min(times), queries, loaded


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--levels", default="100,1000,10000")
    parser.add_argument("--open", type=int, default=20, help="open conversations per operator")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-before", action="store_true")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    odoo, addons_path, found = odoo_env()
    db = args.db or f"zt_inbox_{__import__('os').getpid()}"
    created = False
    if not dev.db_exists(db):
        print(f"creating {db} with zalo_oa ...", flush=True)
        create_db(found, db)
        created = True
    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path}", "-d", db, "--log-level=warn", "--max-cron-threads=0"]
    )
    from odoo import SUPERUSER_ID, api

    registry = odoo.registry(db)
    rows = []
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            oa_id, user_ids = setup(env)
        uid = user_ids[0]
        for level in levels:
            with registry.cursor() as cr:
                t0 = time.time()
                grow(cr, oa_id, user_ids, level, args.open)
            vacuum(db)
            print(f"{level} conversations ready in {time.time() - t0:.1f} s", flush=True)
            med, best, queries, loaded = measure(odoo, registry, uid, args.runs)
            rows.append(("team inbox", level, med, best, queries, loaded))
            print(
                f"  team inbox: {med:.0f} ms (min {best:.0f}), {queries} queries, "
                f"{loaded} conversations loaded",
                flush=True,
            )
            if not args.no_before:
                with registry.cursor() as cr:
                    make_before_shape(cr, oa_id, user_ids)
                vacuum(db)
                runs = args.runs if level <= 1000 else 2
                med, best, queries, loaded = measure(odoo, registry, uid, runs)
                rows.append(("every operator, all pinned", level, med, best, queries, loaded))
                print(
                    f"  before: {med:.0f} ms (min {best:.0f}), {queries} queries, "
                    f"{loaded} conversations loaded",
                    flush=True,
                )
                with registry.cursor() as cr:
                    team_inbox_members(cr, oa_id, user_ids)
                vacuum(db)
    finally:
        odoo.sql_db.close_all()
        if created and not args.keep_db:
            dev.drop_db(db)
    print()
    print(
        "| shape | conversations of the OA | _init_messaging median (ms) | min (ms) "
        "| queries | Zalo conversations loaded |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for shape, level, med, best, queries, loaded in rows:
        print(f"| {shape} | {level:,} | {med:.0f} | {best:.0f} | {queries} | {loaded} |")
    inbox = {level: med for shape, level, med, *_ in rows if shape == "team inbox"}
    if len(inbox) > 1:
        low, high = min(inbox), max(inbox)
        print(f"\nratio {high:,}/{low:,}: {inbox[high] / inbox[low]:.2f}")


if __name__ == "__main__":
    main()
