from . import test_tools
from . import test_template_lifecycle
from . import test_send
from . import test_batch
from . import test_params
from . import test_security
from . import test_conversation
from . import test_composer_tour
