"""``dev.py run``: the demo database, the Zalo simulator and Odoo in the foreground."""

import contextlib
import importlib.util
import os
import subprocess
import time

from devenv import CACHE, ROOT, loud, say

from .database import db_exists, drop_db, ensure_postgres, set_params
from .odoo_env import ADDONS, ODOO_FIX, ensure_requirements, find_odoo
from .processes import simulator_params, start_simulator, stop, wait_http


def cmd_run(args):
    odoo, why = find_odoo()
    if odoo is None:
        loud(f"Cannot start the demo: Odoo 17 was not found ({why}). {ODOO_FIX}")
        return 2
    ensure_requirements(odoo)
    pg_problem = ensure_postgres()
    if pg_problem:
        loud(pg_problem)
        return 2
    CACHE.mkdir(exist_ok=True)
    db = args.db
    env = {**os.environ, **odoo.extra_env}
    base = [
        *odoo.cmd,
        f"--addons-path={odoo.addons_path_arg}",
        "-d",
        db,
        f"--http-port={args.port}",
        "--http-interface=127.0.0.1",
    ]
    if args.reset and db_exists(db):
        say(f"Dropping demo database {db} (--reset)")
        drop_db(db)
    action = ["-u", ",".join(ADDONS)] if db_exists(db) else ["-i", ",".join(ADDONS)]
    verb = "Updating" if action[0] == "-u" else "Creating"
    say(f"{verb} demo database {db} (log: .cache/demo-install.log) ...")
    with open(CACHE / "demo-install.log", "w") as log:
        rc = subprocess.call(
            [*base, *action, "--stop-after-init", "--log-level=warn"],
            cwd="/",
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if rc != 0:
        loud(f"Installing the addons failed (exit {rc}); see .cache/demo-install.log")
        return rc
    set_params(db, simulator_params(args.sim_port))
    sim_log = open(CACHE / "demo-simulator.log", "a")  # noqa: SIM115
    sim = server = None
    try:
        sim = start_simulator(
            args.sim_port,
            args.port,
            state_file=CACHE / "simulator-state.json",
            seed=True,
            log=sim_log,
        )
        server = subprocess.Popen([*base, "--log-level=info"], cwd="/", env=env)
        if not wait_http(f"http://127.0.0.1:{args.port}/web/health", 120, server):
            loud("Odoo did not start; see the output above.")
            return 1
        try:
            demo = _load_script("demo")
            demo.setup_demo(
                f"http://127.0.0.1:{args.port}", db, f"http://127.0.0.1:{args.sim_port}"
            )
        except Exception as exc:  # the demo content is a convenience, Odoo still runs
            loud(f"The demo content could not be set up: {exc}")
        say("")
        say("=" * 78)
        say(f"  Odoo            http://localhost:{args.port}/web  (login admin / admin)")
        say(f"  Discuss         http://localhost:{args.port}/web#action=mail.action_discuss")
        say(f"  Zalo simulator  http://localhost:{args.sim_port}/   (play a customer of the OA)")
        say(f"  Database        {db}")
        say("  Ctrl-C stops both.")
        say("=" * 78)
        while server.poll() is None and sim.poll() is None:
            time.sleep(0.5)
        return server.returncode or 0
    except KeyboardInterrupt:
        say("\nStopping Odoo and the simulator ...")
        return 0
    finally:
        with contextlib.suppress(Exception):
            stop(server)
            stop(sim)
        sim_log.close()


def _load_script(name):
    spec = importlib.util.spec_from_file_location(f"zalo_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
