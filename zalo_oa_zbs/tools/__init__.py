"""Pure helpers of ``zalo_oa_zbs`` (no ``odoo`` import).

* :mod:`.formatting` - Vietnamese amounts and dates (``1.234.567 ₫``, ``21/11/2026``)
* :mod:`.params`     - checks of a rendered param value (missing, too long, wrong type)
* :mod:`.lint`       - pre-submission checks of a template against Zalo's content rules
* :mod:`.rating`     - the customer's answer to a service-rating template (webhook)
"""

from . import formatting
from . import lint
from . import params
from . import rating
