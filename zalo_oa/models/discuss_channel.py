from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, _, api, fields, models
from odoo.addons.mail.models.discuss.discuss_channel import Channel as MailChannel
from odoo.exceptions import UserError
from odoo.tools import format_datetime, html2plaintext

#: Zalo's advisory-message window: 7 days after the customer's last interaction.
WINDOW = timedelta(days=7)
#: Messages copied into a document created from a conversation (lead, ticket...).
HISTORY_LIMIT = 30


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    channel_type = fields.Selection(
        selection_add=[("zalo", "Zalo Conversation")], ondelete={"zalo": "cascade"}
    )
    zalo_oa_id = fields.Many2one(
        "zalo.oa",
        string="Zalo Official Account",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
    )
    zalo_partner_link_id = fields.Many2one(
        "zalo.partner.link", string="Zalo partner link", index="btree_not_null", readonly=True
    )
    zalo_window_expires_at = fields.Datetime(
        string="Reply window ends",
        index="btree_not_null",
        readonly=True,
        help="7 days after the customer's last message: until then staff may answer with "
        "free text; afterwards only approved ZBS templates can be sent.",
    )

    _sql_constraints = [
        (
            "zalo_channel_has_oa",
            "CHECK(channel_type != 'zalo' OR zalo_oa_id IS NOT NULL)",
            "A Zalo conversation needs an Official Account.",
        ),
    ]

    def _compute_is_chat(self):
        super()._compute_is_chat()
        for channel in self:
            if channel.channel_type == "zalo":
                channel.is_chat = True

    def _zalo_notify_window(self):
        """Tell open Discuss clients that the reply window moved (banner, composer)."""
        for channel in self:
            self.env["bus.bus"]._sendone(
                channel,
                "mail.record/insert",
                {
                    "Thread": {
                        "id": channel.id,
                        "model": "discuss.channel",
                        "zalo_window_expires_at": fields.Datetime.to_string(
                            channel.zalo_window_expires_at
                        ),
                    }
                },
            )

    def _zalo_can_send_template(self):
        return False

    def _zalo_window_open(self):
        self.ensure_one()
        return bool(
            self.zalo_window_expires_at and self.zalo_window_expires_at > fields.Datetime.now()
        )

    def _channel_info(self):
        infos = super()._channel_info()
        zalo = self.filtered(lambda c: c.channel_type == "zalo")
        if not zalo:
            return infos
        by_id = {info["id"]: info for info in infos}
        for channel in zalo:
            info = by_id.get(channel.id)
            if info is None:
                continue
            # The member reads the conversation (record rules), hence its customer and OA,
            # whichever companies are active in the switcher (Discuss ignores it).
            link = channel.sudo().zalo_partner_link_id
            oa = channel.sudo().zalo_oa_id
            info["zalo_oa"] = {"id": oa.id, "name": oa.name}
            info.update(channel._zalo_inbox_info())
            info["zalo_window_expires_at"] = fields.Datetime.to_string(
                channel.zalo_window_expires_at
            )
            info["zalo_can_send_template"] = channel._zalo_can_send_template()
            info["zalo_partner"] = {
                "id": link.partner_id.id,
                "name": link.partner_id.name,
                "is_shadow": link.is_shadow,
                "is_follower": link.is_follower,
            }
        return infos

    # -------------------------------------------------------------- posting

    def _zalo_is_staff_post(self, message_type, author_id=None):
        """A reply to send to Zalo: a comment by a user, not an inbound/mirrored message."""
        if self.channel_type != "zalo" or self.env.context.get("zalo_inbound"):
            return False
        if message_type != "comment":
            return False
        author = author_id or self.env.user.partner_id.id
        link = self.zalo_partner_link_id
        return author not in (link.partner_id.id, self.zalo_oa_id.partner_id.id)

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, *, message_type="notification", **kwargs):
        if len(self) == 1 and self._zalo_is_staff_post(message_type, kwargs.get("author_id")):
            if not self._zalo_window_open():
                raise UserError(self._zalo_window_closed_text())
            if not self.zalo_partner_link_id.zalo_user_id:
                raise UserError(_("This conversation has no Zalo recipient."))
            self._zalo_lock_members()
        return super().message_post(message_type=message_type, **kwargs)

    def _zalo_post_inbound(self, posts):
        """Post the customer's messages on this conversation, in order, as
        ``message_post`` posts each one, with one ``mail.message`` create for all of them.

        ``posts``: one dict per message with ``author_id``, ``body`` (Markup),
        ``attachment_ids``, ``parent_id`` and ``record_company_id``. Each message gets the values
        ``message_post`` gives a chat comment posted by the queue (no sender address,
        reply-to or alias: see ``test_inbound_post_matches_message_post``), then the
        same after-hook and notification, one message after the other. What the
        conversation's members get is written once (pinned, last interest), like the
        one write ``message_post`` makes per message.

        A customer who writes faster than the queue posts (a backlog) costs a fraction
        of one ``message_post`` per message: the create is one INSERT, and the per-record
        work of ``mail.message.create`` runs once for the batch. What is not called is
        ``message_post`` itself: of Odoo's addons only ``website_livechat`` overrides it
        on discuss.channel, for livechat channels; addons that react to a new message
        use the after-hook or ``_notify_thread`` (the chatter bridge does), which run.
        """
        self.ensure_one()
        if not posts:
            return self.env["mail.message"]
        channel = self.sudo().with_context(
            zalo_inbound=True,
            mail_create_nosubscribe=True,
            mail_post_autofollow=False,
            # a chat post renders no email: no need to read the cron user's language
            lang=self.env.context.get("lang") or "en_US",
            # who is notified, and whether they have a device for web push, is the same
            # for each message of the batch: looked up once (see _notify_get_recipients)
            zalo_notify_cache={},
        )
        # discuss.channel's message_post: the conversation pinned for its members
        channel.channel_member_ids.write(
            {"is_pinned": True, "last_interest_dt": fields.Datetime.now()}
        )
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        record_name = channel.display_name
        values_list = []
        for post in posts:
            author_id, email_from = channel._message_compute_author(
                post["author_id"], False, raise_on_email=False
            )
            values = {
                "email_add_signature": True,
                "record_name": record_name,
                "author_id": author_id,
                "author_guest_id": False,
                "email_from": email_from,
                "model": channel._name,
                "res_id": channel.id,
                "body": escape(post["body"]),
                "message_type": "comment",
                "parent_id": channel._message_compute_parent_id(post.get("parent_id") or False),
                "subject": False,
                "subtype_id": subtype_id,
                "partner_ids": [],
                "record_alias_domain_id": False,
                "record_company_id": post["record_company_id"],
                "reply_to": False,
            }
            values.update(
                channel._process_attachments_for_post([], post.get("attachment_ids") or [], values)
            )
            values_list.append(values)
        messages = channel._message_create(values_list)
        for message, values in zip(messages, values_list, strict=True):
            channel._message_post_after_hook(message, values)
            channel._notify_thread(message, values)
        return messages

    def _set_last_seen_message(self, last_message, allow_older=False):
        # A message from Zalo (the customer's, or the OA's own echo) posted by a queue
        # worker: the worker's user is no member of the conversation and has seen
        # nothing (Odoo would read that user and search its membership for every one).
        if self.env.context.get("zalo_inbound") and all(
            channel.channel_type == "zalo" for channel in self
        ):
            return None
        return super()._set_last_seen_message(last_message, allow_older=allow_older)

    def _notify_thread(self, message, msg_vals=False, **kwargs):
        deferred = self.env.context.get("zalo_deferred_messages")
        if deferred is None or self.channel_type != "zalo":
            return super()._notify_thread(message, msg_vals=msg_vals, **kwargs)
        # A customer's backlog processed by the queue: the conversation's bus
        # notifications (mail's discuss.channel part: pin, last interest, the formatted
        # message) go out once for the whole backlog, see _zalo_notify_new_messages.
        # Skipping to the parent of mail's override is safe: no other Odoo addon
        # overrides it for discuss.channel.
        deferred.append(message.id)
        # pylint: disable-next=bad-super-call
        return super(MailChannel, self)._notify_thread(message, msg_vals=msg_vals, **kwargs)

    @api.model
    def _zalo_notify_new_messages(self, message_ids):
        """What mail's ``_notify_thread`` sends for each new message, for many at once:
        the messages formatted together (one batch of reads instead of one per
        message), each conversation pinned once."""
        # (formatted as the inbound posts render: chat messages, never translated mail)
        env = self.env(context=dict(self.env.context, lang=self.env.context.get("lang") or "en_US"))
        messages = env["mail.message"].sudo().browse(message_ids).sorted("id")
        if not messages:
            return
        channels = self.browse(sorted(set(messages.mapped("res_id"))))
        now = fields.Datetime.now()
        notifications = []
        for channel in channels:
            notifications += [
                (
                    (channel, "members"),
                    "mail.record/insert",
                    {"Thread": {"id": channel.id, "is_pinned": True, "model": self._name}},
                ),
                (
                    channel,
                    "discuss.channel/last_interest_dt_changed",
                    {"id": channel.id, "last_interest_dt": now},
                ),
            ]
        by_id = {channel.id: channel for channel in channels}
        for message, formatted in zip(messages, messages.message_format(), strict=True):
            channel = by_id[message.res_id]
            notifications.append(
                (channel, "discuss.channel/new_message", {"id": channel.id, "message": formatted})
            )
        # sudo: bus.bus - sending on safe channels (the conversations)
        self.env["bus.bus"].sudo()._sendmany(notifications)

    def _zalo_lock_members(self):
        """Lock the conversation's member rows before a staff post updates them.

        Posting updates every member (Odoo pins the conversation for all), and so does
        the processing of the customer's messages in a cron worker. A staff request
        (REPEATABLE READ) whose snapshot predates such an update fails on it: here, in
        a quiet query that Odoo retries as a whole (a concurrency error), instead of
        in the post's own update that logs it as a bad query. Once locked, the
        processing waits for this request to commit.
        """
        self.env.cr.execute(
            """SELECT id FROM discuss_channel_member WHERE channel_id = %s
                ORDER BY id FOR NO KEY UPDATE""",
            [self.id],
            log_exceptions=False,
        )

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        if self.channel_type != "zalo":
            return res
        message_type = msg_vals.get("message_type", message.message_type)
        if self._zalo_is_staff_post(message_type, message.author_id.id):
            self.env["zalo.message"]._queue_from_post(self, message)
            self._zalo_on_staff_answer(message)
        elif self.env.context.get("zalo_inbound") and message_type == "comment":
            if message.author_id == self.zalo_partner_link_id.partner_id:
                self._zalo_on_inbound(message)
            elif message.author_id == self.zalo_oa_id.partner_id:
                # a reply typed in Zalo's own OA app
                self._zalo_on_staff_answer(message)
        return res

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        """The customer gets a reply on Zalo only (its ``zalo`` notification), never an
        e-mail copy when staff mention them.

        Messages posted together (``_zalo_post_inbound``) share their recipients: the
        same members, for the same author and kind of message."""
        cache = self.env.context.get("zalo_notify_cache")
        key = None
        if cache is not None and msg_vals and not msg_vals.get("partner_ids"):
            key = ("recipients", self.id, msg_vals.get("author_id"), msg_vals.get("message_type"))
            if key in cache:
                return [dict(recipient) for recipient in cache[key]]
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        customers = self.filtered(lambda c: c.channel_type == "zalo").zalo_partner_link_id
        if customers:
            excluded = set(customers.partner_id.ids)
            recipients = [r for r in recipients if r.get("id") not in excluded]
        if key is not None:
            cache[key] = [dict(recipient) for recipient in recipients]
        return recipients

    def _notify_thread_by_web_push(self, message, recipients_data, msg_vals=False, **kwargs):
        """Messages posted together (``_zalo_post_inbound``): whether the members to
        notify have a device at all is looked up once, not once per message."""
        cache = self.env.context.get("zalo_notify_cache")
        if cache is not None:
            partner_ids = self._extract_partner_ids_for_notifications(
                message, dict(msg_vals or {}), recipients_data
            )
            key = ("devices", frozenset(partner_ids))
            if key not in cache:
                cache[key] = bool(partner_ids) and bool(
                    self.env["mail.partner.device"]
                    .sudo()
                    .search_count([("partner_id", "in", partner_ids)], limit=1)
                )
            if not cache[key]:
                return None
        return super()._notify_thread_by_web_push(
            message, recipients_data, msg_vals=msg_vals, **kwargs
        )

    def _zalo_window_closed_text(self):
        return _(
            "The customer's last message is more than 7 days old: Zalo only accepts approved "
            "ZBS template messages now. Send a template instead, or wait for the customer to "
            "write again."
        )

    def _zalo_customer(self):
        """The customer's contact, when it can receive documents (not archived)."""
        self.ensure_one()
        partner = self.zalo_partner_link_id.partner_id
        return partner if partner.active else partner.browse()

    @api.model
    def _zalo_command_argument(self, body, command):
        """What follows ``/command`` in a composer body (plain text, stripped)."""
        text = html2plaintext(body or "").strip()
        prefix = f"/{command}"
        if text == prefix or text.startswith((prefix + " ", prefix + "\n")):
            text = text[len(prefix) :]
        return text.strip()

    def _zalo_link_document(self, record, origin="manual"):
        """Relate a business document to this conversation (chatter bridge, buttons)."""
        self.ensure_one()
        return self.env["zalo.conversation.document"]._link(self, record, origin)

    def _zalo_documents(self):
        self.ensure_one()
        return self.env["zalo.conversation.document"]._documents_of(self)

    def _zalo_history_html(self, limit=HISTORY_LIMIT):
        """The latest messages of the conversation as HTML, for a document's description."""
        self.ensure_one()
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", self.id),
                    ("message_type", "=", "comment"),
                ],
                order="id desc",
                limit=limit,
            )
            .sorted("id")
        )
        if not messages:
            return False
        tz = self.env.user.tz or "Asia/Ho_Chi_Minh"
        lines = []
        for message in messages:
            text = html2plaintext(message.body or "").strip()
            names = message.attachment_ids.sorted("id").mapped("name")
            if names:
                text = "\n".join(part for part in (text, "📎 " + ", ".join(names)) if part)
            lines.append(
                Markup("<li><strong>%s</strong> <small>(%s)</small>: %s</li>")
                % (
                    message.author_id.name or message.email_from or "",
                    format_datetime(self.env, message.date, tz=tz, dt_format="short"),
                    escape(text).replace("\n", Markup("<br/>")),
                )
            )
        title = _("Zalo conversation on %(oa)s (latest messages)", oa=self.zalo_oa_id.name)
        return Markup("<p><strong>%s</strong></p><ul>%s</ul>") % (title, Markup("").join(lines))

    def _zalo_channel_link(self):
        """An HTML link opening this conversation (in a chat window) from a chatter."""
        self.ensure_one()
        return Markup(
            '<a href="#" class="o_channel_redirect" data-oe-model="discuss.channel" '
            'data-oe-id="%s">%s</a>'
        ) % (self.id, self.sudo()._zalo_channel_title())

    def _zalo_post_internal_note(self, body):
        """A note in the conversation for staff: never sent to Zalo, nobody notified."""
        self.ensure_one()
        return self.sudo().message_post(
            author_id=self.env.user.partner_id.id,
            body=body,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )

    def action_zalo_send_template(self):
        """Open the ZBS template composer for this conversation (see zalo_oa_zbs)."""
        return False

    # ------------------------------------------------------------- creation

    @api.model
    def _zalo_get_channel(self, link):
        """The conversation of a partner link, created with the OA's operators."""
        link = link.sudo()
        if link.channel_id:
            return link.channel_id
        oa = link.oa_id
        # The owner by the OA's rule; nobody online (or manual): every operator, until
        # one of them takes it over.
        owner = oa._zalo_pick_owner()
        partners = (owner.partner_id or oa.operator_ids.partner_id) | link.partner_id
        channel = (
            self.sudo()
            .with_context(mail_create_nosubscribe=True, mail_create_nolog=True)
            .create(
                {
                    "name": link.partner_id.name or link.zalo_display_name,
                    "channel_type": "zalo",
                    "zalo_oa_id": oa.id,
                    "zalo_partner_link_id": link.id,
                    "channel_member_ids": [
                        Command.create({"partner_id": partner.id}) for partner in partners
                    ],
                }
            )
        )
        # discuss.channel.create() adds the creating user; only operators and the customer
        # belong to a Zalo conversation.
        channel.channel_member_ids.filtered(lambda m: m.partner_id not in partners).unlink()
        link.channel_id = channel
        if owner:
            channel._zalo_set_owner(owner, note=channel._zalo_assigned_note(owner))
        return channel

    # --------------------------------------------------------------- notices

    def _zalo_post_notice(self, text):
        """A short system notice in the conversation (follow, unfollow, shared info)."""
        for channel in self:
            channel.sudo().with_context(zalo_inbound=True).message_post(
                body=Markup("<i>%s</i>") % escape(text),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )

    def _zalo_channel_title(self):
        self.ensure_one()
        return _("%(partner)s on %(oa)s", partner=self.name, oa=self.zalo_oa_id.name)
