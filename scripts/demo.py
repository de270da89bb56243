"""Demo content for ``make run``: a sandbox OA connected to the simulator, and customers.

Everything goes through the same doors as production: the OA is created and connected
with the OAuth v4 flow (the simulator plays Zalo's permission page), customers write
through signed webhooks, staff replies are posted in Discuss and sent to the simulator.
Run by ``scripts/dev.py run`` once the server is up; idempotent.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import requests

DEMO_OA_NAME = "Cửa hàng Demo"
CONVERSATIONS = [
    {
        "name": "Nguyễn Văn An",
        "phone": "0912345678",
        "messages": [
            ("text", {"text": "Chào shop, áo sơ mi trắng còn size L không ạ?"}),
            ("image", {"text": "Mẫu này ạ"}),
        ],
        "reply": "Dạ còn ạ, size L còn 3 chiếc. Anh muốn đặt mấy chiếc ạ?",
    },
    {
        "name": "Trần Thị Bích",
        "phone": "0987654321",
        "messages": [
            ("text", {"text": "Em gửi shop thông tin chuyển khoản đơn hôm qua nhé"}),
            ("file", {"text": "Ủy nhiệm chi"}),
        ],
        "reply": "Dạ shop đã nhận được, cảm ơn chị Bích ạ!",
    },
    {
        "name": "Lê Hoàng Minh",
        "phone": "0909123456",
        "messages": [
            ("text", {"text": "Đơn hàng của mình khi nào giao vậy shop?"}),
            ("location", {"text": "Giao giúp mình tới đây nhé"}),
        ],
        "reply": None,
    },
]


#: The CS team of the demo (login = password): three operators of the demo OA with admin.
OPERATORS = [("lan", "Nguyễn Thị Lan"), ("minh", "Phạm Quang Minh"), ("hung", "Đỗ Văn Hùng")]
#: Who owns which demo conversation (a lead's reassignment); the last one stays unassigned.
OWNERS = {"Nguyễn Văn An": "lan", "Trần Thị Bích": "minh"}


class JsonRpc:
    def __init__(self, url, db, login="admin", password="admin"):
        self.url = url
        self.session = requests.Session()
        resp = self.session.post(
            f"{url}/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}},
            timeout=60,
        )
        resp.raise_for_status()
        if not resp.json().get("result", {}).get("uid"):
            raise RuntimeError("cannot log in as admin/admin")

    def call(self, model, method, *args, **kwargs):
        resp = self.session.post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
            timeout=120,
        )
        resp.raise_for_status()
        body = resp.json()
        if "error" in body:
            raise RuntimeError(body["error"]["data"]["message"])
        return body["result"]


def _sim(sim_url, method, path, **kwargs):
    resp = requests.request(method, f"{sim_url}{path}", timeout=30, **kwargs)
    resp.raise_for_status()
    return resp.json()


def connect_demo_oa(odoo: JsonRpc, sim_url: str) -> int:
    """Create the sandbox OA (once) and connect it through the OAuth v4 flow."""
    config = _sim(sim_url, "GET", "/_sim/config")
    app, oa_cfg = config["apps"][0], config["oas"][0]
    found = odoo.call(
        "zalo.oa", "search_read", [("app_id", "=", app["app_id"])], fields=["id", "state"], limit=1
    )
    if found and found[0]["state"] == "connected":
        return found[0]["id"]
    if found:
        oa_id = found[0]["id"]
    else:
        oa_id = odoo.call(
            "zalo.oa",
            "create",
            {
                "name": DEMO_OA_NAME,
                "app_id": app["app_id"],
                "app_secret": app["app_secret"],
                "oa_secret_key": oa_cfg["oa_secret_key"],
                "operator_ids": [(6, 0, [2])],
            },
        )
    callback = odoo.call("zalo.oa", "read", [oa_id], ["callback_url"])[0]["callback_url"]
    _sim(sim_url, "POST", "/_sim/config", json={"callback_url": callback})
    start = odoo.session.get(
        f"{odoo.url}/zalo_oa/oauth/start/{oa_id}", allow_redirects=False, timeout=30
    )
    consent = requests.get(
        start.headers["Location"] + "&decision=allow", allow_redirects=False, timeout=30
    )
    target = urlsplit(consent.headers["Location"])
    odoo.session.get(f"{odoo.url}{target.path}?{target.query}", allow_redirects=False, timeout=60)
    state = odoo.call("zalo.oa", "read", [oa_id], ["state", "last_error"])[0]
    if state["state"] != "connected":
        raise RuntimeError(f"the demo OA did not connect: {state['last_error']}")
    return oa_id


def ensure_operators(odoo: JsonRpc, oa_id: int) -> dict:
    """The three demo operators (Zalo users), operators of the OA with admin; the OA
    assigns new conversations round-robin among the operators who are online."""
    group = odoo.call("ir.model.data", "check_object_reference", "zalo_oa", "group_zalo_user")[1]
    users = {}
    for login, name in OPERATORS:
        found = odoo.call("res.users", "search", [("login", "=", login)], limit=1)
        users[login] = (
            found[0]
            if found
            else odoo.call(
                "res.users",
                "create",
                {
                    "name": name,
                    "login": login,
                    "password": login,
                    "groups_id": [(4, group)],
                },
            )
        )
    odoo.call(
        "zalo.oa",
        "write",
        [oa_id],
        {"operator_ids": [(4, uid) for uid in users.values()], "assignment_rule": "round_robin"},
    )
    return users


def assign_demo_conversations(odoo: JsonRpc, users: dict) -> None:
    """Show the team inbox: conversations owned by Lan and Minh, one unassigned."""
    for name, login in OWNERS.items():
        channel = odoo.call(
            "discuss.channel", "search", [("channel_type", "=", "zalo"), ("name", "=", name)]
        )
        if channel:
            odoo.call("discuss.channel", "action_zalo_assign", channel, users[login])


def _wait_processed(odoo: JsonRpc, timeout: float = 15.0) -> None:
    """Let the customer's messages land before staff answer, like a person would."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not odoo.call("zalo.event", "search_count", [("state", "!=", "processed")]):
            return
        time.sleep(0.2)


