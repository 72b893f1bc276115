// Shared set-up of the end-to-end tests and benchmarks: a real `footprint serve` process and Debian's Chromium
// (SwiftShader WebGL) driven by Playwright. Every page records console errors, page errors and any request that
// would leave 127.0.0.1.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const shots = path.join(root, "target", "e2e-screenshots");
mkdirSync(shots, { recursive: true });

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * Starts the server binary (FOOTPRINT_BIN, default target/release/footprint) and waits for /healthz; with
 * `FOOTPRINT_URL`, uses the server already running there instead (the benchmarks, on a store of a million strikes).
 */
export async function startServer(options = {}) {
  if (process.env.FOOTPRINT_URL && !options.strikes) {
    const base = process.env.FOOTPRINT_URL.replace(/\/$/, "");
    if (!(await fetch(`${base}/healthz`)).ok) throw new Error(`no server at ${base}`);
    return { base, child: { kill() {} }, token: null, editorToken: null, log: () => "" };
  }
  const bin = process.env.FOOTPRINT_BIN || path.join(root, "target", "release", "footprint");
  const port = await freePort();
  const env = { ...process.env };
  delete env.FOOTPRINT_DATA;
  // A store of its own, made from the embedded data on start: never the user's default store.
  env.FOOTPRINT_STORE = path.join(mkdtempSync(path.join(os.tmpdir(), "footprint-e2e-")), "footprint.gpkg");
  // A publisher's token for the tests that write (the command line prints it once, last).
  const addUser = (name, role) =>
    execFileSync(bin, ["user", "add", name, "--role", role], { env, encoding: "utf8" }).trim().split("\n").pop();
  const token = addUser("e2e", "publisher");
  // An editor's token too, for the editor's tests.
  const editorToken = addUser("e2e-editor", "editor");
  // `strikes: N`: a data directory whose strikes layer is N real-shaped strikes (`footprint generate`), served
  // read-only.
  const data = [];
  if (options.strikes) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "footprint-e2e-data-"));
    execFileSync(bin, ["generate", dir, "--strikes", String(options.strikes)], { env });
    data.push("--data", dir);
  }
  const child = spawn(bin, ["serve", "--bind", "127.0.0.1", "--port", String(port), ...data], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, child, token, editorToken, log: () => log };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`server did not start: ${log}`);
}

/** Debian's Chromium with SwiftShader WebGL; `extraArgs` e.g. to switch WebGL off. */
export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      ...extraArgs,
      "--no-sandbox",
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** The server and the browser a test file uses: `before(async () => ({ server, browser } = await startServerAndBrowser()))`. */
export async function startServerAndBrowser(extraArgs = []) {
  return { server: await startServer(), browser: await launch(extraArgs) };
}

/** Closes the browser and stops the server (SIGTERM: it drains and exits). */
export async function stopServerAndBrowser(server, browser) {
  await browser?.close();
  server?.child.kill("SIGTERM");
}

/** A new page that records problems (see `watch`); waits for the map unless `options.noMap`. */
export async function openPage(browser, url, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport || { width: 1280, height: 800 },
    reducedMotion: options.reducedMotion || "no-preference",
    colorScheme: options.colorScheme || "light",
    locale: options.locale || "en-GB",
    extraHTTPHeaders: options.headers || {},
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url).origin });
  await recordPolicyViolations(context);
  const page = await context.newPage();
  const problems = watch(page);
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil: "load" });
  if (!options.noMap) await ready(page);
  return { page, context, problems, requests };
}

/**
 * Makes every document of `context` (pages and their frames) keep the Content-Security-Policy violations it sees in
 * `window.__policyViolations` (see `policyViolations`).
 */
export async function recordPolicyViolations(context) {
  await context.addInitScript(() => {
    window.__policyViolations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__policyViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} in ${e.documentURI}`),
    );
  });
}

/** The policy violations recorded in a page and all its frames. */
export async function policyViolations(page) {
  const all = [];
  for (const frame of page.frames()) {
    all.push(...(await frame.evaluate(() => window.__policyViolations ?? ["not recorded"]).catch(() => [])));
  }
  return all;
}

/** Records a page's console errors, page errors, failed responses and requests that leave 127.0.0.1. */
export function watch(page) {
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!(u.startsWith("http://127.0.0.1:") || u.startsWith("data:") || u.startsWith("blob:"))) {
      problems.push(`request outside 127.0.0.1: ${u}`);
    }
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  return problems;
}

/** Waits until the data is loaded, the map style and tiles are loaded and the app has rendered. */
export async function ready(page) {
  await page.waitForFunction(
    () =>
      document.querySelector("#counts")?.hasAttribute("data-strikes") &&
      window.__footprintMap?.loaded() &&
      window.__footprintMap.areTilesLoaded() &&
      document.querySelector("#histogram-cursor"),
    null,
    // Generous: software WebGL on a busy 2-core machine can be slow to draw the first tiles.
    { timeout: 60_000 },
  );
  // The page's own fonts (not the machine's) decide the layout that tests measure.
  await page.evaluate(() => document.fonts.ready);
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

/** Rendered features of one of Footprint's map layers. */
export function rendered(page, layer) {
  return page.evaluate(
    (layer) => window.__footprintMap.queryRenderedFeatures({ layers: [layer] }).map((f) => f.properties),
    layer,
  );
}

/** Screen position (page coordinates) of a lon/lat on the map. */
export async function screenPosition(page, lon, lat) {
  const box = await page.locator("#map").boundingBox();
  const p = await page.evaluate(([lon, lat]) => window.__footprintMap.project([lon, lat]), [lon, lat]);
  return { x: box.x + p.x, y: box.y + p.y };
}

/** Fails with every problem a page recorded (see `watch`). */
export function assertClean(problems) {
  assert.deepEqual(problems, [], `problems:\n${problems.join("\n")}`);
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/**
 * Runs axe-core in the page and returns serious/critical violations. axe is evaluated through the DevTools protocol
 * (nothing is fetched, and no inline script is added, which the page's Content-Security-Policy would refuse).
 */
export async function seriousViolations(page) {
  await page.evaluate(AXE);
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    WCAG,
  );
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}
