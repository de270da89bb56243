"""Command line entry point: ``python3 -m zalo_simulator [options]``."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from .server import Simulator
from .state import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_OA_ID,
    DEFAULT_OA_NAME,
    DEFAULT_OA_SECRET,
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m zalo_simulator",
        description=(
            "Zalo platform simulator: serves stand-ins for openapi.zalo.me, oauth.zaloapp.com, "
            "business.openapi.zalo.me and graph.zalo.me under /openapi, /oauth, /business and "
            "/graph, delivers signed webhooks, and offers a customer chat page at / and a "
            "control API under /_sim. TEST DOUBLE: never give it real secrets."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    net = p.add_argument_group("server")
    net.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    net.add_argument("--port", type=int, default=8765, help="port (0 = any free port)")
    net.add_argument(
        "--public-url",
        default=None,
        help="base URL put in media/avatar links of payloads (default http://HOST:PORT)",
    )
    net.add_argument("--verbose", action="store_true", help="print one access-log line per request")

    oa = p.add_argument_group("default app and OA (more via POST /_sim/config)")
    oa.add_argument("--app-id", default=DEFAULT_APP_ID)
    oa.add_argument("--app-secret", default=DEFAULT_APP_SECRET)
    oa.add_argument("--oa-id", default=DEFAULT_OA_ID)
    oa.add_argument("--oa-name", default=DEFAULT_OA_NAME)
    oa.add_argument(
        "--oa-secret-key", default=DEFAULT_OA_SECRET, help="signs webhooks (X-ZEvent-Signature)"
    )
    oa.add_argument(
        "--callback-url",
        default=None,
        help="OA Callback Url registered 'in the console'; redirect_uri must equal it (-14003). "
        "Unset: any redirect_uri is accepted",
    )
    oa.add_argument(
        "--login-callback-url",
        default=None,
        help="Social Login callback prefix (default: same origin as --callback-url)",
    )
    oa.add_argument("--webhook-url", default=None, help="where signed webhooks are POSTed")
    oa.add_argument(
        "--admin-phone",
        action="append",
        default=None,
        help="phone allowed to receive ZNS mode=development messages (repeatable)",
    )

    beh = p.add_argument_group("behaviour")
    beh.add_argument(
        "--retry-scale",
        type=float,
        default=1.0,
        help="multiplier of Zalo's webhook retry ladder 30s/5m/15m/30m/1h (e.g. 0.001 in tests)",
    )
    beh.add_argument(
        "--token-lifetime", type=int, default=90_000, help="OA access token lifetime, seconds"
    )
    beh.add_argument(
        "--social-token-lifetime", type=int, default=3_600, help="Social access token lifetime, s"
    )
    beh.add_argument(
        "--receipt-delay-ms",
        type=int,
        default=200,
        help="delay of the automatic user_received_message after an OA send",
    )
    beh.add_argument(
        "--no-auto-receipts", action="store_true", help="do not send delivery receipts"
    )
    beh.add_argument(
        "--webhook-timeout", type=float, default=5.0, help="webhook HTTP timeout, seconds"
    )
    beh.add_argument(
        "--echo-api-sends", action="store_true", help="also emit oa_send_* echoes for API sends"
    )
    beh.add_argument(
        "--template-review",
        choices=("manual", "approve", "reject"),
        default="manual",
        help="what Zalo's reviewer does with new/edited templates "
        "(after --template-review-delay-ms)",
    )
    beh.add_argument("--template-review-delay-ms", type=int, default=1000)

    data = p.add_argument_group("data")
    data.add_argument("--state-file", default=None, help="persist the world to this JSON file")
    data.add_argument(
        "--seed-demo",
        action="store_true",
        help="create Vietnamese demo customers, a short history and two approved templates",
    )
    return p


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sim = Simulator(
        args.host,
        args.port,
        app_id=args.app_id,
        app_secret=args.app_secret,
        oa_id=args.oa_id,
        oa_name=args.oa_name,
        oa_secret_key=args.oa_secret_key,
        callback_url=args.callback_url,
        login_callback_url=args.login_callback_url,
        webhook_url=args.webhook_url,
        admin_phones=args.admin_phone,
        retry_scale=args.retry_scale,
        access_token_lifetime=args.token_lifetime,
        social_token_lifetime=args.social_token_lifetime,
        auto_receipts=not args.no_auto_receipts,
        auto_receipt_delay_ms=args.receipt_delay_ms,
        webhook_timeout=args.webhook_timeout,
        echo_api_sends=args.echo_api_sends,
        template_review=args.template_review,
        template_review_delay_ms=args.template_review_delay_ms,
        public_url=args.public_url,
        state_file=args.state_file,
        seed_demo=args.seed_demo,
        quiet=not args.verbose,
    )
    sim.bind()
    urls = sim.urls
    print("Zalo simulator (TEST DOUBLE) listening on", sim.base_url, flush=True)
    print(f"  zalo_oa.openapi_url  = {urls['openapi']}", flush=True)
    print(f"  zalo_oa.oauth_url    = {urls['oauth']}", flush=True)
    print(f"  zalo_oa.business_url = {urls['business']}", flush=True)
    print(f"  zalo_oa.graph_url    = {urls['graph']}", flush=True)
    oa = sim.store.get_oa()
    print(
        f"  app_id={oa.app_id} oa_id={oa.oa_id} webhook_url={sim.store.app_of(oa).webhook_url}",
        flush=True,
    )
    print(f"  customer page: {sim.base_url}/   control API: {sim.base_url}/_sim/", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)  # terminate like Ctrl-C: state file is saved
    try:
        sim.serve_forever()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
