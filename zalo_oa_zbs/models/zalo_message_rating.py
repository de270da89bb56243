from markupsafe import Markup

from odoo import _, fields, models

from ..tools import rating as zbs_rating
from .zalo_message import ZBS_KINDS

RATINGS = [(str(n), "★" * n) for n in range(1, zbs_rating.RATING_MAX + 1)]


class ZaloMessage(models.Model):
    """The customer's answer to a service-rating template, on the message that asked."""

    _inherit = "zalo.message"

    zbs_rating = fields.Selection(RATINGS, string="Customer rating", readonly=True, copy=False)
    zbs_rating_note = fields.Text(string="Customer comment", readonly=True, copy=False)
    zbs_rated_at = fields.Datetime(string="Rated on", readonly=True, copy=False)

    def _zbs_find_rated(self, oa, answer):
        """The template message an answer is about: by Zalo's message id, else tracking id."""
        Message = self.sudo()
        domain = [
            ("oa_id", "=", oa.id),
            ("direction", "=", "outbound"),
            ("message_kind", "in", ZBS_KINDS),
        ]
        if answer.get("msg_id"):
            row = Message.search([*domain, ("zalo_msg_id", "=", answer["msg_id"])], limit=1)
            if row:
                return row
        if answer.get("tracking_id"):
            return Message.search([*domain, ("tracking_id", "=", answer["tracking_id"])], limit=1)
        return Message

    def _zbs_apply_rating(self, answer, when=None):
        """Keep ``answer`` (see :func:`..tools.rating.parse_feedback`) on the row, log it
        on the document that sent the template, and let the document store it
        (``_zalo_zbs_on_rating``)."""
        self.ensure_one()
        comment = "\n".join(
            part for part in [answer.get("note") or "", *(answer.get("feedbacks") or [])] if part
        )
        self.sudo().write(
            {
                "zbs_rating": str(answer["rate"]) if answer.get("rate") else False,
                "zbs_rating_note": comment or False,
                "zbs_rated_at": when or fields.Datetime.now(),
            }
        )
        record = self._zbs_record()
        if record is None:
            return
        stars = "★" * (answer.get("rate") or 0) + "☆" * (
            zbs_rating.RATING_MAX - (answer.get("rate") or 0)
        )
        if answer.get("rate"):
            head = _(
                "%(partner)s rated %(rate)s/5 %(stars)s on Zalo (template «%(template)s»).",
                partner=self.partner_id.display_name or _("The customer"),
                rate=answer["rate"],
                stars=stars,
                template=self.zbs_template_id.name,
            )
        else:
            head = _(
                "%(partner)s answered the rating template «%(template)s» on Zalo.",
                partner=self.partner_id.display_name or _("The customer"),
                template=self.zbs_template_id.name,
            )
        body = Markup("<p>%s</p>") % head
        if comment:
            body += Markup("<blockquote>%s</blockquote>") % comment
        if hasattr(record, "message_post"):
            record.sudo().message_post(
                body=body,
                author_id=self.partner_id.id or None,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        hook = getattr(record, "_zalo_zbs_on_rating", None)
        if hook is not None:
            hook(self, answer)
