// End-to-end tests of the embeddable widget: it first paints the static image of its state and goes live when the
// reader asks or looks; an editor copies the responsive snippet from the Embed dialog, a
// third-party page on another origin (another port) embeds it, the iframe renders the map and takes the height the
// widget reports, and a forged height message from a foreign origin is ignored. Screenshots in target/e2e-screenshots.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";

import {
  assertClean,
  openPage,
  ready,
  seriousViolations,
  shot,
  startServerAndBrowser,
  stopServerAndBrowser,
} from "./harness.mjs";

let server;
let browser;
const thirdParty = [];

before(async () => ({ server, browser } = await startServerAndBrowser()));

after(async () => {
  await stopServerAndBrowser(server, browser);
  for (const s of thirdParty) s.close();
});

/** Serves `pages` (path → HTML) on a free port of 127.0.0.1: a different origin from the map server. */
function serve(pages) {
  return new Promise((resolve) => {
    const s = createServer((req, res) => {
      const path = req.url.split("?")[0];
      const body = path === "/favicon.ico" ? " " : pages[path];
      res.writeHead(body ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
      res.end(body || "not found");
    });
    s.listen(0, "127.0.0.1", () => {
      thirdParty.push(s);
      resolve(`http://127.0.0.1:${s.address().port}`);
    });
  });
}

async function snippetFromTheDialog() {
  const { page, problems, context } = await openPage(browser, `${server.base}/?t=2025-03-31&w=30`);
  await page.locator("#embed-open").click();
  await page.locator("#embed-dialog").waitFor({ state: "visible" });
  const preview = await page.locator("#embed-preview").getAttribute("src");
  assert.ok(preview.startsWith(`${server.base}/embed?`) && preview.includes("t=2025-03-31"), preview);
  const plain = await page.locator("#embed-iframe-code").inputValue();
  assert.match(plain, /^<iframe src="[^"]+\/embed\?[^"]*" title="Footprint map[^"]*"/);
  await page.locator("input[name=embed-size][value='4:3']").check();
  assert.match(await page.locator("#embed-iframe-code").inputValue(), /aspect-ratio:4\/3/);
  await page.locator("input[name=embed-size][value=responsive]").check();
  const responsive = await page.locator("#embed-responsive-code").inputValue();
  await page.frameLocator("#embed-preview").locator("#counts[data-strikes]").waitFor({ timeout: 30_000 });
  await shot(page, "10-embed-dialog");
  await page.keyboard.press("Escape");
  await page.locator("#embed-dialog").waitFor({ state: "hidden" });
  assert.deepEqual(problems, []);
  await context.close();
  return responsive;
}

async function widgetFrame(page) {
  const iframe = page.locator("iframe[id^=footprint-]");
  await iframe.scrollIntoViewIfNeeded();
  // The snippet's iframe is lazy: scrolled into view, its frame navigates to the widget.
  const frame = await (await iframe.elementHandle()).contentFrame();
  assert.ok(frame, "the widget iframe is on the page");
  await frame.waitForURL(/\/embed\?/, { waitUntil: "commit", timeout: 30_000 });
  await frame.waitForFunction(
    () => window.__footprintMap?.loaded() && document.querySelector("#counts")?.hasAttribute("data-strikes"),
    null,
    { timeout: 30_000 },
  );
  return frame;
}

/**
 * The widget iframe's height once the snippet has applied the widget's current height: checks on each of the
 * widget's animation frames (not on a timer) until the two agree or 30 s have passed; the caller asserts.
 */
async function appliedHeight(frame, iframe) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const reported = await frame.evaluate(
      () =>
        new Promise((resolve) =>
          requestAnimationFrame(() => resolve(Math.ceil(document.documentElement.getBoundingClientRect().height))),
        ),
    );
    const applied = (await iframe.boundingBox()).height;
    if (Math.abs(applied - reported) <= 2 || Date.now() > deadline) return { reported, applied };
  }
}