def seed_conversations(odoo: JsonRpc, sim_url: str) -> None:
    """Three customers write (signed webhooks); staff answer two of them."""
    if odoo.call("discuss.channel", "search_count", [("channel_type", "=", "zalo")]):
        return False
    customers = {c["name"]: c for c in _sim(sim_url, "GET", "/_sim/customers")}
    for conv in CONVERSATIONS:
        customer = customers.get(conv["name"]) or _sim(
            sim_url, "POST", "/_sim/customers", json={"name": conv["name"], "phone": conv["phone"]}
        )
        for kind, spec in conv["messages"]:
            _sim(
                sim_url,
                "POST",
                f"/_sim/customers/{customer['user_id']}/send",
                json={"type": kind, **spec},
            )
        _wait_processed(odoo)
        if not conv["reply"]:
            continue
        channel = []
        for _i in range(100):
            channel = odoo.call(
                "discuss.channel",
                "search",
                [("channel_type", "=", "zalo"), ("name", "=", conv["name"])],
            )
            if channel:
                break
            time.sleep(0.1)
        if channel:
            odoo.call(
                "discuss.channel",
                "message_post",
                channel,
                body=conv["reply"],
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
    return True


def enable_templates(odoo: JsonRpc, sim_url: str, oa_id: int) -> int:
    """Submit the ready-made ZBS templates of every addon and let Zalo approve them.

    The simulator plays Zalo's reviewer: each submitted template is switched to ENABLE,
    which reaches Odoo as a signed ``change_template_status`` webhook.
    """
    if not odoo.call("ir.model", "search_count", [("model", "=", "zalo.zbs.template")]):
        return 0
    drafts = odoo.call(
        "zalo.zbs.template",
        "search_read",
        [("state", "=", "draft"), "|", ("oa_id", "=", False), ("oa_id", "=", oa_id)],
        fields=["id", "name"],
    )
    enabled = 0
    for template in drafts:
        try:
            odoo.call("zalo.zbs.template", "write", [template["id"]], {"oa_id": oa_id})
            odoo.call("zalo.zbs.template", "action_submit", [template["id"]])
        except RuntimeError as exc:
            print(f"  template «{template['name']}» not submitted: {exc}")
            continue
        zalo_id = odoo.call("zalo.zbs.template", "read", [template["id"]], ["zalo_template_id"])[0][
            "zalo_template_id"
        ]
        if zalo_id:
            _sim(
                sim_url,
                "POST",
                f"/_sim/templates/{zalo_id}/status",
                json={"status": "ENABLE", "reason": ""},
            )
            enabled += 1
    return enabled


def setup_demo(odoo_url: str, db: str, sim_url: str) -> int:
    odoo = JsonRpc(odoo_url, db)
    oa_id = connect_demo_oa(odoo, sim_url)
    users = ensure_operators(odoo, oa_id)
    if seed_conversations(odoo, sim_url):
        assign_demo_conversations(odoo, users)
    enable_templates(odoo, sim_url, oa_id)
    return oa_id
