from . import crm_lead
from . import discuss_channel
from . import zalo_oa
from . import zalo_partner_link
