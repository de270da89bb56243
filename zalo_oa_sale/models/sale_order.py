from odoo import _, api, fields, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "zalo.zbs.mixin", "zalo.conversation.mixin"]
    #: Without a salesperson / assignee, ``user_id.…`` params name the team leader.
    _zalo_zbs_user_stand_in = True

    zalo_no_auto_send = fields.Boolean(
        string="No automatic Zalo messages",
        copy=False,
        help="Zalo templates configured to go out automatically (confirmation, cancellation, "
        "full payment) are not sent for this order. «Send via Zalo» still works.",
    )
    zalo_paid_notified = fields.Boolean(
        string="Full payment handled",
        copy=False,
        readonly=True,
        help="Set when the order was first seen fully paid: the payment message is sent (when "
        "switched on) only once.",
    )
    # ------------------------------------------------------------ zbs hooks

    def _zalo_zbs_default_template(self, templates):
        """The template matching the order's status (quotation, confirmed, paid, cancelled)."""
        self.ensure_one()
        if self.state in ("draft", "sent"):
            usage = "quotation"
        elif self.state == "cancel":
            usage = "cancel"
        elif self.state == "sale":
            usage = "paid" if self._zalo_is_fully_paid() else "confirmation"
        else:
            usage = None
        matching = templates.filtered(lambda t: usage and t.zalo_sale_usage == usage)
        return matching[:1] or templates[:1]

    # ------------------------------------------------------- automatic sends

    def action_confirm(self):
        res = super().action_confirm()
        self.filtered(lambda o: o.state == "sale")._zalo_auto_send("confirm")
        return res

    def _action_cancel(self):
        confirmed = self.filtered(lambda o: o.state == "sale")
        res = super()._action_cancel()
        # A quotation the customer never confirmed is cancelled silently.
        confirmed.filtered(lambda o: o.state == "cancel")._zalo_auto_send("cancel")
        return res

    def _zalo_is_fully_paid(self):
        """Confirmed, and paid: by online payments, or by its invoices, all paid."""
        self.ensure_one()
        if self.state != "sale" or self.currency_id.is_zero(self.amount_total):
            return False
        done = sum(tx.amount for tx in self.sudo().transaction_ids if tx.state == "done")
        if self.currency_id.compare_amounts(done, self.amount_total) >= 0:
            return True
        invoices = self.sudo().invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice"
        )
        if not invoices or self.invoice_status != "invoiced":
            return False
        return all(invoice.payment_state in ("paid", "in_payment") for invoice in invoices)

    def _zalo_check_paid(self):
        """Called when a payment lands: the «payment received» message, once per order."""
        paid = self.filtered(lambda o: not o.zalo_paid_notified and o._zalo_is_fully_paid())
        if paid:
            paid.sudo().write({"zalo_paid_notified": True})
            paid._zalo_auto_send("paid")
        return paid

    def _zalo_auto_send(self, event):
        """Send the company's template for ``event`` (confirm, cancel, paid) when switched on.

        Never raises: the business flow that triggers it goes on whatever happens (see
        ``zalo.zbs.mixin._zalo_zbs_send``). Orders opted out are skipped.
        """
        rows = self.env["zalo.message"]
        orders = self.filtered(lambda o: not o.zalo_no_auto_send)
        for company in orders.company_id:
            settings = company.sudo()
            template = settings[f"zalo_sale_{event}_template_id"]
            if not settings[f"zalo_sale_auto_{event}"] or not template:
                continue
            batch = orders.filtered(lambda o, c=company: o.company_id == c)
            rows |= batch.sudo()._zalo_zbs_send(template.sudo())
        return rows

    # ----------------------------------------------------------- conversation

    @api.model
    def _zalo_quotation_values(self, channel):
        """Values of a quotation created from a Zalo conversation (see discuss.channel)."""
        channel = channel.sudo()
        link = channel.zalo_partner_link_id
        oa = channel.zalo_oa_id
        user = self.env.user
        values = {
            "partner_id": link.partner_id.id,
            "company_id": oa.company_id.id or self.env.company.id,
            "origin": _("Zalo %s", oa.name),
        }
        if user.has_group("sales_team.group_sale_salesman"):
            values["user_id"] = user.id
        medium = self.env.ref("zalo_oa.utm_medium_zalo_oa", raise_if_not_found=False)
        if medium:
            values["medium_id"] = medium.id
        source = oa["crm_source_id"] if "crm_source_id" in oa._fields else False
        if source:
            values["source_id"] = source.id
        return values
