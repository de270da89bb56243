"""Encryption of Zalo secrets at rest (app secret, OA secret key, tokens).

Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``). The key comes from the
Odoo configuration option ``zalo_oa_encryption_key`` when it is set (any string:
it is stretched with HKDF, so a Fernet key or a long passphrase both work), else
it is derived from the database secret (``database.secret``), so a database
copied without its secret parameter cannot decrypt the tokens.

Ciphertexts are stored with a ``fernet:`` prefix so that a value can be
recognised and the scheme changed later.
"""

import base64
import logging

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from odoo.tools import config

_logger = logging.getLogger(__name__)

PREFIX = "fernet:"
CONFIG_OPTION = "zalo_oa_encryption_key"


def _derive(material):
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"zalo_oa.secrets",
        info=b"zalo_oa secrets at rest v1",
        backend=default_backend(),
    )
    return base64.urlsafe_b64encode(hkdf.derive(material.encode()))


def get_fernet(env):
    material = config.get(CONFIG_OPTION)
    if not material:
        material = env["ir.config_parameter"].sudo().get_param("database.secret")
    if not material:
        raise RuntimeError("No encryption key: set zalo_oa_encryption_key or database.secret")
    return Fernet(_derive(str(material)))


def encrypt(env, value):
    if not value:
        return False
    return PREFIX + get_fernet(env).encrypt(value.encode()).decode()


def decrypt(env, value):
    """Plain text of a stored value; False when empty or when the key changed."""
    if not value:
        return False
    if not value.startswith(PREFIX):
        return False
    try:
        return get_fernet(env).decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        _logger.warning(
            "A Zalo secret cannot be decrypted: the encryption key changed. "
            "Enter the OA's secrets again and reconnect it."
        )
        return False
