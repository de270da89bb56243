from . import account_move
from . import res_company
from . import res_config_settings
from . import zalo_invoice_reminder
from . import zalo_zbs_template
from . import zalo_zbs_template_param
