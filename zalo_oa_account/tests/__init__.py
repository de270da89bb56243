from . import test_payment_request
from . import test_reminders
