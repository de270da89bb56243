from . import auth_oauth_provider
from . import res_company
from . import res_config_settings
from . import res_users
from . import zalo_oa
