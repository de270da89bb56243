from . import models
from . import wizard


def uninstall_hook(env):
    """The «Send via Zalo» entries of the Action menus are created on the fly."""
    env["ir.actions.act_window"].search([("res_model", "=", "zalo.zbs.composer")]).unlink()
