class ZaloLoginRefused(Exception):
    """A Zalo login or link that must not go through.

    ``key`` names the reason (see ``res.users._zalo_login_message``); ``code`` is
    Zalo's numeric error code when Zalo itself refused. Neither carries secrets,
    so both may travel in a redirect URL.
    """

    def __init__(self, key, code=None):
        super().__init__(key)
        self.key = key
        self.code = code
