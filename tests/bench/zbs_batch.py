#!/usr/bin/env python3
"""ZBS batch of 10,000 template sends: time to queue, drain rate against the simulator's
rate limit, memory.

    python3 tests/bench/zbs_batch.py [--count 10000] [--rate 3000]

Own database (``zalo_oa`` + ``zalo_oa_zbs``), own simulator (rate limit ``--rate`` calls per
minute on the OA API, ZNS quota large enough), own Odoo server (``--workers=2``, 2 cron
workers). 10,000 contacts linked to Zalo users of the OA (so the sends go by user id,
through the rate-limited OA API), one enabled template with two params from the contact.

* queue: ``partners._zalo_zbs_send(template)`` in ``odoo shell`` (the automatic-send API:
  rows created, one chatter line per contact), wall time and the peak RSS growth of that
  process;
* drain: the send cron woken with ``_trigger()`` on the running server; sent rows counted
  every 2 s until none is pending (or ``--timeout``); rate-limited answers (-32) counted in
  the simulator's request log; RSS of the Odoo processes at the end.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import time

import harness as h

QUEUE_CODE = r"""
import base64, io, json, resource, time
from PIL import Image
from odoo import Command
ARGS = json.loads(%(args)r)
oa = env["zalo.oa"].browse(ARGS["oa"])
buf = io.BytesIO(); Image.new("RGB", (400, 96), "navy").save(buf, "PNG")
template = env["zalo.zbs.template"].create({
    "name": "Thông báo khách hàng mới", "oa_id": oa.id, "tag": "2",
    "model_id": env["ir.model"]._get_id("res.partner"),
    "title": "Chào mừng <customer_name>",
    "body_text": "Cảm ơn bạn đã trở thành khách hàng của cửa hàng.\n\n"
                 "Mã khách hàng của bạn là <customer_code>.",
    "logo": base64.b64encode(buf.getvalue()),
    "param_ids": [
        Command.create({"name": "customer_name", "param_type": "1", "source": "field",
                        "field_path": "name", "sample_value": "Nguyễn Văn An"}),
        Command.create({"name": "customer_code", "param_type": "4", "source": "field",
                        "field_path": "ref", "sample_value": "KH0001"}),
    ],
})
template.sudo().write({"zalo_template_id": ARGS["sim_template_id"], "state": "enabled"})
t0 = time.time()
partners = env["res.partner"].create([
    {"name": "Khách hàng %%05d" %% i, "ref": "KH%%05d" %% i, "mobile": "09%%08d" %% (12000000 + i)}
    for i in range(len(ARGS["users"]))
])
env["zalo.partner.link"].create([
    {"oa_id": oa.id, "zalo_user_id": uid, "partner_id": p.id}
    for uid, p in zip(ARGS["users"], partners)
])
env.cr.commit()
t_setup = time.time() - t0
env.invalidate_all()
partners = env["res.partner"].browse(partners.ids)
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.time()
rows = partners._zalo_zbs_send(template)
env.cr.commit()
t_queue = time.time() - t0
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
states = {}
for row in rows:
    states[row.state] = states.get(row.state, 0) + 1
print(json.dumps({"queue_s": t_queue, "setup_s": t_setup, "rss_growth_mb": (rss1 - rss0) / 1024,
                  "rss_peak_mb": rss1 / 1024, "rows": len(rows), "states": states,
                  "kinds": sorted(set(rows.mapped("message_kind")))}))
