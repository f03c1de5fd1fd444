// sensorhost dashboard: keeps the server-rendered page (the dashboard plugin's, or the
// host's fallback) up to date in place: readings grouped by node and LEDs from the live
// events (/api/events), plugin status from /api/plugins, history charts (uPlot) from
// /api/history extended live. The markup it relies on is in host/web/assets/README.md.
(() => {
  "use strict";

  // ---------------------------------------------------------------------------------
  // The API as the page needs it. Every JSON field name is in this block: the rest of
  // the script sees only the normalised shapes below, so an API change is one edit here.
  // ---------------------------------------------------------------------------------
  const api = {
    readings: "/api/readings",
    plugins: "/api/plugins",
    events: "/api/events",
    history: (node, sensor, quantity, since) =>
      `/api/history?${node ? `node=${encodeURIComponent(node)}&` : ""}sensor=${encodeURIComponent(sensor)}` +
      `&quantity=${encodeURIComponent(quantity)}&since=${encodeURIComponent(since)}`,
  };

  // The first of `keys` that `obj` has (not null).
  const pick = (obj, ...keys) => {
    if (obj === null || typeof obj !== "object") return undefined;
    for (const k of keys) if (obj[k] !== undefined && obj[k] !== null) return obj[k];
    return undefined;
  };
  const toMs = (v) => (typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) : NaN);
  const toNumber = (v) => (v === null || v === undefined || v === "" ? NaN : Number(v));
  const text = (v) => (v === undefined || v === null ? "" : String(v));

  // -> {cycle, timeMs, node, nodes: [node], readings: [{node, sensor, source, status, error, timeMs,
  //     values: [{quantity, value, unit}]}], leds: [bool]}
  function snapshotFrom(json) {
    const leds = pick(json, "leds", "led_states") || [];
    return {
      cycle: pick(json, "cycle", "cycle_number", "sequence"),
      timeMs: toMs(pick(json, "time_ms", "timestamp_ms", "generated_ms", "published_ms", "time")),
      node: text(pick(json, "node")),
      nodes: (pick(json, "nodes") || []).map(nodeFrom),
      readings: (pick(json, "readings", "sensors") || []).map(readingFrom),
      leds: (Array.isArray(leds) ? leds : pick(leds, "states", "on") || []).map((l) =>
        typeof l === "object" ? Boolean(pick(l, "on", "state", "value")) : Boolean(l)),
    };
  }

  function readingFrom(r) {
    return {
      node: text(pick(r, "node")),
      sensor: text(pick(r, "sensor", "name")),
      source: text(pick(r, "source")),
      status: text(pick(r, "status")) || "ok",
      error: text(pick(r, "error", "reason")),
      timeMs: toMs(pick(r, "timestamp_ms", "time_ms", "timestamp-ms", "timestamp", "time")),
      values: (pick(r, "values", "measurements") || []).map((m) => ({
        quantity: text(pick(m, "quantity", "name")),
        value: toNumber(pick(m, "value")),
        unit: text(pick(m, "unit")),
      })),
    };
  }

  // -> {name, local, state, address, lastSeenMs}
  function nodeFrom(n) {
    return {
      name: text(pick(n, "name", "node")),
      local: Boolean(pick(n, "local")),
      state: text(pick(n, "state")) || "unknown",
      address: text(pick(n, "address")),
      lastSeenMs: toMs(pick(n, "last_seen_ms", "last-seen-ms", "last_seen")),
    };
  }

  // -> {node, state, previous, timeMs}
  function nodeEventFrom(json) {
    return {
      node: text(pick(json, "node", "name")),
      state: text(pick(json, "state")) || "unknown",
      previous: text(pick(json, "previous")),
      timeMs: toMs(pick(json, "time_ms", "timestamp_ms", "time")),
    };
  }

  // -> [{name, state, healthy, message, lastError, calls, failures, version}]
  function pluginsFrom(json) {
    const list = Array.isArray(json) ? json : pick(json, "plugins") || [];
    return list.map((p) => {
      const state = text(pick(p, "state", "status")) || "unknown";
      const lastError = text(pick(p, "last_error", "error"));
      const healthy = pick(p, "healthy");
      return {
        name: text(pick(p, "name")),
        state,
        healthy: healthy === undefined ? state === "running" : Boolean(healthy),
        message: text(pick(p, "last_message", "message")),
        lastError,
        calls: pick(p, "calls"),
        failures: pick(p, "failures"),
        version: text(pick(p, "version")),
      };
    });
  }

  // -> {plugin, kind, message, timeMs}
  function pluginEventFrom(json) {
    return {
      plugin: text(pick(json, "plugin", "name")),
      kind: text(pick(json, "kind", "event", "type")),
      message: text(pick(json, "message", "reason")),
      timeMs: toMs(pick(json, "time_ms", "timestamp_ms", "time")),
    };
  }

  // -> [[timeMs, value]] in time order, from {series: [{quantity, points: [{t, avg}]}]}
  // (or a bare list of points).
  function historyFrom(json, quantity) {
    const series = pick(json, "series");
    const one = Array.isArray(series) ? series.find((s) => pick(s, "quantity") === quantity) || series[0] : json;
    const points = Array.isArray(one) ? one : pick(one, "points", "values", "data", "samples") || [];
    return points
      .map((p) => (Array.isArray(p) ? [toMs(p[0]), toNumber(p[1])]
        : [toMs(pick(p, "t", "time_ms", "timestamp_ms", "time")), toNumber(pick(p, "avg", "v", "value", "mean"))]))
      .filter((p) => Number.isFinite(p[0]))
      .sort((a, b) => a[0] - b[0]);
  }

  // ---------------------------------------------------------------------------------
  // Formatting, the same as the dashboard plugin's (plugins/dashboard/dashboard.c).
  // ---------------------------------------------------------------------------------
  const units = { C: "\u00b0C", ohm: "\u03a9", bool: "" };
  const unitText = (u) => units[u] ?? u;
  const labelText = (q) => q.replace(/_/g, " ");
  // A flag such as the BME680's heat_stable: shown as yes/no, not charted.
  const isFlag = (unit) => unit === "bool";
  function valueText(v, unit) {
    if (!Number.isFinite(v)) return "\u2013";
    if (isFlag(unit)) return v ? "yes" : "no";
    const s = v.toFixed(Math.abs(v) < 100 ? 1 : 0);
    return /^-0(\.0)?$/.test(s) ? s.slice(1) : s;
  }
  // Axis labels with the decimals the tick step needs; "121k" rather than "121,000".
  function tickText(splits) {
    const step = splits.length > 1 ? Math.abs(splits[1] - splits[0]) || 1 : 1;
    const max = Math.max(...splits.map(Math.abs));
    const [scale, suffix] = max >= 1e6 ? [1e6, "M"] : max >= 1e4 ? [1e3, "k"] : [1, ""];
    const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(step / scale) + 1e-9)));
    return splits.map((v) => (v === null ? "" : `${(v / scale).toFixed(decimals)}${suffix}`));
  }
  function xRange(xs, min, max) {
    if (!xs || !xs.length) return [min, max];
    const lo = xs[0];
    const hi = xs[xs.length - 1];
    return hi - lo < 1 ? [lo - 60, hi + 60] : [lo, hi];
  }
  const timeText = (ms) => (Number.isFinite(ms) && ms > 0 ? new Date(ms).toLocaleTimeString() : "\u2013");

  // ---------------------------------------------------------------------------------
  // DOM helpers.
  // ---------------------------------------------------------------------------------
  const body = document.body;
  const $ = (selector, root = document) => root.querySelector(selector);
  const attr = (name, value) => `[${name}="${CSS.escape(value)}"]`;
  function el(tag, props = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v);
    }
    e.append(...children);
    return e;
  }
  // Sets a [data-field] child's text; `hideEmpty` hides it when there is nothing to say.
  function setField(root, field, value, hideEmpty = false) {
    const e = $(`[data-field="${field}"]`, root);
    if (!e) return;
    if (e.textContent !== value) e.textContent = value;
    if (hideEmpty) e.hidden = value === "";
  }
  function setTime(root, field, ms) {
    const e = $(`[data-field="${field}"]`, root);
    if (!e || !Number.isFinite(ms)) return;
    e.dataset.ms = String(ms);
    e.dateTime = new Date(ms).toISOString();
    e.textContent = timeText(ms);
  }
  // A panel's container, made (in a new <section class="panel ...">) when the page lacks it.
  function container(attribute, panelClass, heading, tag, cls) {
    let c = $(`[${attribute}]`);
    if (c) return c;
    c = el(tag, { class: cls, [attribute]: "" });
    const main = $("main") || body;
    main.append(el("section", { class: `panel ${panelClass}` }, el("h2", { text: heading }), c));
    return c;
  }

  // ---------------------------------------------------------------------------------
  // Nodes, readings and LEDs. Readings are grouped by node: this node first, then the
  // remote ones (a hub) by name.
  // ---------------------------------------------------------------------------------
  const downStates = new Set(["silent", "offline"]);
  // Only http(s) addresses become links: a node's address comes from the network.
  const safeUrl = (address) => (/^https?:\/\/./i.test(address) ? address : "");

  // The group of `name` (made, in its place, when the page lacks it). `local` decides
  // its place: this node's group first, then the others by name.
  function nodeGroup(name, local = false) {
    const list = container("data-readings", "readings", "Sensors", "div", "nodes");
    let group = $(`section.node${attr("data-node", name)}`, list);
    if (group) return group;
    $(":scope > [data-empty]", list)?.remove();
    group = el("section", { class: "node", "data-node": name, "data-state": "unknown", "data-local": String(local) },
      el("header", { class: "node-head", ...(name ? {} : { hidden: "" }) },
        el("h3", { "data-field": "node-name", text: name }),
        el("span", { class: "badge node-state", "data-field": "node-state" }),
        local ? el("span", { class: "node-local", text: "this node" })
          : el("span", { class: "node-seen" }, "last heard ", el("time", { "data-field": "node-seen" }))),
      el("div", { class: "sensors", "data-node-sensors": "" }));
    const after = [...list.querySelectorAll(":scope > section.node")]
      .find((g) => g.dataset.local !== "true" && (local || g.dataset.node > name));
    list.insertBefore(group, after || null);
    return group;
  }

  // Silent and offline nodes are greyed (class node-down) and say so in their badge.
  function setNodeState(group, state) {
    group.dataset.state = state;
    group.classList.toggle("node-down", downStates.has(state));
    setField(group, "node-state", state);
  }

  function applyNode(n) {
    if (!n.name && !n.local) return;
    const group = nodeGroup(n.name, n.local);
    group.dataset.local = String(n.local);
    setNodeState(group, n.state);
    if (!n.local) setTime(group, "node-seen", n.lastSeenMs);
    const url = n.local ? "" : safeUrl(n.address);
    let link = $('[data-field="node-link"]', group);
    if (url && !link) {
      link = el("a", { class: "node-link", "data-field": "node-link", text: "dashboard" });
      $('[data-field="node-state"]', group).after(link);
    }
    if (link && !url) link.remove();
    else if (link && link.getAttribute("href") !== url) link.setAttribute("href", url);
  }

  function applyNodes(nodes) {
    for (const n of nodes) applyNode(n);
    // Nodes the server forgot (a hub's subscriptions changed).
    if (!nodes.length) return;
    const names = new Set(nodes.map((n) => n.name));
    for (const g of document.querySelectorAll("[data-readings] > section.node[data-node]"))
      if (!names.has(g.dataset.node)) g.remove();
  }

  function sensorCard(node, sensor, local) {
    const group = nodeGroup(node, local);
    const list = $("[data-node-sensors]", group);
    let card = $(`article${attr("data-sensor", sensor)}`, list);
    if (card) return card;
    $("[data-empty]", list)?.remove();
    card = el("article", { class: "sensor", "data-sensor": sensor, "data-status": "ok" },
      el("header", {}, el("h4", { text: sensor }), el("span", { class: "badge", "data-field": "status" })),
      el("dl", { class: "values" }),
      el("p", { class: "error", "data-field": "error", hidden: "" }),
      el("footer", {}, el("span", { "data-field": "source" }), " \u00b7 ", el("time", { "data-field": "time" })));
    list.append(card);
    return card;
  }

  function valueRow(card, sensor, quantity) {
    let row = $(`.value${attr("data-quantity", quantity)}`, card);
    if (row) return row;
    row = el("div", { class: "value", "data-sensor": sensor, "data-quantity": quantity },
      el("dt", { text: labelText(quantity) }),
      el("dd", {}, el("span", { class: "number", "data-field": "value" }), " ",
        el("span", { class: "unit", "data-field": "unit" })));
    $("dl.values", card).append(row);
    return row;
  }

  // `local`: the reading is this node's (charts name its lines by sensor alone).
  function applyReading(r, local) {
    const card = sensorCard(r.node, r.sensor, local);
    card.dataset.status = r.status;
    setField(card, "status", r.status);
    setField(card, "error", r.error, true);
    setField(card, "source", r.source);
    setTime(card, "time", r.timeMs);
    for (const m of r.values) {
      const row = valueRow(card, r.sensor, m.quantity);
      const shown = valueText(m.value, m.unit);
      const number = $('[data-field="value"]', row);
      if (number.textContent !== shown) {
        number.textContent = shown;
        row.classList.remove("changed");
        void row.offsetWidth; // restarts the highlight animation
        row.classList.add("changed");
      }
      row.dataset.value = String(m.value);
      setField(row, "unit", unitText(m.unit));
      if (r.status !== "error" && !isFlag(m.unit)) charts.add(m.quantity, m.unit, r.node, r.sensor, local, r.timeMs, m.value);
    }
  }

  function applyLeds(states) {
    const bank = container("data-leds", "leds", "LEDs", "div", "ledbank");
    states.forEach((on, i) => {
      let led = $(`[data-led="${i}"]`, bank);
      if (!led) {
        led = el("div", { class: "led", "data-led": String(i) },
          el("span", { class: "lamp", "aria-hidden": "true" }), el("span", { class: "label" }));
        bank.append(led);
      }
      const label = $(".label", led);
      if (!label.textContent) label.textContent = `LED ${i}`;
      led.dataset.on = String(on);
      led.title = `LED ${i}: ${on ? "on" : "off"}`;
    });
  }

  function applySnapshot(s) {
    applyNodes(s.nodes);
    for (const r of s.readings) {
      if (!r.sensor) continue;
      if (!r.node) r.node = s.node;  // a server that does not name nodes
      applyReading(r, r.node === s.node);
    }
    applyLeds(s.leds);
    if (s.cycle !== undefined) body.dataset.cycle = String(s.cycle);
    setTime(document, "updated", Number.isFinite(s.timeMs) ? s.timeMs : Date.now());
    charts.draw();
  }

  // ---------------------------------------------------------------------------------
  // Plugins.
  // ---------------------------------------------------------------------------------
  function pluginItem(name) {
    const list = container("data-plugins", "plugins", "Plugins", "ul", "plugin-list");
    let item = $(`li${attr("data-plugin", name)}`, list);
    if (item) return item;
    item = el("li", { class: "plugin", "data-plugin": name },
      el("span", { class: "lamp", "aria-hidden": "true" }), el("span", { class: "name", text: name }),
      el("span", { class: "state", "data-field": "state" }), el("span", { class: "counts", "data-field": "counts" }),
      el("p", { class: "message", "data-field": "message" }),
      el("p", { class: "error", "data-field": "last-error", hidden: "" }));
    list.append(item);
    return item;
  }

  function applyPlugins(list) {
    const names = new Set(list.map((p) => p.name));
    for (const item of document.querySelectorAll("[data-plugins] [data-plugin]"))
      if (!names.has(item.dataset.plugin)) item.remove(); // removed from host.toml
    for (const p of list) {
      if (!p.name) continue;
      const item = pluginItem(p.name);
      item.dataset.healthy = String(p.healthy);
      item.dataset.state = p.state;
      setField(item, "state", p.state.replace(/_/g, " "));
      const plural = (n, word) => `${n} ${word}${Number(n) === 1 ? "" : "s"}`;
      const counts = p.calls === undefined ? "" : `${plural(p.calls, "call")} \u00b7 ${plural(p.failures ?? 0, "failure")}`;
      setField(item, "counts", counts);
      setField(item, "message", p.message, true);
      setField(item, "last-error", p.lastError, true);
      if (p.version) item.title = `version ${p.version}`;
    }
  }

  // The events panel: the last plugin and node events, newest first.
  function listEvent(props, timeMs, subject, what, detail) {
    const list = container("data-events", "events", "Events", "ol", "event-list");
    list.prepend(el("li", props,
      el("time", { text: timeText(Number.isFinite(timeMs) ? timeMs : Date.now()) }), " ", el("strong", { text: subject }),
      ` ${what}`, detail ? el("span", { class: "message", text: detail }) : ""));
    while (list.children.length > 8) list.lastElementChild.remove();
  }

  function applyPluginEvent(e) {
    const kind = e.kind.replace(/_/g, " ");
    const detail = e.message && e.message.toLowerCase() !== kind ? ` \u2014 ${e.message}` : "";
    listEvent({ "data-kind": e.kind }, e.timeMs, e.plugin, kind, detail);
    refreshPlugins();
  }

  // A node's state changed (a hub): shown at once; the next reading brings the rest.
  function applyNodeEvent(e) {
    if (!e.node) return;
    const group = $(`[data-readings] > section.node${attr("data-node", e.node)}`);
    if (group) setNodeState(group, e.state);
    listEvent({ "data-kind": "node", "data-state": e.state }, e.timeMs, `node ${e.node}`, e.state,
      e.previous ? ` (was ${e.previous})` : " (new)");
  }

  // ---------------------------------------------------------------------------------
  // History charts: one per quantity, one series per sensor.
  // ---------------------------------------------------------------------------------
  const palette = ["#2f81f7", "#e5534b", "#3fb950", "#d29922", "#a371f7", "#db61a2"];
  const windowMs = (() => {
    const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(body.dataset.history || "1h");
    return m ? Number(m[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2]] : 36e5;
  })();

  const charts = {
    byQuantity: new Map(), // quantity -> {figure, plot, sensors: Map(line -> {t: [], v: []}), layout}
    requested: new Set(),  // "node\u0000sensor\u0000quantity" histories asked for
    pending: false,

    chart(quantity, unit) {
      let c = this.byQuantity.get(quantity);
      if (c) return c;
      const list = container("data-charts", "history", "History", "div", "charts");
      let figure = $(`figure${attr("data-chart", quantity)}`, list);
      if (!figure) {
        figure = el("figure", { class: "chart", "data-chart": quantity },
          el("figcaption", {}, `${labelText(quantity)} `, el("span", { class: "unit", text: unitText(unit) })),
          el("div", { class: "plot", "data-plot": "" }));
        list.append(figure);
      }
      c = { figure, plot: null, sensors: new Map(), layout: "" };
      this.byQuantity.set(quantity, c);
      return c;
    },

    series(c, sensor) {
      let s = c.sensors.get(sensor);
      if (!s) c.sensors.set(sensor, (s = { t: [], v: [] }));
      return s;
    },

    // One line per node and sensor: this node's lines are named by sensor, remote ones
    // "node/sensor".
    line: (node, sensor, local) => (local ? sensor : `${node}/${sensor}`),

    // A live point; a sensor read less often than the cycle repeats its time, once is enough.
    // Points closer than a thousandth of the window replace the newest one (it follows the
    // live value), so a fast cycle does not pile up more points than the chart can show.
    add(quantity, unit, node, sensor, local, timeMs, value) {
      if (!Number.isFinite(timeMs)) return;
      const s = this.series(this.chart(quantity, unit), this.line(node, sensor, local));
      const n = s.t.length;
      if (n && timeMs <= s.t[n - 1]) return;
      const v = Number.isFinite(value) ? value : null;
      if (n >= 2 && timeMs - s.t[n - 2] < windowMs / 1000) {
        s.t[n - 1] = timeMs;
        s.v[n - 1] = v;
      } else {
        s.t.push(timeMs);
        s.v.push(v);
      }
      this.loadHistory(quantity, unit, node, sensor, local);
    },

    // Earlier points from /api/history, merged before the live ones.
    async loadHistory(quantity, unit, node, sensor, local) {
      const key = `${node}\u0000${sensor}\u0000${quantity}`;
      if (this.requested.has(key)) return;
      this.requested.add(key);
      try {
        const res = await fetch(api.history(node, sensor, quantity, `-${body.dataset.history || "1h"}`));
        if (!res.ok) return;
        const points = historyFrom(await res.json(), quantity);
        const s = this.series(this.chart(quantity, unit), this.line(node, sensor, local));
        const firstLive = s.t.length ? s.t[0] : Infinity;
        const older = points.filter((p) => p[0] < firstLive);
        s.t.unshift(...older.map((p) => p[0]));
        s.v.unshift(...older.map((p) => (Number.isFinite(p[1]) ? p[1] : null)));
        this.draw();
      } catch (err) {
        console.warn(`history of ${node}/${sensor} ${quantity}:`, err);
      }
    },

    // Coalesces redraws: at most one a second (and one per animation frame).
    draw() {
      if (this.pending) return;
      this.pending = true;
      const wait = Math.max(0, (this.lastDraw || 0) + 1000 - Date.now());
      setTimeout(() => requestAnimationFrame(() => {
        this.pending = false;
        this.lastDraw = Date.now();
        for (const c of this.byQuantity.values()) this.drawChart(c);
      }), wait);
    },

    drawChart(c) {
      const horizon = Date.now() - windowMs;
      for (const s of c.sensors.values()) {
        let drop = 0;
        while (drop < s.t.length - 1 && s.t[drop] < horizon) ++drop;
        if (drop) { s.t.splice(0, drop); s.v.splice(0, drop); }
      }
      const names = [...c.sensors.keys()].filter((n) => c.sensors.get(n).t.length);
      if (!names.length || typeof uPlot === "undefined") return;
      const data = uPlot.join(names.map((n) => {
        const s = c.sensors.get(n);
        return [s.t.map((t) => t / 1000), s.v];
      }));
      const target = $("[data-plot]", c.figure) || c.figure;
      const layout = names.join("\u0000");
      if (!c.plot || c.layout !== layout) {
        c.plot?.destroy();
        c.plot = new uPlot(this.options(names, target), data, target);
        c.layout = layout;
        c.figure.dataset.theme = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
      } else {
        c.plot.setData(data);
      }
      c.figure.dataset.points = String(data[0].length);
      c.figure.dataset.lines = String(names.filter((n) => c.sensors.get(n).t.length >= 2).length);
    },

    options(names, target) {
      const css = getComputedStyle(body);
      const muted = css.getPropertyValue("--muted").trim() || "#888";
      const grid = css.getPropertyValue("--grid").trim() || "rgba(128,128,128,.2)";
      const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
      const valueAxis = {
        ...axis,
        values: (u, splits) => tickText(splits),
        // Wide enough for the longest label (gas resistance in ohms has six digits).
        size: (u, values) => (values ? Math.max(...values.map((v) => v.length)) * 7 + 22 : 40),
      };
      return {
        width: Math.max(target.clientWidth, 200),
        height: 200,
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        // The data's own span; a lone sample (a sensor read every few seconds, just after
        // start) gets a minute either side instead of uPlot's day.
        scales: { x: { time: true, range: (u, min, max) => xRange(u.data[0], min, max) } },
        axes: [{ ...axis }, valueAxis],
        series: [{}, ...names.map((name, i) => ({
          label: name,
          stroke: palette[i % palette.length],
          width: 2,
          spanGaps: true,
          value: (u, v) => valueText(v),
        }))],
      };
    },

    restyle() {
      for (const c of this.byQuantity.values()) {
        c.layout = "";
        this.drawChart(c);
      }
    },

    resize() {
      for (const c of this.byQuantity.values()) {
        const target = $("[data-plot]", c.figure) || c.figure;
        if (c.plot && target.clientWidth) c.plot.setSize({ width: target.clientWidth, height: 200 });
      }
    },
  };

  // ---------------------------------------------------------------------------------
  // Connection: the live event stream, with a visible state.
  // ---------------------------------------------------------------------------------
  const connLabels = { connecting: "connecting", live: "live", reconnecting: "reconnecting", offline: "offline", stalled: "no updates" };
  function setConn(state) {
    const c = $("[data-conn]");
    if (!c) return;
    c.dataset.conn = state;
    setField(c, "conn", connLabels[state] || state);
  }

  let lastEvent = 0;
  let retryMs = 1000;
  function connect() {
    setConn("connecting");
    const events = new EventSource(api.events);
    events.onopen = () => { retryMs = 1000; setConn("live"); };
    events.addEventListener("reading", (e) => {
      lastEvent = Date.now();
      if ($("[data-conn]")?.dataset.conn !== "live") setConn("live");
      handle(() => applySnapshot(snapshotFrom(JSON.parse(e.data))));
    });
    events.addEventListener("plugin", (e) => handle(() => applyPluginEvent(pluginEventFrom(JSON.parse(e.data)))));
    events.addEventListener("node", (e) => handle(() => applyNodeEvent(nodeEventFrom(JSON.parse(e.data)))));
    // EventSource retries by itself while the server answers; it gives up (CLOSED) on an
    // HTTP error or a wrong content type, and then we retry with a growing pause.
    events.onerror = () => {
      if (events.readyState !== EventSource.CLOSED) return setConn("reconnecting");
      setConn("offline");
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    };
  }

  function handle(fn) {
    try {
      fn();
    } catch (err) {
      console.warn("dashboard update failed:", err);
    }
  }

  async function getJson(url) {
    const res = await fetch(url, { headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res.json();
  }

  let pluginsInFlight = false;
  async function refreshPlugins() {
    if (pluginsInFlight) return;
    pluginsInFlight = true;
    try {
      applyPlugins(pluginsFrom(await getJson(api.plugins)));
    } catch (err) {
      console.warn(err);
    } finally {
      pluginsInFlight = false;
    }
  }

  // ---------------------------------------------------------------------------------
  // Start: local times, the latest snapshot (the fallback page has none), then live.
  // ---------------------------------------------------------------------------------
  for (const t of document.querySelectorAll("time[data-ms]")) t.textContent = timeText(Number(t.dataset.ms));
  document.documentElement.classList.add("js");
  getJson(api.readings).then((j) => applySnapshot(snapshotFrom(j))).catch((err) => console.warn(err));
  refreshPlugins();
  setInterval(refreshPlugins, 5000);
  setInterval(() => {
    if (lastEvent && Date.now() - lastEvent > 10000 && $("[data-conn]")?.dataset.conn === "live") setConn("stalled");
  }, 2000);
  if (typeof ResizeObserver !== "undefined") new ResizeObserver(() => charts.resize()).observe($("main") || body);
  // The axis colours come from the theme: redraw the charts when it changes.
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => charts.restyle());
  connect();
})();
