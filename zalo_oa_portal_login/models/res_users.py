import base64
import hashlib
import logging
import secrets
import time
from datetime import datetime

from odoo import _, api, fields, models
from odoo.addons.auth_signup.models.res_users import SignupError
from odoo.exceptions import AccessDenied, UserError
from odoo.http import request
from odoo.tools import consteq

from ..exceptions import ZaloLoginRefused

_logger = logging.getLogger(__name__)

#: Session key of the one-time login ticket (see ``_zalo_login_ticket``).
TICKET_SESSION_KEY = "zalo_oa_login_ticket"
TICKET_TTL = 60


class ResUsers(models.Model):
    _inherit = "res.users"

    zalo_login_confirmed = fields.Boolean(
        string="Zalo login linked by the user",
        copy=False,
        readonly=True,
        groups="base.group_system",
        help="Set when the user linked their Zalo account while logged in. Internal users "
        "can only log in with a Zalo account they linked themselves.",
    )
    zalo_login_linked = fields.Boolean(
        string="Zalo login", compute="_compute_zalo_login_linked", compute_sudo=True
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "zalo_login_linked"]

    @api.depends("oauth_provider_id", "oauth_uid")
    def _compute_zalo_login_linked(self):
        for user in self:
            user.zalo_login_linked = bool(user.oauth_uid and user.oauth_provider_id.zalo_app_id)

    # ------------------------------------------------------------ auth_oauth

    @api.model
    def auth_oauth(self, provider, params):
        """The generic implicit flow of auth_oauth never serves a Zalo provider."""
        if self.env["auth.oauth.provider"].sudo().browse(provider).zalo_app_id:
            raise AccessDenied()
        return super().auth_oauth(provider, params)

    # ------------------------------------------------------------ credentials

    def _zalo_login_ticket(self):
        """A one-time password valid for a minute, in this HTTP session only.

        Only a digest is kept, in the server-side session; the clear value is passed
        straight to ``session.authenticate`` by the login callback, so the normal
        login path (rate limits, 2FA, login log) still runs.
        """
        self.ensure_one()
        secret = secrets.token_urlsafe(32)
        request.session[TICKET_SESSION_KEY] = {
            "uid": self.id,
            "digest": hashlib.sha256(secret.encode()).hexdigest(),
            "exp": time.time() + TICKET_TTL,
        }
        return secret

    def _check_credentials(self, password, env):
        try:
            return super()._check_credentials(password, env)
        except AccessDenied:
            if not (env or {}).get("interactive") or not self._zalo_login_check_ticket(password):
                raise

    def _zalo_login_check_ticket(self, password):
        if not request or not isinstance(password, str) or not password:
            return False
        try:
            ticket = request.session.pop(TICKET_SESSION_KEY, None)
        except (AttributeError, RuntimeError):
            return False
        if not isinstance(ticket, dict):
            return False
        digest = hashlib.sha256(password.encode()).hexdigest()
        return (
            ticket.get("uid") == self.env.uid
            and float(ticket.get("exp") or 0) > time.time()
            and consteq(str(ticket.get("digest") or ""), digest)
        )

    # ---------------------------------------------------------------- matching

    @api.model
    def _zalo_login_bound_user(self, provider, zalo_id):
        return (
            self.sudo()
            .with_context(active_test=False)
            .search([("oauth_provider_id", "=", provider.id), ("oauth_uid", "=", zalo_id)], limit=1)
        )

    @api.model
    def _zalo_login_linked_partner(self, oa, zalo_id):
        """The partner of the best Zalo partner link whose ``user_id_by_app`` is ``zalo_id``.

        Links of every OA of the same Zalo app count (the id is app-scoped): the login
        OA's own links first, then real contacts before shadow ones, then the most
        recent conversation.
        """
        links = (
            self.env["zalo.partner.link"]
            .sudo()
            .search(
                [
                    ("user_id_by_app", "=", zalo_id),
                    ("oa_id.app_id", "=", oa.sudo().app_id),
                    ("partner_id", "!=", False),
                ]
            )
            .filtered(lambda link: link.partner_id.active)
        )
        if not links:
            return self.env["res.partner"]

        def rank(link):
            return (
                link.oa_id == oa,
                not link.is_shadow,
                link.last_inbound_at or datetime.min,
                link.id,
            )

        return max(links, key=rank).partner_id

    @api.model
    def _zalo_login_resolve(self, oa, profile):
        """The user a Zalo login opens; binds or creates it as the rules allow.

        1. a user bound to this Zalo id (provider of the OA's app, ``oauth_uid``) logs
           in; an internal user only if they linked Zalo themselves;
        2. else a partner link with ``user_id_by_app`` = the id: the partner's portal
           user is bound, or a portal user is created for the partner
           (``_signup_create_user`` with a partner: allowed in both signup modes);
           never when the partner belongs to an internal user;
        3. else a new portal user when sign up is open to everyone (b2c);
        4. else a refusal.

        Returns ``(user, how)``, ``user`` in sudo; raises :class:`ZaloLoginRefused`.
        """
        zalo_id = profile["id"]
        provider = self.env["auth.oauth.provider"]._zalo_provider(oa.sudo().app_id)
        user = self._zalo_login_bound_user(provider, zalo_id)
        if user:
            if not user.active:
                raise ZaloLoginRefused("disabled")
            if not user.share and not user.zalo_login_confirmed:
                raise ZaloLoginRefused("internal")
            return user, "bound"

        binding = {
            "oauth_provider_id": provider.id,
            "oauth_uid": zalo_id,
            "zalo_login_confirmed": False,
        }
        partner = self._zalo_login_linked_partner(oa, zalo_id)
        if partner:
            users = partner.with_context(active_test=False).user_ids
            if users.filtered(lambda u: not u.share):
                raise ZaloLoginRefused("internal")
            if users:
                user = users.filtered("active")[:1]
                if not user:
                    raise ZaloLoginRefused("disabled")
                if user.oauth_uid:
                    raise ZaloLoginRefused("other_login")
                user.sudo().write(binding)
                return user.sudo(), "partner_user"
            values = dict(binding, partner_id=partner.id, login=self._zalo_login_for(partner))
            return self._zalo_login_signup(oa, values), "partner"

        if self.sudo()._get_signup_invitation_scope() != "b2c":
            raise ZaloLoginRefused("signup")
        values = dict(
            binding,
            name=profile.get("name") or _("Zalo user"),
            login=self._zalo_login_for(None, zalo_id),
        )
        lang = self.env.context.get("lang")
        if lang and lang in dict(self.env["res.lang"].get_installed()):
            values["lang"] = lang
        user = self._zalo_login_signup(oa, values)
        picture = oa._zalo_download_avatar(profile.get("picture"))
        if picture:
            try:
                with self.env.cr.savepoint():
                    user.partner_id.image_1920 = base64.b64encode(picture)
            except (UserError, ValueError) as exc:
                _logger.info("Zalo login: avatar of user %s not set (%s)", user.id, exc)
        return user, "signup"

    @api.model
    def _zalo_login_for(self, partner, zalo_id=None):
        """A free login: the partner's email when no user uses it, else ``zalo_<id>``."""
        Users = self.sudo().with_context(active_test=False)
        email = (partner.email or "").strip().lower() if partner else ""
        if email and not Users.search_count([("login", "=ilike", email)]):
            return email
        base = f"zalo_{zalo_id or partner.id}"
        login, index = base, 1
        while Users.search_count([("login", "=", login)]):
            index += 1
            login = f"{base}_{index}"
        return login

    @api.model
    def _zalo_login_signup(self, oa, values):
        company = oa.sudo().company_id
        values.setdefault("company_id", company.id)
        values.setdefault("company_ids", [(6, 0, company.ids)])
        try:
            user = self.sudo()._signup_create_user(values)
        except SignupError as exc:
            _logger.info("Zalo login: the portal user could not be created (%s)", exc)
            raise ZaloLoginRefused("signup") from None
        return user.sudo()

    # ------------------------------------------------------------------ linking

    def _zalo_login_link(self, oa, profile):
        """Bind the current user (asked by that user, logged in) to a Zalo id."""
        self.ensure_one()
        if self != self.env.user:
            raise ZaloLoginRefused("session")
        provider = self.env["auth.oauth.provider"]._zalo_provider(oa.sudo().app_id)
        other = self._zalo_login_bound_user(provider, profile["id"])
        if other and other != self:
            raise ZaloLoginRefused("taken")
        self.sudo().write(
            {
                "oauth_provider_id": provider.id,
                "oauth_uid": profile["id"],
                "zalo_login_confirmed": True,
            }
        )
        _logger.info("Zalo login: user %s linked a Zalo account", self.id)

    def _zalo_login_unlink(self):
        self.ensure_one()
        if self != self.env.user and not self.env.is_superuser():
            raise AccessDenied()
        user = self.sudo()
        if user.oauth_provider_id.zalo_app_id:
            user.write(
                {"oauth_provider_id": False, "oauth_uid": False, "zalo_login_confirmed": False}
            )
            _logger.info("Zalo login: user %s unlinked their Zalo account", self.id)

    def action_zalo_login_link(self):
        """Preferences button: start linking the current user's Zalo account."""
        self.ensure_one()
        if self != self.env.user:
            raise AccessDenied()
        token = request.csrf_token() if request else ""
        return {
            "type": "ir.actions.act_url",
            "url": f"/zalo_oa/link/start?csrf_token={token}",
            "target": "self",
        }

    def action_zalo_login_unlink(self):
        self.ensure_one()
        self._zalo_login_unlink()
        return {"type": "ir.actions.client", "tag": "reload_context"}

    # ---------------------------------------------------------------- messages

    @api.model
    def _zalo_login_message(self, key, code=None):
        """Translated text shown for a refused Zalo login or link."""
        messages = {
            "state": _("The Zalo login could not be verified. Please try again."),
            "expired": _("The Zalo login took too long (more than 10 minutes). Please try again."),
            "replay": _(
                "This Zalo login was already used, or it was started in another browser. "
                "Please try again."
            ),
            "redirect": _(
                "The page to open after the login is not on this website: the Zalo login "
                "was refused."
            ),
            "denied": _("You did not allow the login on Zalo."),
            "network": _("Zalo could not be reached. Please try again in a moment."),
            "config": _("Log in with Zalo is not available here."),
            "internal": _(
                "This Zalo account matches an employee account. For security reasons, log "
                "in with your password, then link your Zalo account from your account "
                "security settings."
            ),
            "signup": _(
                "No account is linked to this Zalo account, and new accounts are created on "
                "invitation only. Log in with your email and password and link your Zalo "
                "account from your account security page, or contact us."
            ),
            "disabled": _("The account linked to this Zalo account is disabled."),
            "other_login": _(
                "Your customer account already uses another external login. Log in with it "
                "or with your password."
            ),
            "taken": _("This Zalo account is already linked to another user."),
            "session": _(
                "This Zalo link was started by another user or session. Please try again."
            ),
            "csrf": _("The request could not be verified. Please try again."),
        }
        if key == "zalo":
            if code:
                return _("Zalo refused the login (error %s). Please try again.", code)
            return _("Zalo refused the login. Please try again.")
        return messages.get(key) or _(
            "The Zalo login failed. Please try again or log in with your password."
        )
