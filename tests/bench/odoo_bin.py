#!/usr/bin/env python3
"""``odoo-bin`` for an importable ``odoo`` package.

Prefork Odoo (``--workers``) starts its gevent (bus) worker by re-executing
``sys.argv[0]``; with ``python3 -m odoo`` that is ``odoo/__main__.py``, which cannot run as
a script, so the gevent worker crash-loops and burns CPU. The bench starts servers with
this file instead.
"""

import odoo

if __name__ == "__main__":
    odoo.cli.main()
