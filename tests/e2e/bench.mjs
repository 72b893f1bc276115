// Web map benchmarks (figures, not pass/fail): `cd tests/e2e && node bench.mjs` with a release server binary.
//  1. first full render of / in headless Chromium (navigation start to data, style and tiles loaded, app rendered);
//  2. one timeline step with a synthetic 10,000-event layer, timed from the step (a click on "forward a day") until
//     MapLibre has drawn it: the first 'render' event at which every source the step gave new data is loaded (the
//     worker has parsed and tiled it), i.e. the frame drawn with the step's data; also the app's own part of the
//     step (visibility, map GeoJSON, page update), as the app records it in #app[data-render-ms];
//  3. gzip size of the wasm and of everything / and the live /embed load before the basemap tiles;
//  4. gzip size of everything /embed loads before interaction (its first paint), in English and Arabic.
// `node bench.mjs NAME` runs one of them: render, step, tiled-step, transfer or first-paint. With
// `FOOTPRINT_URL=http://…` they measure a server already running (e.g. on a store of a million strikes: its
// strikes are then drawn from tiles, which `tiled-step` measures) instead of starting one on the embedded data.
import { gzipSync } from "node:zlib";

import { launch, openPage, ready, startServer } from "./harness.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function syntheticEvents(n) {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const first = Date.UTC(2024, 11, 1);
  const features = [];
  for (let i = 0; i < n; i++) {
    const day = new Date(first + Math.floor(rand() * 420) * 86_400_000).toISOString().slice(0, 10);
    features.push({
      type: "Feature",
      id: `syn-${i}`,
      geometry: { type: "Point", coordinates: [35 + 7 * rand(), 32 + 5.5 * rand()] },
      properties: {
        name: { en: `Synthetic event ${i}` },
        kind: "diplomatic-meeting",
        start: day,
        start_precision: "day",
        end: day,
        end_precision: "day",
        location_precision: "town",
        confidence: "medium",
        sources: [{ publisher: "Synthetic", url: `https://example.org/${i}`, date: day }],
      },
    });
  }
  return JSON.stringify({ type: "FeatureCollection", features });
}

/** Each URL's body gzipped (level 9), listed largest first, and their total: [gzip bytes, path] rows. */
async function gzipSizes(urls) {
  let total = 0;
  const rows = [];
  for (const url of urls) {
    const body = Buffer.from(await (await fetch(url)).arrayBuffer());
    const gz = gzipSync(body, { level: 9 }).length;
    total += gz;
    rows.push([gz, url.replace(server.base, "")]);
  }
  rows.sort((a, b) => b[0] - a[0]);
  for (const [gz, url] of rows) console.log(`  ${(gz / 1024).toFixed(1).padStart(7)} KB gzip  ${decodeURIComponent(url)}`);
  return { rows, total };
}

