"""Pure Zalo protocol layer of ``zalo_oa`` (no ``odoo`` import).

Plain Python (requests, hashlib, hmac, phonenumbers) so that it can be tested
and reused without Odoo; the Odoo models call it. Modules:

* :mod:`.errors`    - :class:`ZaloError`, error-code tables, :func:`classify`, ``KIND_HELP``
* :mod:`.endpoints` - default base URLs and endpoint paths
* :mod:`.client`    - :class:`ZaloClient` (OA API, ZBS, uploads, media download)
* :mod:`.oauth`     - PKCE, permission URLs, :class:`OAuthClient`, :func:`graph_me`
* :mod:`.webhook`   - webhook event parsing (re-exports :mod:`.signature` and :mod:`.events`)
* :mod:`.signature` - webhook signature check and delivery headers
* :mod:`.events`    - typed webhook events and the event catalogue
* :mod:`.messages`  - message/template payload builders and validators
* :mod:`.phone`     - phone normalisation to ``84…``

Facts and conflict choices come from ``docs/zalo-api.md``; each module's
docstring names the ones it relies on. Inside this package only relative
imports are used, so it can also be loaded standalone (``tests/_loader.py``).
Callers import the modules (``from ..tools import webhook as zalo_webhook``); the
package re-exports no names.
"""

from . import client
from . import endpoints
from . import errors
from . import events
from . import media
from . import messages
from . import oauth
from . import phone
from . import reconcile
from . import retry
from . import signature
from . import transport
from . import webhook
