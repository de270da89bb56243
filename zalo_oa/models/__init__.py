from . import (
    discuss_channel,
    res_config_settings,
    res_partner,
    zalo_api_log,
    zalo_event,
    zalo_message,
    zalo_oa,
    zalo_partner_link,
)