/** 1. The first full render of `/`, five times. */
async function firstRender() {
  const renders = [];
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${server.base}/`, { waitUntil: "load" });
    await ready(page);
    renders.push(Date.now() - started);
    await context.close();
  }
  console.log(`first full render of /: median ${median(renders)} ms over 5 runs (${renders.join(", ")}) — target <= 2000 ms`);
}

/** 2. One timeline step with 10,000 synthetic events, until MapLibre has drawn it. */
async function timelineStep() {
  // A day inside the synthetic events' period (a reader lands on the latest day, where a step forward has nowhere to go).
  const { page, context } = await openPage(browser, `${server.base}/?t=2025-03-01&mode=window&w=30`);
  const json = syntheticEvents(10_000);
  const steps = 100;
  const step = await page.evaluate(
    async ({ json, steps }) => {
      const app = await import("/static/footprint_web.js");
      const map = window.__footprintMap;
      // Records which of the map's sources the app gives new data (the bridge's setData).
      const sent = new Set();
      for (const id of ["fp-sites", "fp-strikes", "fp-events"]) {
        const source = map.getSource(id);
        const setData = source.setData.bind(source);
        source.setData = (data) => {
          sent.add(id);
          return setData(data);
        };
      }
      // Resolves at the first 'render' event at which every source in `ids` is loaded. A setData keeps its source
      // unloaded until the worker has parsed the data and re-tiled it, and tiles finish loading between frames, so
      // this frame is the first one drawn with the new data. (Not map.loaded(): while new strikes pulse, the app
      // changes a paint property every frame, which keeps the style dirty until the pulse ends.)
      const drawn = (ids) =>
        new Promise((resolve, reject) => {
          const guard = setTimeout(() => reject(new Error(`no frame drawn with new data of ${ids} in 30 s`)), 30_000);
          const check = () => {
            if (![...ids].every((id) => map.isSourceLoaded(id))) return;
            map.off("render", check);
            clearTimeout(guard);
            resolve();
          };
          map.on("render", check);
        });
      // The app's benchmark hook swaps in the synthetic events (and takes one step); let the map draw that first.
      const loading = drawn(sent);
      if (app.benchmarkSteps(json, 1) < 0) throw new Error("benchmarkSteps could not load the synthetic events");
      if (!sent.has("fp-events")) throw new Error("the synthetic events did not reach the map");
      await loading;
      const forward = document.querySelector("#forward-day");
      const toDrawn = [];
      const appPart = [];
      let nothingToDraw = 0;
      for (let i = 0; i < steps; i++) {
        sent.clear();
        const frame = drawn(sent); // listening before the step: no frame can be drawn between this and the click
        const started = performance.now();
        forward.click(); // the step: state, visibility, GeoJSON, map.setData, page update (synchronously)
        if (sent.size === 0) {
          nothingToDraw++; // nothing changed on the map: the step ends with the app's own part
          frame.catch(() => {});
        } else {
          await frame;
        }
        toDrawn.push(performance.now() - started);
        appPart.push(Number(document.querySelector("#app").getAttribute("data-render-ms")));
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      return { drawn: median(toDrawn), max: Math.max(...toDrawn), app: median(appPart), nothingToDraw };
    },
    { json, steps },
  );
  console.log(
    `one timeline step with 10,000 synthetic events, from the step until MapLibre has drawn it: median ` +
      `${step.drawn.toFixed(1)} ms (max ${step.max.toFixed(1)} ms) over ${steps} steps` +
      (step.nothingToDraw ? ` (${step.nothingToDraw} changed nothing on the map)` : ""),
  );
  console.log(
    `  of which the app's own part (visibility, map GeoJSON, page update): median ${step.app.toFixed(2)} ms — target <= 8 ms`,
  );
  await context.close();
}

/**
 * 2b. Playback steps on a tiled strikes layer (a server whose strikes are over the tiling bound, e.g. a million
 * real-shaped ones: `FOOTPRINT_URL=…`): from the click on "forward a day" until MapLibre is idle again with the new
 * window drawn (its filter changed; every eighth day or so its tiles too), and the app's own part of the step; then
 * what one frame costs in this browser: the same map drawn again with nothing changed, and the basemap alone.
 */
