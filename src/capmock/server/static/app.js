// capmock serve: the page. Plain JavaScript, no build step, no external resources.
"use strict";
(() => {
  const BOOT = window.CAPMOCK || {};
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const MAX_ROWS = 500;

  // ---- small helpers ---------------------------------------------------------------
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  class ApiError extends Error {
    constructor(message, status, body) { super(message); this.status = status; this.body = body; }
  }

  async function api(method, path, body) {
    const init = { method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const resp = await fetch(path, init);
    let data = null;
    try { data = await resp.json(); } catch (_) { data = null; }
    if (!resp.ok) {
      const msg = (data && data.error) || `HTTP ${resp.status}`;
      const hint = data && data.hint ? ` — ${data.hint}` : "";
      throw new ApiError(msg + hint, resp.status, data);
    }
    return data;
  }

  function note(node, text, kind = "") {
    node.textContent = text;
    node.className = `note ${kind}`;
  }

  function clock(seconds) {
    if (!seconds) return "";
    const d = new Date(seconds * 1000);
    return d.toLocaleTimeString([], { hour12: false }) + "." +
      String(d.getMilliseconds()).padStart(3, "0");
  }

  const ms = (v) => (v === null || v === undefined ? "—" : `${v.toFixed(1)} ms`);
  const short = (id) => (id && id.length > 14 ? id.slice(0, 8) + "…" + id.slice(-4) : id || "");

  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (_) { return text; }
  }

  function debounce(fn, wait) {
    let timer = null;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), wait); };
  }

  // ---- views -------------------------------------------------------------------------
  let currentView = "fire";
  function showView(name) {
    currentView = name;
    for (const tab of $$(".view-tab")) tab.classList.toggle("active", tab.dataset.view === name);
    for (const view of $$(".view")) view.hidden = view.id !== `view-${name}`;
    if (name === "customers") loadCustomers();
    if (name === "sinks") loadSinks();
  }

  // ---- composing: event or scenario ----------------------------------------------------
  let mode = "event";
  let events = [];
  let scenarios = [];

  function setMode(next) {
    mode = next;
    for (const b of $$(".mode")) b.classList.toggle("active", b.dataset.mode === next);
    $("#mode-event").hidden = next !== "event";
    $("#mode-scenario").hidden = next !== "scenario";
  }

  async function loadEvents() {
    events = await api("GET", "/api/events");
    const select = $("#event-name");
    select.replaceChildren(...events.map((e) => el("option", { value: e.name, text: e.name })));
    select.value = events.some((e) => e.name === "transactionAdded") ? "transactionAdded"
      : (events[0] || {}).name;
    describeEvent();
  }

  function describeEvent() {
    const e = events.find((x) => x.name === $("#event-name").value);
    $("#event-desc").textContent = e ? `${e.domain}: ${e.description}` : "";
  }

  async function generate() {
    const status = $("#validation");
    try {
      const body = { event: $("#event-name").value, style: $("#event-style").value };
      const variations = $("#event-variations").value.trim();
      if (variations) body.variations = Number(variations);
      if ($("#event-fields").value) body.fields = $("#event-fields").value;
      const res = await api("POST", "/api/generate", body);
      $("#payload").value = JSON.stringify(res.payload, null, 2);
      showProblems(res.problems);
    } catch (err) {
      note(status, err.message, "error");
    }
  }

  function showProblems(problems, syntax) {
    const box = $("#validation");
    box.replaceChildren();
    if (syntax) {
      box.className = "validation bad";
      box.append(el("strong", { text: "Not JSON: " }), syntax);
      return;
    }
    if (!problems.length) {
      box.className = "validation good";
      box.append(el("strong", { text: "✓ valid" }), " against the event's schema");
      return;
    }
    box.className = "validation bad";
    box.append(el("strong", { text: `${problems.length} problem${problems.length > 1 ? "s" : ""}` }));
    box.append(el("ul", {}, problems.slice(0, 20).map((p) =>
      el("li", {}, el("code", { text: p.path }), " ", p.message))));
  }

  const validateNow = debounce(async () => {
    const text = $("#payload").value;
    if (!text.trim()) { $("#validation").replaceChildren(); return; }
    let payload;
    try { payload = JSON.parse(text); } catch (err) { showProblems([], err.message); return; }
    try {
      const res = await api("POST", "/api/validate", payload);
      showProblems(res.problems);
    } catch (err) {
      note($("#validation"), err.message, "error");
    }
  }, 250);

  async function loadScenarios(select) {
    scenarios = await api("GET", "/api/scenarios");
    const box = $("#scenario-name");
    const keep = select || box.value || BOOT.scenario;
    box.replaceChildren(...scenarios.map((s) => el("option", {
      value: s.name, text: s.origin === "bundled" ? s.name : `${s.name} (${s.origin})`,
    })));
    if (keep && scenarios.some((s) => s.name === keep)) box.value = keep;
    describeScenario();
  }

  function describeScenario() {
    const s = scenarios.find((x) => x.name === $("#scenario-name").value);
    $("#scenario-desc").textContent = s ? s.summary : "";
  }

  async function upload(event) {
    const input = event.target;
    const file = input.files && input.files[0];
    const status = $("#upload-status");
    if (!file) return;
    note(status, `checking ${file.name}…`);
    try {
      const content = await file.text();
      const entry = await api("POST", "/api/scenarios", { filename: file.name, content });
      await loadScenarios(entry.name);
      note(status, `✓ ${entry.name} uploaded and checked`, "good");
    } catch (err) {
      note(status, `Cannot use ${file.name}: ${err.message}`, "error");
    } finally {
      input.value = "";
    }
  }

  function deliveryOptions() {
    const options = {};
    for (const input of $$("[id^=opt-]")) {
      const key = input.id.slice(4);
      const value = input.value.trim();
      if (!value || (key === "retry" && value === "capillary")) continue;
      options[key] = key === "header"
        ? value.split("\n").map((h) => h.trim()).filter(Boolean) : value;
    }
    return options;
  }

  async function fire(event) {
    event.preventDefault();
    const status = $("#fire-status");
    const target = $("#target").value.trim() || undefined;
    const options = deliveryOptions();
    try {
      let res;
      if (mode === "event") {
        let payload;
        try { payload = JSON.parse($("#payload").value); } catch (err) {
          note(status, `The payload is not JSON: ${err.message}`, "error");
          return;
        }
        res = await api("POST", "/api/deliveries", { payload, target, options });
      } else {
        const body = { scenario: $("#scenario-name").value, target, options };
        const seed = $("#scenario-seed").value.trim();
        if (seed) body.seed = Number(seed);
        const variations = $("#scenario-variations").value.trim();
        if (variations) body.variations = Number(variations);
        if ($("#scenario-fields").value) body.fields = $("#scenario-fields").value;
        if ($("#scenario-envelope").value) body.envelope = $("#scenario-envelope").value;
        if ($("#scenario-vendor").value !== "capillary") body.vendor = $("#scenario-vendor").value;
        res = await api("POST", "/api/runs", body);
      }
      note(status, `run #${res.run.id} started → ${res.run.target}`, "good");
      poll();
    } catch (err) {
      note(status, err.message, "error");
    }
  }

  // ---- the delivery log --------------------------------------------------------------
  let version = 0;
  const deliveries = new Map(); // id -> summary
  const rows = new Map(); // id -> <tr>
  const open = new Set();
  const requests = new Map(); // id -> request (immutable)
  const runs = new Map();

  function outcomeBadge(outcome) {
    return el("span", { class: `badge ${outcome}`, text: outcome });
  }

  function summaryRow(d) {
    const redeliver = el("button", {
      type: "button", class: "small redeliver", text: "Redeliver",
      title: "send the same bytes (same eventId) again",
      onclick: (e) => { e.stopPropagation(); redeliverOne(d.id); },
    });
    return el("tr", { class: `delivery ${open.has(d.id) ? "open" : ""}`, "data-id": d.id,
      onclick: () => toggle(d.id) },
    el("td", { class: "mono", text: clock(d.attempts.length ? d.attempts[0].time : d.created) }),
    el("td", { class: "mono muted", text: d.id }),
    el("td", { class: "event", text: d.eventName || "?" }),
    el("td", { class: "mono", title: d.eventId, text: short(d.eventId) }),
    el("td", { class: "mono status", text: d.status === null ? "—" : d.status }),
    el("td", { class: "mono", text: ms(d.latency_ms) }),
    el("td", { class: "mono attempts", text: d.attempts.length }),
    el("td", {}, outcomeBadge(d.outcome)),
    el("td", {}, redeliver));
  }

  function attemptRow(a) {
    const notes = [a.error, a.wait ? `next try in ${a.wait.toFixed(2)} s` : ""].filter(Boolean);
    return el("tr", { class: "attempt" },
      el("td", { class: "mono", text: a.n }), el("td", { text: a.kind }),
      el("td", { class: "mono", text: clock(a.time) }),
      el("td", { class: "mono", text: a.status === null ? "—" : a.status }),
      el("td", { class: "mono", text: ms(a.latency_ms) }), el("td", {}, outcomeBadge(a.outcome)),
      el("td", { text: notes.join("; ") || "—" }),
      el("td", { class: "mono response", text: a.response || "—" }));
  }

  function detailRow(d) {
    const attempts = el("table", { class: "attempts-table" },
      el("thead", {}, el("tr", {}, ["#", "kind", "time", "status", "latency", "outcome",
        "error / next try", "response body"].map((h) => el("th", { text: h })))),
      el("tbody", {}, d.attempts.map(attemptRow)));
    const req = requests.get(d.id);
    const request = req ? el("div", { class: "detail-grid" },
      el("div", {}, el("h4", { text: `Request: ${req.method} ${req.url}` }),
        el("pre", { class: "headers", text: Object.entries(req.headers)
          .map(([k, v]) => `${k}: ${v}`).join("\n") })),
      el("div", {}, el("h4", { text: "Body" }), el("pre", { class: "body", text: pretty(req.body) })))
      : el("p", { class: "muted", text: "loading the request…" });
    return el("tr", { class: "detail", "data-detail": d.id },
      el("td", { colspan: 9 },
        el("h4", { text: "Attempts" }), el("div", { class: "scroll-x" }, attempts),
        el("p", { class: "muted small", text: "Response bodies are kept for non-2xx answers; " +
          "secrets in headers are masked." }),
        request));
  }

  function render(d) {
    const fresh = summaryRow(d);
    const old = rows.get(d.id);
    if (old) {
      old.replaceWith(fresh);
    } else {
      $("#log tbody").prepend(fresh);
    }
    rows.set(d.id, fresh);
    const detail = $(`tr[data-detail="${d.id}"]`);
    if (detail) detail.remove();
    if (open.has(d.id)) fresh.after(detailRow(d));
  }

  async function toggle(id) {
    if (open.has(id)) open.delete(id); else open.add(id);
    const d = deliveries.get(id);
    if (!d) return;
    render(d);
    if (open.has(id) && !requests.has(id)) {
      try {
        const full = await api("GET", `/api/deliveries/${id}`);
        requests.set(id, full.request);
        deliveries.set(id, full);
        render(full);
      } catch (err) {
        open.delete(id);
      }
    }
  }

  async function redeliverOne(id) {
    try {
      const res = await api("POST", `/api/deliveries/${id}/redeliver`);
      note($("#fire-status"), `run #${res.run.id}: redelivering #${id}`, "good");
      poll();
    } catch (err) {
      note($("#fire-status"), err.message, "error");
    }
  }

  function trimRows() {
    const ids = Array.from(rows.keys()).sort((a, b) => b - a);
    for (const id of ids.slice(MAX_ROWS)) {
      rows.get(id).remove();
      const detail = $(`tr[data-detail="${id}"]`);
      if (detail) detail.remove();
      rows.delete(id); deliveries.delete(id); open.delete(id); requests.delete(id);
    }
  }

  function renderRuns() {
    const latest = Array.from(runs.values()).sort((a, b) => b.id - a.id).slice(0, 6);
    $("#runs").replaceChildren(...latest.map((r) => {
      const s = r.summary;
      const counts = s ? `${s.delivered} delivered, ${s.failed_final} failed` +
        (s.retries ? `, ${s.retries} retries` : "") : `${r.deliveries} so far`;
      return el("li", { class: `run ${r.state}` },
        el("span", { class: "mono muted", text: `#${r.id}` }), " ",
        el("strong", { text: r.label }), " ",
        el("span", { class: `badge ${r.state}`, text: r.state }), " ",
        el("span", { class: "muted", text: r.error || counts }));
    }));
  }

  let polling = false;
  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const res = await api("GET", `/api/deliveries?since=${version}&limit=500`);
      $("#conn").className = "conn ok";
      let runsChanged = false;
      for (const r of res.runs) {
        const before = runs.get(r.id);
        if (!before || before.state !== r.state) runsChanged = true;
        runs.set(r.id, r);
      }
      for (const d of res.deliveries.slice().reverse()) {
        deliveries.set(d.id, d);
        render(d);
      }
      trimRows();
      renderRuns();
      version = res.version;
      $("#log-empty").hidden = rows.size > 0;
      $("#log-count").textContent = `${res.total} ${res.total === 1 ? "delivery" : "deliveries"}`;
      if (runsChanged && currentView === "customers") loadCustomers();
    } catch (err) {
      $("#conn").className = "conn down";
    } finally {
      polling = false;
    }
  }

  // ---- customers -----------------------------------------------------------------------
  function pointsCell(c) {
    return Object.entries(c.programs || {}).map(([pid, p]) => el("div", { class: "mono" },
      p.current === null ? "no ledger" : `${p.current} now · ${p.lifetime} lifetime`,
      el("span", { class: "muted", text: ` (program ${pid})` })));
  }

  function tierCell(c) {
    return Object.values(c.programs || {}).map((p) => el("div", {},
      p.tier ? el("span", { class: "tier", text: p.tier.name }) : "—"));
  }

  async function loadCustomers() {
    const q = encodeURIComponent($("#customer-q").value.trim());
    try {
      const res = await api("GET", `/api/model/customers?limit=200&q=${q}`);
      $("#customer-count").textContent = `${res.total} customers`;
      $("#customers tbody").replaceChildren(...res.customers.map((c) => el("tr", {},
        el("td", {}, el("strong", { text: c.name }), el("div", { class: "mono muted", text: c.customerId })),
        el("td", {}, el("div", { text: c.mobile || "" }), el("div", { class: "muted", text: c.email || "" })),
        el("td", { class: "muted", text: c.source }),
        el("td", {}, pointsCell(c)),
        el("td", {}, tierCell(c)),
        el("td", {}, (c.promotionList || []).map((p) => el("div", {},
          el("span", { text: p.name }), " ",
          el("span", { class: "muted small", text: `${p.type}${p.earned ? `, earned ${p.earned}×` : ""}` }))),
          (c.promotionList || []).length ? null : "—"),
        el("td", { class: "mono", text: (c.coupons || []).map((x) =>
          `${x.code} ${x.status || ""}`.trim()).join(", ") || "—" }))));
    } catch (err) {
      $("#customer-count").textContent = err.message;
    }
  }

  // ---- sinks -----------------------------------------------------------------------
  let sinkName = "default";
  const SINK_FIELDS = ["status", "failure_rate", "failure_status", "latency", "retry_after"];

  async function loadSinks() {
    try {
      const list = await api("GET", "/api/sinks");
      $("#sink-list").replaceChildren(...list.map((s) => el("li", {
        class: s.name === sinkName ? "active" : "",
        onclick: () => { sinkName = s.name; fillSinkForm(s); loadSinks(); },
      }, el("span", { text: s.name }), el("span", { class: "count", text: s.count }))));
      const current = list.find((s) => s.name === sinkName);
      if (current && !$("#sink-name").value) fillSinkForm(current);
      await loadSinkRequests();
    } catch (err) {
      note($("#sink-status-note"), err.message, "error");
    }
  }

  function fillSinkForm(sink) {
    const s = sink.settings || {};
    $("#sink-name").value = sink.name;
    $("#sink-statuses").value = (s.statuses || []).join(", ");
    for (const key of SINK_FIELDS) $(`#sink-${key}`).value = s[key] ?? "";
  }

  async function loadSinkRequests() {
    let sink;
    try { sink = await api("GET", `/api/sinks/${encodeURIComponent(sinkName)}?limit=100`); } catch (_) { return; }
    $("#sink-title").textContent = `Requests to ${sink.name} (${sink.count})`;
    $("#sink-url").textContent = `${location.origin}${sink.path}`;
    $("#sink-requests tbody").replaceChildren(...sink.requests.map((r) => el("tr", {},
      el("td", { class: "mono muted", text: r.n }), el("td", { class: "mono", text: clock(r.time) }),
      el("td", { text: r.eventName || "?" }), el("td", { class: "mono", title: r.eventId || "", text: short(r.eventId) }),
      el("td", { class: "mono" }, el("span", { class: `code c${String(r.status)[0]}xx`, text: r.status })),
      el("td", { class: "mono", text: ms(r.latency_ms) }), el("td", { class: "mono", text: r.size }))));
  }

  async function saveSink(event) {
    event.preventDefault();
    const name = $("#sink-name").value.trim();
    const settings = {};
    const statuses = $("#sink-statuses").value.split(/[\s,]+/).filter(Boolean).map(Number);
    if (statuses.length) settings.statuses = statuses;
    for (const key of SINK_FIELDS) {
      const value = $(`#sink-${key}`).value.trim();
      if (!value) continue;
      settings[key] = key.endsWith("status") ? Number(value) : value;
    }
    try {
      await api("PUT", `/api/sinks/${encodeURIComponent(name)}`, settings);
      sinkName = name;
      note($("#sink-status-note"), `saved: ${location.origin}/sink/${name}`, "good");
      loadSinks();
    } catch (err) {
      note($("#sink-status-note"), err.message, "error");
    }
  }

  async function clearSink() {
    try {
      await api("DELETE", `/api/sinks/${encodeURIComponent(sinkName)}/requests`);
      loadSinks();
    } catch (err) {
      note($("#sink-status-note"), err.message, "error");
    }
  }

  // ---- start -----------------------------------------------------------------------
  function wire() {
    for (const tab of $$(".view-tab")) tab.addEventListener("click", () => showView(tab.dataset.view));
    for (const b of $$(".mode")) b.addEventListener("click", () => setMode(b.dataset.mode));
    $("#event-name").addEventListener("change", () => { describeEvent(); generate(); });
    $("#event-style").addEventListener("change", generate);
    $("#event-fields").addEventListener("change", generate);
    $("#generate").addEventListener("click", generate);
    $("#payload").addEventListener("input", validateNow);
    $("#scenario-name").addEventListener("change", describeScenario);
    $("#scenario-file").addEventListener("change", upload);
    $("#compose").addEventListener("submit", fire);
    $("#customer-q").addEventListener("input", debounce(loadCustomers, 250));
    $("#sink-form").addEventListener("submit", saveSink);
    $("#sink-clear").addEventListener("click", clearSink);
    $("#target").placeholder = `${BOOT.default_target || ""} (default)`;
  }

  async function start() {
    wire();
    if (BOOT.scenario) setMode("scenario");
    try {
      await Promise.all([loadEvents(), loadScenarios()]);
      await generate();
    } catch (err) {
      note($("#fire-status"), err.message, "error");
    }
    poll();
    setInterval(poll, 700);
    setInterval(() => {
      if (currentView === "sinks") loadSinks();
      if (currentView === "customers") loadCustomers();
    }, 2000);
  }

  start();
})();
