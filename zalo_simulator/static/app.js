/* Zalo Simulator customer page: plain JS, no build step.
 * Acts as a Zalo customer talking to an OA: every action calls the simulator's control
 * API (/_sim/...), which stores the message and delivers a signed webhook.
 */
(function () {
  "use strict";

  const POLL_MS = 1500;
  const params = new URLSearchParams(location.search); // ?oa=<oa_id>&user=<user_id> deep links
  const state = {
    oaId: params.get("oa") || localStorage.getItem("zsim.oa") || "",
    userId: params.get("user") || localStorage.getItem("zsim.user") || "",
    data: null,
    lastCustomers: "",
    lastMessages: "",
    lastSide: "",
  };
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------ helpers
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function toast(msg, isErr) {
    const t = $("toast");
    t.textContent = msg;
    t.className = "toast show" + (isErr ? " err" : "");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (t.className = "toast"), 2600);
  }

  async function api(method, path, body) {
    const opts = { method, headers: {} };
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const resp = await fetch(path, opts);
    const data = await resp.json().catch(() => ({}));
    if (!resp.ok) throw new Error(data.error || resp.statusText);
    return data;
  }

  function colour(key) {
    let n = 0;
    for (const ch of key) n = (n * 31 + ch.charCodeAt(0)) >>> 0;
    return `hsl(${n % 360} 55% 52%)`;
  }

  function initials(name) {
    const parts = (name || "?").trim().split(/\s+/);
    return (parts.length > 1 ? parts[parts.length - 2][0] + parts[parts.length - 1][0] : parts[0][0]).toUpperCase();
  }

  function avatar(name, key) {
    return h("div", { class: "avatar", style: `background:${colour(key)}` }, initials(name));
  }

  function fmtTime(ms) {
    const d = new Date(ms);
    return d.toLocaleString("vi-VN", { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit" });
  }

  function deliveryNote(res) {
    const d = res && res.delivery;
    if (!d) return "";
    if (d.state === "no_url") return " (chưa cấu hình webhook URL)";
    const a = d.attempts && d.attempts[d.attempts.length - 1];
    if (d.state === "delivered") return " → webhook 200";
    return ` → webhook ${a ? a.status || a.error || "" : d.state}`;
  }

  // ------------------------------------------------------------------ rendering
  function renderOas(data) {
    const sel = $("oa-select");
    const key = JSON.stringify(data.oas);
    if (sel.dataset.key !== key) {
      sel.replaceChildren(...data.oas.map((o) => h("option", { value: o.oa_id }, `${o.name} (${o.oa_id})`)));
      sel.dataset.key = key;
    }
    sel.value = data.oa.oa_id;
    $("webhook-info").textContent = "webhook: " + (data.oa.webhook_url || "(chưa cấu hình)");
  }

  function renderCustomers(data) {
    const key = JSON.stringify([data.customers, state.userId]);
    if (key === state.lastCustomers) return;
    state.lastCustomers = key;
    $("customer-list").replaceChildren(
      ...data.customers.map((c) =>
        h(
          "li",
          { class: c.user_id === state.userId ? "active" : "", onclick: () => selectCustomer(c.user_id) },
          avatar(c.name, c.user_id),
          h(
            "div",
            { class: "cmeta" },
            h(
              "div",
              { class: "cname" },
              c.name,
              h("span", { class: "badge " + (c.follower ? "follow" : "nofollow") }, c.follower ? "quan tâm" : "chưa quan tâm"),
              c.in_window ? null : h("span", { class: "badge out", title: "Ngoài cửa sổ 7 ngày" }, "> 7 ngày")
            ),
            h("div", { class: "clast" }, c.last_text || c.phone || "")
          )
        )
      )
    );
  }

  function customer() {
    return state.data && state.data.customers.find((c) => c.user_id === state.userId);
  }

  function renderHead(data) {
    const c = customer();
    const head = $("chat-head");
    $("composer").classList.toggle("disabled", !c);
    if (!c) {
      head.replaceChildren(h("div", { class: "empty-head" }, "Chọn hoặc tạo một khách hàng để bắt đầu trò chuyện."));
      return;
    }
    const key = JSON.stringify(c);
    if (head.dataset.key === key) return;
    head.dataset.key = key;
    const win = c.window_expires_ms
      ? (c.in_window ? "trong cửa sổ đến " : "cửa sổ đã hết ") + fmtTime(c.window_expires_ms)
      : "chưa tương tác";
    head.replaceChildren(
      avatar(c.name, c.user_id),
      h(
        "div",
        { class: "title" },
        h("b", {}, c.name),
        h("div", { class: "sub" }, `${c.phone || "không có SĐT"} · user_id ${c.user_id} · ${win}`)
      ),
      h("button", { onclick: toggleFollow, title: "Gửi sự kiện follow / unfollow" }, c.follower ? "Bỏ quan tâm" : "Quan tâm OA"),
      h("button", { onclick: markSeen, title: "Gửi user_seen_message cho các tin OA chưa xem" }, "Đánh dấu đã xem"),
      h("button", { onclick: shareInfo, title: "Gửi user_submit_info" }, "Chia sẻ thông tin")
    );
  }

  function attachmentView(m) {
    const out = [];
    for (const a of m.attachments || []) {
      const p = a.payload || {};
      if (a.type === "image" || a.type === "gif") {
        out.push(h("a", { href: p.url, target: "_blank" }, h("img", { class: "media", src: p.thumbnail || p.url, alt: a.type, onload: keepBottom })));
      } else if (a.type === "sticker") {
        out.push(h("img", { class: "sticker", src: p.url, alt: "sticker " + (p.id || "") }));
      } else if (a.type === "file") {
        out.push(h("a", { class: "file", href: p.url, target: "_blank" }, "📄", h("span", {}, `${p.name || "tệp"} (${p.size || "?"} B)`)));
      } else if (a.type === "audio" || a.type === "video") {
        out.push(h("a", { class: "file", href: p.url, target: "_blank" }, a.type === "audio" ? "🎤" : "🎬", a.type));
      } else if (a.type === "location") {
        const co = p.coordinates || {};
        out.push(h("a", { href: `https://www.openstreetmap.org/?mlat=${co.latitude}&mlon=${co.longitude}`, target: "_blank" }, `📍 ${co.latitude}, ${co.longitude}`));
      } else if (a.type === "link") {
        out.push(h("a", { class: "file", href: p.url || "#", target: "_blank" }, "🔗", p.title || p.url || "liên kết"));
      } else if (a.type === "request_user_info") {
        const el = (p.elements || [])[0] || {};
        out.push(
          h("div", { class: "card" }, h("div", { class: "ttl" }, el.title || "Yêu cầu thông tin"), h("div", {}, el.subtitle || ""),
            h("button", { class: "mini", onclick: shareInfo }, "Chia sẻ thông tin"))
        );
      } else if (a.type === "template") {
        out.push(h("div", { class: "card" }, h("div", { class: "ttl" }, "ZBS · " + (p.template_name || p.template_id)), m.text));
      }
    }
    return out;
  }

  // images load after the list is drawn: stay at the bottom if the user was there
  function keepBottom() {
    const box = $("messages");
    if (box.dataset.stick === "1") box.scrollTop = box.scrollHeight;
  }

  const STATE_LABEL = { sent: "✓ đã gửi", delivered: "✓✓ đã nhận", seen: "✓✓ đã xem" };

  function renderMessages(data) {
    const key = JSON.stringify([state.userId, data.messages]);
    if (key === state.lastMessages) return;
    state.lastMessages = key;
    const box = $("messages");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
    const byId = Object.fromEntries(data.messages.map((m) => [m.msg_id, m]));
    box.replaceChildren(
      ...data.messages.map((m) => {
        const quoted = m.quote_message_id && byId[m.quote_message_id];
        const isTemplate = m.type === "template";
        const showText = m.text && !isTemplate && !(m.type === "link" && m.attachments.length);
        return h(
          "div",
          { class: "row " + m.direction },
          h(
            "div",
            { class: "bubble", title: m.msg_id },
            quoted ? h("div", { class: "quote" }, "↪ " + (quoted.text || quoted.type)) : null,
            showText ? h("div", {}, m.text) : null,
            attachmentView(m),
            h(
              "div",
              { class: "meta" },
              m.source !== "user" && m.source !== "api" ? h("span", { class: "src" }, m.source) : null,
              fmtTime(m.sent_ms),
              m.direction === "oa" ? h("span", { class: "state-" + m.state }, STATE_LABEL[m.state] || m.state) : null,
              m.direction === "oa" && m.state !== "seen"
                ? h("button", { class: "mini", onclick: () => markOneSeen(m.msg_id), title: "user_seen_message" }, "xem")
                : null
            )
          )
        );
      })
    );
    if (atBottom || box.dataset.user !== state.userId) box.scrollTop = box.scrollHeight;
    box.dataset.user = state.userId;
    box.dataset.stick = box.scrollHeight - box.scrollTop - box.clientHeight < 60 ? "1" : "0";
  }

  function renderSide(data) {
    const key = JSON.stringify([data.templates, data.deliveries]);
    if (key === state.lastSide) return;
    state.lastSide = key;
    $("template-list").replaceChildren(
      ...(data.templates.length ? data.templates : [null]).map((t) =>
        t === null
          ? h("li", {}, "Chưa có mẫu tin.")
          : h(
              "li",
              {},
              h("div", { class: "tname" }, `#${t.template_id} ${t.template_name}`, h("span", { class: "st st-" + t.status }, t.status)),
              h("div", { class: "tprev" }, t.preview.join("\n")),
              h(
                "div",
                { class: "acts" },
                h("button", { class: "mini", onclick: () => setTemplate(t.template_id, "ENABLE") }, "Duyệt"),
                h("button", { class: "mini", onclick: () => setTemplate(t.template_id, "REJECT") }, "Từ chối"),
                h("button", { class: "mini", onclick: () => setTemplate(t.template_id, "DISABLE") }, "Khóa")
              )
            )
      )
    );
    $("delivery-list").replaceChildren(
      ...(data.deliveries.length ? data.deliveries : [null]).map((d) =>
        d === null
          ? h("li", {}, "Chưa có sự kiện.")
          : h(
              "li",
              { title: (d.attempts || []).map((a) => `#${a.num_retry}: ${a.status || a.error}`).join("\n") },
              h("span", { class: "ev" }, d.event_name),
              h("span", { class: "d-" + d.state }, d.state + (d.attempts.length > 1 ? ` ×${d.attempts.length}` : ""))
            )
      )
    );
  }

  // ------------------------------------------------------------------ polling
  async function refresh() {
    try {
      const qs = new URLSearchParams();
      if (state.oaId) qs.set("oa_id", state.oaId);
      if (state.userId) qs.set("user_id", state.userId);
      const data = await api("GET", "/_sim/ui/state?" + qs);
      state.data = data;
      state.oaId = data.oa.oa_id;
      if (state.userId && !data.customers.some((c) => c.user_id === state.userId)) state.userId = "";
      $("conn").classList.remove("down");
      renderOas(data);
      renderCustomers(data);
      renderHead(data);
      renderMessages(data);
      renderSide(data);
    } catch (e) {
      $("conn").classList.add("down");
    }
  }

  function selectCustomer(userId) {
    state.userId = userId;
    localStorage.setItem("zsim.user", userId);
    refresh();
  }

  // ------------------------------------------------------------------ actions
  async function run(fn, okMsg) {
    try {
      const res = await fn();
      if (okMsg) toast(okMsg + deliveryNote(res));
      await refresh();
      return res;
    } catch (e) {
      toast(e.message, true);
    }
  }

  const path = (suffix) => `/_sim/customers/${encodeURIComponent(state.userId)}/${suffix}`;
  const sendPath = () => path($("as-oa").checked ? "oa_send" : "send");

  async function sendText(ev) {
    ev && ev.preventDefault();
    const text = $("text").value;
    if (!text.trim() || !state.userId) return;
    $("text").value = "";
    await run(() => api("POST", sendPath(), { type: "text", text }), "Đã gửi");
  }

  async function sendFile(file) {
    if (!file || !state.userId) return;
    const form = new FormData();
    form.append("file", file, file.name);
    const up = await run(() => api("POST", "/_sim/media", form));
    if (!up) return;
    const mime = up.content_type || "";
    let type = "file";
    if (mime === "image/gif") type = "gif";
    else if (mime.startsWith("image/")) type = "image";
    else if (mime.startsWith("video/")) type = "video";
    else if (mime.startsWith("audio/")) type = "audio";
    const caption = $("text").value;
    $("text").value = "";
    await run(() => api("POST", sendPath(), { type, media_id: up.media_id, text: caption }), "Đã gửi " + file.name);
  }

  function toggleFollow() {
    const c = customer();
    if (c) run(() => api("POST", path(c.follower ? "unfollow" : "follow"), {}), c.follower ? "Đã bỏ quan tâm" : "Đã quan tâm OA");
  }
  function markSeen() {
    run(() => api("POST", path("seen"), {}), "Đã xem");
  }
  function markOneSeen(msgId) {
    run(() => api("POST", `/_sim/messages/${msgId}/seen`, {}), "Đã xem");
  }
  function shareInfo() {
    const c = customer();
    if (!c) return;
    const phone = prompt("Số điện thoại chia sẻ với OA:", c.phone ? "0" + c.phone.slice(2) : "");
    if (phone === null) return;
    const address = prompt("Địa chỉ:", "12 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh") || "";
    run(() => api("POST", path("submit_info"), { name: c.name, phone, address, city: "Hồ Chí Minh", district: "Quận 1" }), "Đã chia sẻ thông tin");
  }
  function setTemplate(id, status) {
    const reason = status === "REJECT" ? prompt("Lý do từ chối:", "Nội dung chưa phù hợp") : "";
    if (reason === null) return;
    run(() => api("POST", `/_sim/templates/${id}/status`, { status, reason }), `Mẫu #${id} → ${status}`);
  }

  // ------------------------------------------------------------------ wiring
  $("messages").addEventListener("scroll", (ev) => {
    const box = ev.target;
    box.dataset.stick = box.scrollHeight - box.scrollTop - box.clientHeight < 60 ? "1" : "0";
  });
  $("composer").addEventListener("submit", sendText);
  $("text").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) sendText(ev);
  });
  $("file-input").addEventListener("change", (ev) => {
    sendFile(ev.target.files[0]);
    ev.target.value = "";
  });
  $("btn-sticker").addEventListener("click", () => {
    const id = prompt("Mã sticker:", "sim-smile");
    if (id) run(() => api("POST", sendPath(), { type: "sticker", sticker_id: id }), "Đã gửi sticker");
  });
  $("btn-location").addEventListener("click", () => {
    const place = prompt("Địa điểm:", "Chợ Bến Thành, Quận 1");
    if (place === null) return;
    run(() => api("POST", path("send"), { type: "location", text: place, latitude: 10.7725, longitude: 106.698 }), "Đã gửi vị trí");
  });
  $("btn-link").addEventListener("click", () => {
    const url = prompt("Liên kết:", "https://example.com/san-pham/may-loc-nuoc");
    if (url) run(() => api("POST", path("send"), { type: "link", url, title: url }), "Đã gửi liên kết");
  });
  $("oa-select").addEventListener("change", (ev) => {
    state.oaId = ev.target.value;
    state.userId = "";
    localStorage.setItem("zsim.oa", state.oaId);
    refresh();
  });
  $("new-customer").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const name = f.elements.namedItem("name").value.trim();
    const phone = f.elements.namedItem("phone").value.trim();
    const c = await run(
      () => api("POST", "/_sim/customers", { oa_id: state.oaId, name, phone: phone || undefined, follower: true }),
      "Đã tạo khách hàng"
    );
    if (c) {
      f.reset();
      selectCustomer(c.user_id);
    }
  });

  refresh();
  setInterval(refresh, POLL_MS);
})();
