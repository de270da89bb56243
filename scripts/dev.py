#!/usr/bin/env python3
"""Developer entry points of the Zalo OA suite: ``run`` (the demo) and ``test``.

    python3 scripts/dev.py run      # demo database + Zalo simulator + Odoo, Ctrl-C stops both
    python3 scripts/dev.py test     # lint, pure tests, Odoo tests, end-to-end tests, summary

The Makefile wraps both (``make run``, ``make test``). Odoo 17 is found, in order, through
the ``ODOO_SRC`` variable (an Odoo 17 source tree), an importable ``odoo`` package, then the
official 17.0 source downloaded into ``.cache/`` when the network allows. When the Python
running this script cannot import Odoo 17, everything is installed into one virtual
environment, ``.cache/venv``, and the script re-executes itself there (``scripts/devenv.py``:
venv, system packages, PostgreSQL). PostgreSQL is the local server or the one named by the
usual ``PG*`` variables.
"""

import argparse
import sys
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import devenv  # scripts/devenv.py: venv, system packages, PostgreSQL
from devenv import SetupError, loud

# db_exists ... wait_http: what the benchmark scripts import from here (``import dev``)
from devtools.database import db_exists, drop_db, pg_connect  # noqa: F401
from devtools.demo_run import cmd_run
from devtools.odoo_env import ODOO_FIX, find_odoo  # noqa: F401
from devtools.processes import free_port, simulator_params, wait_http  # noqa: F401
from devtools.testing import cmd_test


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_test = sub.add_parser("test", help="lint, pure tests, Odoo tests and end-to-end tests")
    p_test.add_argument("--keep-db", action="store_true", help="do not drop the test database")
    p_test.add_argument("--skip-lint", action="store_true", help="skip ruff and pylint-odoo")
    p_test.add_argument(
        "--skip-wheels",
        action="store_true",
        help="do not build the wheels: run the Odoo tests from the repository's addons path",
    )
    p_run = sub.add_parser("run", help="demo database, Zalo simulator and Odoo in the foreground")
    p_run.add_argument("--db", default="zalo_demo", help="demo database name (default zalo_demo)")
    p_run.add_argument("--port", type=int, default=8069, help="Odoo HTTP port (default 8069)")
    p_run.add_argument("--sim-port", type=int, default=8765, help="simulator port (default 8765)")
    p_run.add_argument("--reset", action="store_true", help="drop and recreate the demo database")
    args = parser.parse_args(argv)
    try:
        setup_why = devenv.prepare(args.command)
    except SetupError as exc:
        loud(str(exc))
        return 2
    return cmd_test(args, setup_why) if args.command == "test" else cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
