from . import test_inbound
from . import test_inbound_cost
from . import test_oa_connect
from . import test_oa_security
from . import test_oa_tokens
from . import test_outbound
from . import test_settings
from . import test_retention
