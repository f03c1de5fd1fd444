// Drives Debian's Chromium (playwright-core, no browser download) against a running
// sensorhost: the page (the plugin's with --title, the fallback with --fallback) shows
// readings under their node's heading (--node: this node's name), they change without a reload, a history chart is drawn, the LED bank and the
// plugins are there; with --token, disabling and enabling dht22 shows up live. Saves
// screenshots (light, dark, phone). Run by tests/browser/browser_test.cpp.
//
//   node tests/browser/dashboard.mjs --url http://127.0.0.1:PORT/ --screenshot test-artifacts/dashboard.png
//        [--title TITLE | --fallback] [--token TOKEN] [--node NAME]
//
// Exit status 0 when every check passed; otherwise 1 with the failed check on stderr.
// Every wait is a condition polled by the browser with a deadline, never a fixed sleep.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";

import { chromium } from "playwright-core";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    screenshot: { type: "string", default: "test-artifacts/dashboard.png" },
    chromium: { type: "string", default: process.env.SENSORHOST_CHROMIUM || "/usr/bin/chromium" },
    timeout: { type: "string", default: "20000" },
    // The page the dashboard plugin rendered has this title ...
    title: { type: "string" },
    // ... or the host's fallback page is expected, with its notice.
    fallback: { type: "boolean", default: false },
    // The [web] token: disable and enable dht22 and see the plugin events arrive live.
    token: { type: "string" },
    // This node's name ([node] name): its readings are grouped under a heading with it.
    node: { type: "string" },
  },
});
if (!args.url) {
  console.error("usage: dashboard.mjs --url URL [--screenshot FILE] [--chromium PATH] [--title T | --fallback]");
  process.exit(2);
}
const timeout = Number(args.timeout);

// Runs one named check; a failure names the check.
async function check(name, fn) {
  try {
    const result = await fn();
    console.log(`ok   ${name}${result === undefined ? "" : `: ${JSON.stringify(result)}`}`);
    return result;
  } catch (err) {
    throw new Error(`${name}: ${err.message.split("\n")[0]}`);
  }
}

