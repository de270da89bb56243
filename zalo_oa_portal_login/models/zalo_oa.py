import logging

from odoo import _, api, models
from odoo.addons.zalo_oa.tools import oauth as zalo_oauth
from odoo.addons.zalo_oa.tools.errors import KIND_NETWORK, ZaloError

from ..exceptions import ZaloLoginRefused
from ..utils import local_path

_logger = logging.getLogger(__name__)

#: A login must come back from Zalo within this many seconds (Zalo's codes live 10 min).
LOGIN_STATE_TTL = 600
LOGIN_STATE_AUDIENCE = "zalo_oa.login"
#: OA states in which the app credentials may serve logins. ``expired`` only means
#: that the OA's *messaging* tokens need a new consent: Social Login does not use them.
LOGIN_OA_STATES = ("connected", "expired")


class ZaloOA(models.Model):
    _inherit = "zalo.oa"

    # ------------------------------------------------------------- readiness

    def _zalo_login_problems(self):
        """Translated list of what prevents this OA from serving "Log in with Zalo"."""
        self.ensure_one()
        oa = self.sudo()
        problems = []
        if not oa.active:
            problems.append(_("The Official Account %s is archived.", oa.name))
        if oa.state != "connected":
            problems.append(
                _(
                    "The Official Account %(name)s is not connected (status: %(state)s). "
                    "Open it and click Connect.",
                    name=oa.name,
                    state=dict(oa._fields["state"]._description_selection(self.env)).get(
                        oa.state, oa.state
                    ),
                )
            )
        if not oa.app_id:
            problems.append(_("The Official Account %s has no App ID.", oa.name))
        if not oa.app_secret_enc:
            problems.append(_("The Official Account %s has no App Secret.", oa.name))
        return problems

    def _zalo_login_is_ready(self):
        """Whether the button may be shown and a login started with this OA."""
        self.ensure_one()
        oa = self.sudo()
        return bool(oa.active and oa.state in LOGIN_OA_STATES and oa.app_id and oa.app_secret_enc)

    @api.model
    def _zalo_login_oa_for_company(self, company):
        """The login OA of ``company`` when it can serve logins, else an empty recordset."""
        oa = company.sudo().zalo_login_oa_id
        return oa if oa and oa._zalo_login_is_ready() else self.browse()

    @api.model
    def _zalo_login_oa_by_id(self, oa_id):
        """An OA asked for by id in a login URL: only one that is some company's login OA."""
        try:
            oa_id = int(oa_id)
        except (TypeError, ValueError):
            return self.browse()
        companies = self.env["res.company"].sudo().search([("zalo_login_oa_id", "=", oa_id)])
        oa = companies[:1].zalo_login_oa_id
        return oa if oa and oa._zalo_login_is_ready() else self.browse()

    # ----------------------------------------------------------------- state

    @api.model
    def _zalo_login_state_key(self):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return zalo_oauth.state_key(secret, "zalo_oa_portal_login.state")

    def _zalo_login_start(self, redirect_uri, nonce, redirect=None, link_uid=None):
        """Return ``(authorization URL, code_verifier)`` for a new login or link.

        The ``state`` is signed like the OA connection's (``tools/oauth.py``
        ``sign_state``, key derived from database.secret, its own audience) and carries
        the nonce, the local redirect and, for a link, the user id.
        The caller keeps the verifier server side, under the nonce.
        """
        self.ensure_one()
        oa = self.sudo()
        verifier, challenge = zalo_oauth.generate_pkce()
        state = zalo_oauth.sign_state(
            {
                "db": self.env.cr.dbname,
                "oa": oa.id,
                "nonce": nonce,
                "r": local_path(redirect) or "",
                "link": int(link_uid or 0),
            },
            self._zalo_login_state_key(),
            LOGIN_STATE_AUDIENCE,
            LOGIN_STATE_TTL,
        )
        url = zalo_oauth.social_authorization_url(
            self._zalo_urls()["oauth"], oa.app_id, redirect_uri, challenge, state
        )
        return url, verifier

    @api.model
    def _zalo_login_decode_state(self, state):
        """Verify a ``state`` coming back from Zalo; raise :class:`ZaloLoginRefused`."""
        try:
            payload = zalo_oauth.verify_state(
                state, self._zalo_login_state_key(), LOGIN_STATE_AUDIENCE, require=("nonce", "oa")
            )
        except zalo_oauth.StateError as exc:
            raise ZaloLoginRefused("expired" if exc.reason == "expired" else "state") from exc
        if payload.get("db") != self.env.cr.dbname:
            raise ZaloLoginRefused("state")
        if payload.get("r") and not local_path(payload["r"]):
            raise ZaloLoginRefused("redirect")
        return payload

    # --------------------------------------------------------------- profile

    def _zalo_login_profile(self, code, verifier):
        """Exchange the code (PKCE) and read ``/me``; the Zalo tokens are then dropped.

        Returns ``{"id", "name", "picture"}``; raises :class:`ZaloLoginRefused`.
        """
        self.ensure_one()
        oa = self.sudo()
        log = oa._api_log(res_model="res.users")
        try:
            token = oa._zalo_oauth_client(api_log=log).exchange_code(code, verifier, social=True)
            profile = zalo_oauth.graph_me(
                self._zalo_urls()["graph"],
                token.access_token,
                oa.app_secret,
                timeout=self._zalo_timeout(),
                on_call=log.add,
            )
        except ZaloError as err:
            _logger.info(
                "Zalo login with OA %s refused by Zalo: code %s, kind %s", oa.id, err.code, err.kind
            )
            raise ZaloLoginRefused(
                "network" if err.kind == KIND_NETWORK else "zalo", err.code
            ) from None
        finally:
            log.flush()
        # Nothing of ``token`` is kept: login only needs the app-scoped id (docs/zalo-api.md §5.2).
        return {
            "id": profile["id"],
            "name": (profile.get("name") or "").strip(),
            "picture": profile.get("picture"),
        }
