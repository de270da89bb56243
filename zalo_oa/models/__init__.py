from . import res_config_settings, zalo_api_log, zalo_oa
