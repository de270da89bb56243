from . import (
    test_inbound,
    test_inbound_cost,
    test_oa_connect,
    test_oa_security,
    test_oa_tokens,
    test_settings,
)
