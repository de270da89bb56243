from . import test_bridge
from . import test_bridge_ui
from . import test_security