"""


def run(count=10_000, rate=3000, timeout=900, keep_db=False):
    h.CACHE.mkdir(parents=True, exist_ok=True)
    odoo = h.find_odoo()
    db = f"zt_bench_zbs_{os.getpid()}"
    out = {"count": count, "rate_per_min": rate}
    t_all = time.time()
    h.say(f"== ZBS batch: database {db} (zalo_oa, zalo_oa_zbs)")
    out["install_s"] = h.create_db(
        odoo, db, ["zalo_oa", "zalo_oa_zbs"], h.CACHE / "zbs-install.log"
    )
    server = h.OdooServer(odoo, db, h.CACHE / "zbs-odoo.log")
    sim = h.SimulatorProcess(
        h.CACHE / "zbs-sim.log", odoo_port=server.port, extra=["--no-auto-receipts"]
    )
    try:
        sim.start()
        sim.call("POST", "/_sim/config", {"zns_daily_quota": count * 2})
        sim.call("POST", "/_sim/ratelimit", {"limit": rate, "window_ms": 60_000})
        info = h.setup_db(odoo, db, sim, h.CACHE / "zbs-setup.log")
        # the app's rate limit, as an administrator sets it (Zalo's default is 4,000/min)
        h.query(
            db,
            """INSERT INTO ir_config_parameter (key, value, create_uid, write_uid,
                                               create_date, write_date)
               VALUES ('zalo_oa.api_rate_limit', %s, 1, 1, now(), now())
               ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value""",
            [str(rate)],
        )
        t0 = time.time()
        users = [c["user_id"] for c in h.sim_customers(sim, count, prefix="ZBS")]
        out["sim_customers_s"] = time.time() - t0
        tpl = sim.call(
            "POST",
            "/_sim/templates",
            {
                "template_name": "Thông báo khách hàng mới",
                "params": [
                    {"name": "customer_name", "type": "1"},
                    {"name": "customer_code", "type": "4"},
                ],
                "status": "ENABLE",
            },
        )
        args = {"oa": info["oa"], "sim_template_id": tpl["template_id"], "users": users}
        h.say(f"   queueing {count} sends (odoo shell) ...")
        queued = h.odoo_shell(
            odoo,
            db,
            QUEUE_CODE % {"args": json.dumps(args)},
            h.CACHE / "zbs-queue.log",
            timeout=1800,
        )
        out.update(queued)
        h.say(f"   {queued}")
        server.start()
        # wake the send cron (as _trigger() does)
        h.query(
            db,
            """INSERT INTO ir_cron_trigger (cron_id, call_at, create_date, write_date,
                      create_uid, write_uid)
               SELECT res_id, now() at time zone 'UTC', now(), now(), 1, 1
                 FROM ir_model_data
                WHERE module = 'zalo_oa' AND name = 'ir_cron_zalo_send_messages'""",
        )
        # cron workers LISTEN on the "postgres" database (ir.cron._notifydb)
        h.query("postgres", "NOTIFY cron_trigger, %s", [db])
        t0 = time.time()
        samples = []
        while time.time() - t0 < timeout:
            ((sent, pending, failed),) = h.query(
                db,
                """SELECT count(*) FILTER (WHERE state IN ('sent', 'delivered', 'read')),
                          count(*) FILTER (WHERE state = 'pending'),
                          count(*) FILTER (WHERE state = 'failed')
                     FROM zalo_message WHERE direction = 'outbound'""",
            )
            samples.append((time.time() - t0, sent))
            if pending == 0:
                break
            time.sleep(2)
        drain = time.time() - t0
        limited = sim.call("GET", "/_sim/requests?path=/message/template")
        rate_limited = sum(
            1 for r in limited if (r.get("response", {}).get("json") or {}).get("error") == -32
        )
        # every accepted send, by recipient: one each, or a send was doubled
        accepted = collections.Counter()
        for r in limited:
            if (r.get("response", {}).get("json") or {}).get("error") == 0:
                body = (r.get("body") or {}).get("json") or {}
                accepted[body.get("user_id") or (body.get("recipient") or {}).get("user_id")] += 1
        duplicated = sum(n - 1 for n in accepted.values() if n > 1)
        first = next((t for t, s in samples if s > 0), None)
        out.update(
            {
                "drain_s": drain,
                "sent": sent,
                "pending": pending,
                "failed": failed,
                "drain_rate": sent / (drain - (first or 0)) if sent else 0.0,
                "limit_rate": rate / 60,
                "rate_limited_answers": rate_limited,
                "duplicated": duplicated,
                "errors_in_log": h.log_errors(h.CACHE / "zbs-odoo.log"),
                "odoo_rss_mb": h.rss_mb(server.pids()),
                "first_sent_after_s": first,
            }
        )
    finally:
        server.stop()
        sim.stop()
        if not keep_db:
            h.dev.drop_db(db)
    out["total_s"] = time.time() - t_all
    return out


def row(res):
    if not res:
        return None
    return (
        f"| ZBS batch of {res['count']:,} sends by user id (rate limit {res['rate_per_min']}/min "
        f"= {res['limit_rate']:.0f}/s) | queued in {res.get('queue_s', float('nan')):.0f} s "
        f"(+{res.get('rss_growth_mb', 0):.0f} MB peak RSS in the queuing process), drained "
        f"{res['sent']:,} sent / {res['failed']:,} failed / {res['pending']:,} pending in "
        f"{res['drain_s']:.0f} s = {res['drain_rate']:.1f} sends/s "
        f"({res['rate_limited_answers']} rate-limited answers, {res.get('duplicated', 0)} "
        f"duplicated), Odoo RSS {res['odoo_rss_mb']:.0f} MB |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=3000, help="OA API calls per minute")
    parser.add_argument("--timeout", type=int, default=900, help="drain timeout (s)")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    res = run(args.count, args.rate, args.timeout, args.keep_db)
    h.say(json.dumps(res, indent=1))
    h.say(row(res))


if __name__ == "__main__":
    main()
