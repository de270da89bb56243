"""A listen queue for Odoo's prefork HTTP server deep enough for Zalo's bursts.

Odoo's prefork server (``--workers`` > 0) listens with a backlog of ``8 x workers``
connections: 16 with two workers. Zalo delivers webhooks in bursts (many customers at
once, the delivery receipts of a broadcast). When more connections wait than the queue
holds, Linux drops them and answers with SYN cookies, which fail under load: Zalo sees
"connection reset" and delivers the event again only 30 s to 1 h later, and after its
last attempt it disables the webhook (docs/zalo-platform.md, "Retries").

The master and every HTTP worker share one listening socket; ``listen()`` called again on
it sets a new length for its queue (Linux caps it at ``net.core.somaxconn``). Set
``zalo_oa_listen_backlog`` in the Odoo configuration file to change the length (0 keeps
Odoo's). The threaded and gevent servers are left alone (werkzeug listens with 128).
"""

import logging

from odoo.service import server as odoo_server
from odoo.tools import config

_logger = logging.getLogger(__name__)

CONFIG_OPTION = "zalo_oa_listen_backlog"
DEFAULT_BACKLOG = 1024


def wanted_backlog(workers, option=None):
    """The backlog to set, or None to keep Odoo's ``8 x workers``."""
    odoo_backlog = 8 * max(int(workers or 0), 1)
    try:
        wanted = DEFAULT_BACKLOG if option in (None, "") else int(option)
    except (TypeError, ValueError):
        _logger.warning(
            "%s = %r is not a number: Odoo's listen backlog is kept", CONFIG_OPTION, option
        )
        return None
    if wanted <= odoo_backlog:
        return None
    return wanted


def deepen(server=None):
    """Deepen the listen queue of the running prefork server; its new length, or None."""
    server = server if server is not None else odoo_server.server
    if not isinstance(server, odoo_server.PreforkServer) or not getattr(server, "socket", None):
        return None
    backlog = wanted_backlog(server.population, config.get(CONFIG_OPTION))
    if backlog is None:
        return None
    try:
        server.socket.listen(backlog)
    except OSError as exc:
        _logger.warning("Could not set the HTTP listen backlog to %s: %s", backlog, exc)
        return None
    _logger.info("HTTP listen backlog set to %s (Zalo webhook bursts)", backlog)
    return backlog
