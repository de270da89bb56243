"""A standalone Zalo platform simulator (OA OpenAPI, OAuth v4, ZNS/ZBS, Social, webhooks).

Run ``python3 -m zalo_simulator --help``; in tests use :class:`zalo_simulator.server.Simulator`.
Standard library + Werkzeug (+ requests for webhook delivery); no Odoo import.
"""

from .server import Simulator

__all__ = ["Simulator"]
__version__ = "1.0.0"
