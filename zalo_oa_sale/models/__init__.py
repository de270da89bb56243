from . import account_move
from . import discuss_channel
from . import payment_transaction
from . import res_company
from . import res_config_settings
from . import sale_order
from . import zalo_partner_link
from . import zalo_zbs_template
