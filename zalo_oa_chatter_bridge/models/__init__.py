from . import discuss_channel
from . import mail_message
from . import mail_thread
from . import res_config_settings
from . import zalo_chatter_mirror
from . import zalo_conversation_document
