from . import zalo_event