test("a page on another origin embeds the responsive snippet, which takes the widget's height and ignores forgeries", async () => {
  const snippet = await snippetFromTheDialog();
  const forger = await serve({
    "/forge": `<!doctype html><script>
      // A foreign origin trying to resize the widget's iframe: once on load, and again when the test asks (after the
      // widget's own height is applied). A marker follows each forgery; the article records it once it is delivered.
      function forge(marker) {
        parent.postMessage({ type: "footprint:height", height: 1234 }, "*");
        parent.postMessage({ type: "test:forged", marker: "forger:" + marker }, "*");
      }
      forge("load");
    </script>`,
  });
  const origin = await serve({
    "/article": `<!doctype html><html><head><meta charset="utf-8"><title>An article</title>
      <style>body{font:16px sans-serif;max-width:46rem;margin:1rem auto;padding:0 .5rem}</style></head>
      <body><h1>Russia's bases in Syria</h1><p>Reporting…</p>${snippet}
      <iframe src="${"FORGER"}/forge" width="10" height="10" title="forger"></iframe>
      <script>
        // The test's observer. Registered after the snippet's listener, it sees each message after the snippet has
        // handled it: the heights the widget reported, and the markers that follow the forgeries.
        window.__widgetHeights = [];
        window.__forged = [];
        addEventListener("message", (e) => {
          const widget = document.querySelector("iframe[id^=footprint-]");
          if (e.data?.type === "footprint:height" && e.source === widget.contentWindow) __widgetHeights.push(e.data.height);
          if (e.data?.type === "test:forged") __forged.push(e.data.marker);
        });
        // The embedding page itself posting a height (its origin is not the widget's), on load and when asked.
        function forgeHere(marker) {
          postMessage({ type: "footprint:height", height: 999 }, "*");
          postMessage({ type: "test:forged", marker: "article:" + marker }, "*");
        }
        forgeHere("load");
      </script>
      <p>More reporting…</p></body></html>`.replace("FORGER", forger),
  });
  for (const width of [1000, 320]) {
    const { page, problems, context } = await openPage(browser, `${origin}/article`, {
      viewport: { width, height: 900 },
      noMap: true,
    });
    const frame = await widgetFrame(page);
    const iframe = page.locator("iframe[id^=footprint-]");
    // The widget reports its height; the snippet applies it.
    await page.waitForFunction(() => window.__widgetHeights.length > 0, null, { timeout: 30_000 });
    const settled = await appliedHeight(frame, iframe);
    assert.ok(Math.abs(settled.applied - settled.reported) <= 2, `iframe ${settled.applied}px, widget reports ${settled.reported}px`);
    // Now that the widget's height is applied, both forgers post a height again, each followed by a marker: once
    // the page has received both markers, the snippet has seen (and must have ignored) the forged 1234 and 999.
    const forgerFrame = page.frames().find((f) => f.url() === `${forger}/forge`);
    assert.ok(forgerFrame, "the forger's iframe is on the page");
    await forgerFrame.evaluate(() => forge("after-the-widget"));
    await page.evaluate(() => forgeHere("after-the-widget"));
    await page.waitForFunction(
      () => ["forger:after-the-widget", "article:after-the-widget"].every((m) => window.__forged.includes(m)),
      null,
      { timeout: 10_000 },
    );
    const reported = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    const applied = (await iframe.boundingBox()).height;
    assert.ok(Math.abs(applied - reported) <= 2, `iframe ${applied}px, widget reports ${reported}px`);
    assert.equal(applied, settled.applied, "the forged heights did not change the iframe's height");
    assert.notEqual(Math.round(applied), 1234);
    assert.notEqual(Math.round(applied), 999);
    const box = await iframe.boundingBox();
    assert.ok(box.width <= width, `fits ${width}px: ${box.width}`);
    const play = await frame.locator("#play").boundingBox();
    assert.ok(play && play.x >= 0 && play.x + play.width <= box.width, `play button inside the widget at ${width}px`);
    assert.ok((await frame.evaluate(() => window.__footprintMap.queryRenderedFeatures({ layers: ["fp-sites-dot"] }).length)) > 0);
    await iframe.scrollIntoViewIfNeeded();
    await shot(page, `11-embedded-${width}px`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test("the embed honours its parameters and links to the full map with the same state", async () => {
  const url = `${server.base}/embed?t=2025-03-31&w=30&title=Strikes%20in%20March&caption=Source%3A%20Footprint&controls=0&theme=dark`;
  const { page, problems, context } = await openPage(browser, url, { viewport: { width: 600, height: 700 } });
  assert.equal(await page.locator(".embed-title").textContent(), "Strikes in March");
  assert.equal(await page.locator(".embed-caption").textContent(), "Source: Footprint");
  assert.equal(await page.locator("#play").isVisible(), false, "controls=0 hides the controls");
  const full = await page.locator("#full-map").getAttribute("href");
  assert.equal(full, `${server.base}/?t=2025-03-31&w=30`);
  await shot(page, "12-embed-dark-no-controls");
  assert.deepEqual(problems, []);
  await context.close();
});

test("autoplay plays, unless the reader prefers reduced motion", async () => {
  const url = `${server.base}/embed?t=2024-12-01&autoplay=1`;
  // Not waiting for the map to settle: while it plays, its sources change every frame, so "all tiles loaded" may
  // not hold for long on a slow software-WebGL machine. The data is loaded once the counts are written.
  const playing = await openPage(browser, url, { noMap: true });
  await playing.page.waitForFunction(() => document.querySelector("#counts")?.hasAttribute("data-strikes"), null, {
    timeout: 60_000,
  });
  await playing.page.waitForFunction(() => document.querySelector("#play").getAttribute("data-playing") === "true", null, {
    timeout: 60_000,
  });
  await playing.page.waitForFunction(() => document.querySelector("#current-date").textContent !== "1 Dec 2024", null, {
    timeout: 60_000,
  });
  await playing.context.close();
  const still = await openPage(browser, url, { reducedMotion: "reduce" });
  // openPage waited for the histogram cursor, drawn in the same task in which the app decides on autoplay. Then let
  // animation frames run until their timestamps span two days of playback at the page's speed (the app advances
  // the date from these timestamps): had it started playing, the date would have moved by now.
  await still.page.evaluate(() => {
    const msPerDay = 1000 / (2 * Number(document.querySelector("#speed").value)); // DAYS_PER_SECOND = 2
    return new Promise((resolve) => {
      let first;
      const frame = (time) => {
        first ??= time;
        if (time - first >= 2 * msPerDay) resolve();
        else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
  });
  assert.equal(await still.page.locator("#play").getAttribute("data-playing"), "false");
  assert.equal(await still.page.locator("#current-date").textContent(), "1 Dec 2024");
  await still.context.close();
});

/** Requests for the live map's parts (MapLibre, the app's module and WebAssembly, the layers). */
const livePart = (urls) => urls.filter((u) => /maplibre-gl|\.wasm|footprint_web|\/main\.js|\/download\?/.test(u));

test("with Save-Data the embed stays the image of its state, with its timeline, until the reader asks for the map", async () => {
  const url = `${server.base}/embed?t=2025-03-31&w=30`;
  const { page, problems, context, requests } = await openPage(browser, url, { noMap: true, headers: { "Save-Data": "on" } });
  await page.waitForFunction(() => document.querySelector("#static-map")?.complete, null, { timeout: 30_000 });
  assert.ok((await page.locator("#static-map").evaluate((img) => img.naturalWidth)) > 0, "the image is drawn");
  assert.equal(await page.locator("#current-date").textContent(), "31 Mar 2025", "the timeline shows the day");
  assert.equal(await page.locator("#scrubber").inputValue(), "120", "the slider stands at the day");
  // Longer than the moment on screen after which an embed goes live by itself (1.5 s): with Save-Data it must not.
  // (Waiting cannot make this fail on a slow machine; the live map's requests would only come later.)
  await page.waitForTimeout(3_000);
  assert.deepEqual(livePart(requests), [], "nothing of the live map is fetched before the reader asks");
  await shot(page, "13-embed-first-paint");
  assert.deepEqual(await seriousViolations(page), [], "the first paint is accessible (the image's text, the button)");
  await page.locator("#go-live").click();
  await ready(page);
  assert.equal(await page.locator("#static-map").count(), 0, "the image gives way to the live map");
  assert.equal(await page.locator("#go-live").count(), 0);
  assert.equal(await page.locator("#current-date").textContent(), "31 Mar 2025", "the live map keeps the state");
  assert.match(page.url(), /t=2025-03-31/);
  assert.ok(livePart(requests).some((u) => u.endsWith("/maplibre-gl.mjs")), "the live map loaded MapLibre");
  assertClean(problems);
  await context.close();
});

test("three embeds below the fold cost nothing until the reader scrolls to one, which goes live on its own", async () => {
  const widget = (t) =>
    `<iframe src="${server.base}/embed?t=${t}" title="Footprint map ${t}" style="border:0;width:100%;height:480px" loading="lazy"></iframe>`;
  const gap = `<div style="height:6000px">Reporting…</div>`;
  const origin = await serve({
    "/long": `<!doctype html><html><head><meta charset="utf-8"><title>A long article</title></head><body>
      <h1>A long article</h1>${gap}${widget("2025-01-31")}${gap}${widget("2025-02-28")}${gap}${widget("2025-03-31")}
      <p>The end.</p></body></html>`,
  });
  const { page, problems, context } = await openPage(browser, `${origin}/long`, { noMap: true });
  const fromMap = [];
  page.on("request", (r) => r.url().startsWith(server.base) && fromMap.push(r.url()));
  await page.waitForTimeout(2_000);
  assert.deepEqual(fromMap, [], "no embed is fetched while all three are far below the fold");
  const first = page.locator("iframe").first();
  await first.scrollIntoViewIfNeeded();
  const frame = await (await first.elementHandle()).contentFrame();
  await frame.waitForURL(/\/embed\?/, { waitUntil: "commit", timeout: 30_000 });
  // On screen for a moment, the first embed goes live by itself.
  await frame.waitForFunction(() => document.querySelector("#counts")?.hasAttribute("data-strikes"), null, {
    timeout: 60_000,
  });
  assert.equal(await frame.locator("#current-date").textContent(), "31 Jan 2025");
  const embeds = fromMap.filter((u) => u.includes("/embed?"));
  assert.deepEqual(embeds, [`${server.base}/embed?t=2025-01-31`], "only the embed on screen was fetched");
  assertClean(problems);
  await context.close();
});

test("a keyboard reader tabs to the embed's button, and the live map it asked for takes the focus", async () => {
  const url = `${server.base}/embed?t=2025-03-31&w=30`;
  const { page, problems, context } = await openPage(browser, url, { noMap: true, headers: { "Save-Data": "on" } });
  await page.locator("#go-live").waitFor();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "go-live", "the button is the first stop");
  await ready(page);
  assert.equal(await page.locator("#go-live").count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "map", "the focus goes on in the map");
  assertClean(problems);
  await context.close();
});