async function tiledStep() {
  const { page, context } = await openPage(browser, `${server.base}/?t=2026-06-01&mode=window&w=30`);
  const tiled = await page.locator("#app").getAttribute("data-tiled");
  if (!tiled.split(",").includes("strikes")) {
    console.log("tiled playback step: skipped (the strikes are loaded whole on this server)");
    return context.close();
  }
  const steps = 100;
  const result = await page.evaluate(async (steps) => {
    const map = window.__footprintMap;
    const forward = document.querySelector("#forward-day");
    const toIdle = [];
    const appPart = [];
    let timedOut = 0;
    for (let i = 0; i < steps; i++) {
      const idle = new Promise((resolve) => {
        const guard = setTimeout(() => resolve(false), 10_000);
        map.once("idle", () => {
          clearTimeout(guard);
          resolve(true);
        });
      });
      const started = performance.now();
      forward.click();
      if (!(await idle)) timedOut++;
      toIdle.push(performance.now() - started);
      appPart.push(Number(document.querySelector("#app").getAttribute("data-render-ms")));
    }
    // One frame: the map drawn again with nothing changed (the floor under a drawn step), median of 20.
    const frame = async () => {
      const times = [];
      for (let i = 0; i < 20; i++) {
        const idle = new Promise((resolve) => map.once("idle", resolve));
        const started = performance.now();
        map.triggerRepaint();
        await idle;
        times.push(performance.now() - started);
      }
      return times;
    };
    const repaint = await frame();
    // And under that, the basemap alone (Footprint's layers hidden).
    const ours = map.getStyle().layers.filter((l) => l.id.startsWith("fp-")).map((l) => l.id);
    for (const id of ours) map.setLayoutProperty(id, "visibility", "none");
    await new Promise((resolve) => map.once("idle", resolve));
    const basemap = await frame();
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { idle: median(toIdle), max: Math.max(...toIdle), app: median(appPart), repaint: median(repaint),
      basemap: median(basemap), timedOut };
  }, steps);
  const strikes = await page.locator("#counts").getAttribute("data-strikes");
  console.log(
    `tiled playback step (${strikes} strikes in the last window), from the click until the map is idle with it drawn: ` +
      `median ${result.idle.toFixed(1)} ms (max ${result.max.toFixed(1)} ms) over ${steps} steps` +
      (result.timedOut ? ` (${result.timedOut} did not reach idle within 10 s)` : ""),
  );
  console.log(`  of which the app's own part: median ${result.app.toFixed(2)} ms — target <= 16 ms`);
  console.log(`  the same map drawn again with nothing changed (the floor under a drawn step): median ${result.repaint.toFixed(1)} ms`);
  console.log(`  the basemap alone drawn again: median ${result.basemap.toFixed(1)} ms`);
  await context.close();
}

/** 3. Everything `/` and `/embed` load before the basemap tiles (the embed once live). */
async function transfer() {
  for (const [path, target] of [["/", ""], ["/embed?t=2025-03-31", " — target <= 450 KB"]]) {
    const context2 = await browser.newContext();
    const page2 = await context2.newPage();
    const urls = new Set();
    page2.on("response", (r) => urls.add(r.url()));
    await page2.goto(`${server.base}${path}`, { waitUntil: "load" });
    await ready(page2);
    const { rows, total } = await gzipSizes([...urls].filter((u) => !u.includes("/basemap/tiles/") && !u.startsWith("data:")));
    const wasm = rows.find((r) => r[1].endsWith(".wasm"));
    if (path === "/") console.log(`wasm: ${(wasm[0] / 1024).toFixed(1)} KB gzip — target <= 250 KB`);
    console.log(`everything ${path} loads before the basemap tiles: ${(total / 1024).toFixed(1)} KB gzip${target}`);
    await context2.close();
  }
}

/** 4. Everything `/embed` loads before interaction: its first paint. */
async function firstPaint() {
  // Save-Data keeps the embed from going live on its own while this is measured.
  for (const lang of ["en", "ar"]) {
    const context = await browser.newContext({ extraHTTPHeaders: { "Save-Data": "on" } });
    const page = await context.newPage();
    const urls = new Set();
    page.on("response", (r) => urls.add(r.url()));
    await page.goto(`${server.base}/embed?t=2025-03-31&lang=${lang}`, { waitUntil: "load" });
    await page.waitForFunction(() => document.querySelector("#static-map")?.complete && document.fonts.status === "loaded");
    const { total } = await gzipSizes([...urls]);
    console.log(`everything /embed?lang=${lang} loads before interaction: ${(total / 1024).toFixed(1)} KB gzip — target <= 150 KB`);
    await context.close();
  }
}

const benchmarks = { render: firstRender, step: timelineStep, "tiled-step": tiledStep, transfer, "first-paint": firstPaint };
const only = process.argv[2];
if (only && !benchmarks[only]) throw new Error(`unknown benchmark ${only}: ${Object.keys(benchmarks).join(", ")}`);
const server = await startServer();
const browser = await launch();
try {
  for (const [name, run] of Object.entries(benchmarks)) if (!only || only === name) await run();
} finally {
  await browser.close();
  server.child.kill("SIGTERM");
}
