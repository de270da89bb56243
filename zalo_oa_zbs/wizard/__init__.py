from . import zalo_zbs_composer
