"""Child processes: free ports, waiting for HTTP, the Zalo simulator, graceful stops."""

import signal
import socket
import subprocess
import time
import urllib.request

from devenv import ROOT

from .odoo_env import PY


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status < 500:
                    return True
        except Exception:
            pass
        time.sleep(0.5)
    return False


def start_simulator(port, odoo_port, state_file=None, seed=False, log=None):
    cmd = [
        PY,
        "-m",
        "zalo_simulator",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--webhook-url",
        f"http://127.0.0.1:{odoo_port}/zalo_oa/webhook",
        "--callback-url",
        f"http://127.0.0.1:{odoo_port}/zalo_oa/oauth/callback",
    ]
    if state_file:
        cmd += ["--state-file", str(state_file)]
    if seed:
        cmd.append("--seed-demo")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    if not wait_http(f"http://127.0.0.1:{port}/_sim/health", 20, proc):
        proc.terminate()
        raise RuntimeError(
            "the Zalo simulator did not start; run 'python3 -m zalo_simulator --help'"
        )
    return proc


def simulator_params(port):
    base = f"http://127.0.0.1:{port}"
    return {
        "zalo_oa.openapi_url": f"{base}/openapi",
        "zalo_oa.oauth_url": f"{base}/oauth",
        "zalo_oa.business_url": f"{base}/business",
        "zalo_oa.graph_url": f"{base}/graph",
    }


def stop(proc, timeout=15):
    """Stop a child gracefully. After Ctrl-C it may already be stopping (same process
    group): give it a moment first, since a second signal forces Odoo's shutdown."""
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.wait(3)
        return
    except subprocess.TimeoutExpired:
        pass
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
