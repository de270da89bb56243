"""The machinery behind ``scripts/dev.py`` (``run`` and ``test``), one module per concern.

* :mod:`.odoo_env`  - finding Odoo 17, the Python requirements, Odoo's command line
* :mod:`.database`  - PostgreSQL: cluster, role, databases, parameters
* :mod:`.processes` - ports, waiting for HTTP, the simulator, stopping children
* :mod:`.testing`   - ``test``: lint, pure, Odoo, end-to-end and wheel checks, the tally
* :mod:`.demo_run`  - ``run``: the demo database, the simulator and Odoo

``scripts/`` must be on ``sys.path`` (``dev.py`` puts it there): the set-up of the
machine is ``scripts/devenv.py``.
"""
