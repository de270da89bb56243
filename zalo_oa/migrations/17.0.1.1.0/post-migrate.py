"""17.0.1.1.0: the first processing cron job stays on call (its data is ``noupdate``)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("zalo_oa.ir_cron_zalo_process_events", raise_if_not_found=False)
    if cron:
        cron.write(
            {
                "name": "Zalo: process webhook events (on call)",
                "code": "model._cron_process_events(on_call=True)",
            }
        )
