from . import test_lead
from . import test_lead_ui
