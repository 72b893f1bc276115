// End-to-end tests of the embeddable widget: an editor copies the responsive snippet from the Embed dialog, a
// third-party page on another origin (another port) embeds it, the iframe renders the map and takes the height the
// widget reports, and a forged height message from a foreign origin is ignored. Screenshots in target/e2e-screenshots.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";

import { openPage, shot, startServerAndBrowser, stopServerAndBrowser } from "./harness.mjs";

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
  await page.locator("iframe[id^=footprint-]").scrollIntoViewIfNeeded();
  let frame;
  for (let i = 0; i < 100 && !frame; i++) {
    frame = page.frames().find((f) => f.url().includes("/embed?"));
    if (!frame) await page.waitForTimeout(200);
  }
  assert.ok(frame, "the widget iframe is on the page");
  await frame.waitForFunction(
    () => window.__footprintMap?.loaded() && document.querySelector("#counts")?.hasAttribute("data-strikes"),
    null,
    { timeout: 30_000 },
  );
  return frame;
}

test("a page on another origin embeds the responsive snippet, which takes the widget's height and ignores forgeries", async () => {
  const snippet = await snippetFromTheDialog();
  const forger = await serve({
    "/forge": `<!doctype html><script>
      // A foreign origin trying to resize the widget's iframe.
      parent.postMessage({ type: "footprint:height", height: 1234 }, "*");
      setTimeout(() => parent.postMessage({ type: "footprint:height", height: 1234 }, "*"), 1500);
    </script>`,
  });
  const origin = await serve({
    "/article": `<!doctype html><html><head><meta charset="utf-8"><title>An article</title>
      <style>body{font:16px sans-serif;max-width:46rem;margin:1rem auto;padding:0 .5rem}</style></head>
      <body><h1>Russia's bases in Syria</h1><p>Reporting…</p>${snippet}
      <iframe src="${"FORGER"}/forge" width="10" height="10" title="forger"></iframe>
      <script>setTimeout(() => window.postMessage({ type: "footprint:height", height: 999 }, "*"), 1000);</script>
      <p>More reporting…</p></body></html>`.replace("FORGER", forger),
  });
  for (const width of [1000, 320]) {
    const { page, problems, context } = await openPage(browser, `${origin}/article`, {
      viewport: { width, height: 900 },
      noMap: true,
    });
    const frame = await widgetFrame(page);
    const iframe = page.locator("iframe[id^=footprint-]");
    // The widget reports its height; the snippet applies it (and not the forged 1234 or 999).
    await page.waitForTimeout(2500);
    const reported = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    const applied = (await iframe.boundingBox()).height;
    assert.ok(Math.abs(applied - reported) <= 2, `iframe ${applied}px, widget reports ${reported}px`);
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
  await still.page.waitForTimeout(800);
  assert.equal(await still.page.locator("#play").getAttribute("data-playing"), "false");
  assert.equal(await still.page.locator("#current-date").textContent(), "1 Dec 2024");
  await still.context.close();
});
