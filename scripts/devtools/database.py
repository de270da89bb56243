"""PostgreSQL: reachability, the local cluster and role, databases and their parameters."""

import os
import shutil
from pathlib import Path

import devenv  # scripts/devenv.py: venv, system packages, PostgreSQL
from devenv import SetupError

from .odoo_env import ADDONS, PY


def pg_connect(dbname="postgres"):
    import psycopg2

    return psycopg2.connect(dbname=dbname, connect_timeout=5)


def check_postgres():
    try:
        conn = pg_connect()
        conn.close()
        return None
    except ImportError:
        return f"psycopg2 is not importable in {PY}; Odoo's requirements are not installed."
    except Exception as exc:
        where = os.environ.get("PGHOST") or "the local socket"
        return (
            f"PostgreSQL does not answer on {where} ({str(exc).strip()}). Start it (e.g. "
            "'pg_ctlcluster 15 main start') or set PGHOST/PGPORT/PGUSER/PGPASSWORD."
        )


def ensure_postgres():
    """Start the local cluster and create our role when needed; None or the problem."""
    try:
        devenv.start_local_postgres()
        problem = check_postgres()
        role = devenv.missing_role(problem or "")
        if role:
            devenv.create_pg_role(role)
            problem = check_postgres()
    except SetupError as exc:
        return str(exc)
    return problem


def db_exists(name):
    conn = pg_connect()
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return bool(cr.fetchone())
    finally:
        conn.close()


def drop_db(name):
    conn = pg_connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        conn.close()
    filestore = Path.home() / ".local" / "share" / "Odoo" / "filestore" / name
    shutil.rmtree(filestore, ignore_errors=True)


def module_states(db):
    conn = pg_connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", (ADDONS,))
            return dict(cr.fetchall())
    finally:
        conn.close()


def set_params(db, params):
    conn = pg_connect(db)
    try:
        with conn, conn.cursor() as cr:
            for key, value in params.items():
                cr.execute(
                    """INSERT INTO ir_config_parameter (key, value, create_uid, write_uid,
                                                        create_date, write_date)
                       VALUES (%s, %s, 1, 1, now(), now())
                       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value""",
                    (key, value),
                )
    finally:
        conn.close()
