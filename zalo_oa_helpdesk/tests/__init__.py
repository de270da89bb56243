from . import test_templates
from . import test_auto_send
from . import test_conversation
from . import test_ui
from . import test_security
from . import test_commands
from . import test_rating
