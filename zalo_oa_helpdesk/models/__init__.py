from . import discuss_channel
from . import helpdesk_ticket
from . import helpdesk_ticket_team
from . import zalo_helpdesk_stage_rule
from . import zalo_oa
from . import zalo_partner_link
from . import zalo_zbs_template
