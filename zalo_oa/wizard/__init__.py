from . import zalo_link_partner_wizard
