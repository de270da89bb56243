from . import zalo_link_partner_wizard
from . import zalo_conversation_assign_wizard
from . import zalo_resend
