from odoo import fields, models


class ZaloConversationAnswer(models.Model):
    """One staff answer that ended a customer's wait: the response time of who answered.

    Written when a staff reply follows customer messages (``discuss.channel``'s
    ``_zalo_on_staff_answer``); the manager reports (pivot per operator) read these.
    """

    _name = "zalo.conversation.answer"
    _description = "Zalo conversation answer (response time)"
    _order = "answered_at desc, id desc"
    _rec_name = "channel_id"

    channel_id = fields.Many2one(
        "discuss.channel", string="Conversation", required=True, index=True, ondelete="cascade"
    )
    oa_id = fields.Many2one(
        "zalo.oa", string="Official Account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="oa_id.company_id", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Answered by",
        index=True,
        ondelete="set null",
        help="Empty for a reply typed in Zalo's own OA app.",
    )
    waiting_since = fields.Datetime(string="Customer waiting since", required=True, readonly=True)
    answered_at = fields.Datetime(string="Answered at", required=True, readonly=True)
    minutes = fields.Float(string="Response time (min)", group_operator="avg", readonly=True)
    is_first = fields.Boolean(
        string="First response", readonly=True, help="The first answer of the conversation."
    )
