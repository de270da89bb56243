from . import controllers
from . import models
from . import wizard
from .models import listen_backlog


def _post_load():
    listen_backlog.deepen()
