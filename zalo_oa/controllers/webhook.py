import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

_logger = logging.getLogger(__name__)

#: Zalo events are small JSON documents; anything bigger is not Zalo.
MAX_BODY_BYTES = 256 * 1024


def _json_response(payload, status=200):
    return request.make_response(
        json.dumps(payload),
        headers=[("Content-Type", "application/json")],
        status=status,
    )


class ZaloWebhookController(http.Controller):
    @http.route(
        "/zalo_oa/webhook",
        type="http",
        auth="none",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def webhook(self, **kwargs):
        """Zalo's webhook: verify, store, acknowledge; the processing crons do the rest.

        Always answers 200 to well-formed requests, including ones it ignores (bad
        signature, unknown OA): Zalo's console only saves a webhook URL that answers
        200, and a 4xx/5xx makes Zalo retry for hours. Nothing is stored for them.
        """
        httprequest = request.httprequest
        if httprequest.method == "GET":
            challenge = kwargs.get("hub.challenge")
            return request.make_response(challenge or "Zalo OA webhook is ready.")
        length = httprequest.content_length
        if length is not None and length > MAX_BODY_BYTES:
            return _json_response({"status": "ignored", "reason": "body too large"}, 413)
        raw = httprequest.get_data(cache=False)
        if len(raw) > MAX_BODY_BYTES:
            return _json_response({"status": "ignored", "reason": "body too large"}, 413)
        if not request.db:
            return _json_response({"status": "ignored", "reason": "no database"})
        env = request.env(user=SUPERUSER_ID)
        try:
            result = env["zalo.event"]._webhook_receive(raw, httprequest.headers)
        except Exception:
            # Storage itself failed (database down...): say so, so that Zalo delivers
            # the event again later rather than believing it arrived.
            _logger.exception("Zalo webhook: the event could not be stored")
            request.env.cr.rollback()
            return _json_response({"status": "error", "reason": "try again"}, 503)
        if result.status == "ignored":
            _logger.info("Zalo webhook ignored: %s", result.reason)
            return _json_response({"status": "ignored", "reason": result.reason})
        if result.status == "duplicate":
            return _json_response({"status": "duplicate"})
        # Acknowledge only: a processing run (the on-call one, or a cron job on any
        # server) takes it; woken when this transaction commits. Waking must never cost
        # the stored event: if it fails, the crons' own schedule picks the event up.
        try:
            with env.cr.savepoint(flush=False):
                env["zalo.event"]._wake_processing(result)
        except Exception:
            _logger.warning(
                "Zalo webhook: event %s stored, the queue was not woken (it runs on its schedule)",
                result.event_id,
                exc_info=True,
            )
        # Stored before acknowledging: the event must survive whatever happens next.
        env.cr.commit()  # pylint: disable=invalid-commit
        return _json_response({"status": "queued"})
