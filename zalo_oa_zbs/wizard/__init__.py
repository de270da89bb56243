from . import zalo_zbs_composer
from . import zalo_zbs_composer_value