const browser = await chromium.launch({
  executablePath: args.chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  // A 404 from /api/history for a series with no samples yet is expected, not a problem.
  page.on("console", (msg) => msg.type() === "error" && !msg.text().startsWith("Failed to load resource")
    && problems.push(`console error: ${msg.text()}`));

  await check("service answers", async () => {
    const res = await page.request.get(new URL("/api/readings", args.url).href, { timeout });
    if (!res.ok()) throw new Error(`/api/readings: HTTP ${res.status()}`);
    return res.status();
  });
  await check("page loads", async () => (await page.goto(args.url, { waitUntil: "load", timeout })).status());
  await page.evaluate(() => { window.__sameDocument = true; });
  await check(args.fallback ? "fallback page with its notice" : "page rendered by the dashboard plugin", async () => {
    const found = await page.evaluate(() => ({
      fallback: document.body.hasAttribute("data-fallback"),
      notice: document.querySelector("[data-notice]")?.innerText ?? null,
      title: document.title,
    }));
    if (found.fallback !== args.fallback) throw new Error(`unexpected page: ${JSON.stringify(found)}`);
    if (args.fallback && !(found.notice && (await page.isVisible("[data-notice]"))))
      throw new Error("the notice is not visible");
    if (args.title && found.title !== args.title) throw new Error(`title ${JSON.stringify(found.title)}`);
    return args.fallback ? found.notice : found.title;
  });

  const first = await check("readings shown", () => page.waitForFunction(() => {
    const values = [...document.querySelectorAll("[data-sensor][data-quantity] [data-field=value]")];
    const numbers = values.filter((v) => /\d/.test(v.textContent));
    return numbers.length >= 3 && Object.fromEntries(numbers.map((v) => {
      const row = v.closest("[data-quantity]");
      return [`${row.dataset.sensor}/${row.dataset.quantity}`, v.textContent];
    }));
  }, null, { timeout }).then((h) => h.jsonValue()));

  await check("readings under this node's heading", () => page.waitForFunction((name) => {
    const group = document.querySelector('[data-readings] > section.node[data-local="true"]');
    const heading = group?.querySelector("[data-field=node-name]");
    const state = group?.querySelector("[data-field=node-state]")?.textContent;
    if (!heading || heading.closest("[hidden]") || !heading.getBoundingClientRect().height) return false;
    if (name !== null && heading.textContent !== name) return false;
    const groups = document.querySelectorAll("[data-readings] > section.node");
    // Every card is in a group, this node's first.
    return groups[0] === group && state === "online" && group.dataset.state === "online" &&
      document.querySelectorAll("[data-readings] article.sensor").length ===
        group.querySelectorAll("article.sensor").length && `${heading.textContent} ${state}`;
  }, args.node ?? null, { timeout }).then((h) => h.jsonValue()));

  await check("live connection", () => page.waitForFunction(
    () => document.querySelector("[data-conn]")?.dataset.conn === "live", null, { timeout }).then(() => "live"));

  await check("readings change without a reload", () => page.waitForFunction((before) => {
    if (!window.__sameDocument) throw new Error("the page was reloaded");
    for (const v of document.querySelectorAll("[data-sensor][data-quantity] [data-field=value]")) {
      const row = v.closest("[data-quantity]");
      const key = `${row.dataset.sensor}/${row.dataset.quantity}`;
      if (key in before && before[key] !== v.textContent) return `${key}: ${before[key]} -> ${v.textContent}`;
    }
    return false;
  }, first, { timeout, polling: 100 }).then((h) => h.jsonValue()));

  // A line of at least two points, and pixels of a series colour on the canvas (the grid
  // and the axes are grey).
  await check("a chart is drawn", () => page.waitForFunction(() => {
    const palette = [[47, 129, 247], [229, 83, 75], [63, 185, 80], [210, 153, 34]];
    for (const figure of document.querySelectorAll("[data-chart][data-lines]")) {
      if (Number(figure.dataset.lines) < 1) continue;
      const canvas = figure.querySelector("canvas");
      if (!canvas || !canvas.width || !canvas.height) continue;
      const px = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 0; i < px.length; i += 4)
        if (px[i + 3] > 200 && palette.some(([r, g, b]) =>
          Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 40)) ++inked;
      if (inked > 50) return `${figure.dataset.chart}: ${figure.dataset.points} points, ${inked} line pixels`;
    }
    return false;
  }, null, { timeout, polling: 200 }).then((h) => h.jsonValue()));

  await check("LED bank", () => page.waitForFunction(() => {
    const leds = [...document.querySelectorAll("[data-leds] [data-led]")];
    const known = leds.filter((l) => l.dataset.on === "true" || l.dataset.on === "false");
    return leds.length > 0 && known.length === leds.length && leds.map((l) => l.dataset.on).join(",");
  }, null, { timeout }).then((h) => h.jsonValue()));

  await check("plugin status", () => page.waitForFunction(() => {
    const items = [...document.querySelectorAll("[data-plugins] [data-plugin]")];
    return items.length > 0 && items.map((i) => `${i.dataset.plugin}:${i.querySelector("[data-field=state]")?.textContent}`).join(" ");
  }, null, { timeout }).then((h) => h.jsonValue()));

  if (args.token) {
    const admin = (action) => page.request.post(new URL(`/api/plugins/dht22/${action}`, args.url).href,
      { headers: { Authorization: `Bearer ${args.token}` }, timeout });
    const pluginState = (state) => page.waitForFunction((s) => {
      const item = document.querySelector('[data-plugins] [data-plugin="dht22"]');
      return item?.dataset.state === s && document.querySelector(`[data-events] li[data-kind="${s === "running" ? "enabled" : s}"]`) !== null;
    }, state, { timeout });
    await check("plugin events: disable", async () => {
      if (!(await admin("disable")).ok()) throw new Error("POST disable refused");
      await pluginState("disabled");
      return await page.textContent("[data-events] li");
    });
    await check("plugin events: enable", async () => {
      if (!(await admin("enable")).ok()) throw new Error("POST enable refused");
      await pluginState("running");
      return await page.textContent("[data-events] li");
    });
  }

  await check("screenshot", async () => {
    mkdirSync(dirname(args.screenshot), { recursive: true });
    await page.screenshot({ path: args.screenshot, fullPage: true });
    // The charts take their colours from the theme: wait until they are drawn again.
    const redrawn = (theme) => page.waitForFunction((t) =>
      [...document.querySelectorAll("[data-chart][data-points]")].every((f) => f.dataset.theme === t), theme);
    await page.emulateMedia({ colorScheme: "dark" });
    await redrawn("dark");
    const dark = args.screenshot.replace(/\.png$/, "-dark.png");
    await page.screenshot({ path: dark, fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
    await redrawn("light");
    await page.setViewportSize({ width: 390, height: 844 });
    const phone = args.screenshot.replace(/\.png$/, "-phone.png");
    await page.waitForFunction(() => document.querySelector("[data-chart] canvas")?.getBoundingClientRect().width <= 390);
    await page.screenshot({ path: phone, fullPage: true });
    return [args.screenshot, dark, phone];
  });

  await check("no script errors", () => {
    if (problems.length) throw new Error(problems.join("; "));
  });
} catch (err) {
  console.error(`FAIL ${err.message}`);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
