// End-to-end tests of the web map on a strikes layer larger than it loads whole (8,000 real-shaped strikes from
// `footprint generate`, over the tiling bound): the map asks for vector tiles of the window and filters them, its
// counts and list come from `/listed`, and a click or a link opens a strike it never downloaded. What it draws is
// checked against what the items API returns for the same window.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { assertClean, launch, openPage, shot, startServer, stopServerAndBrowser } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startServer({ strikes: 8_000 });
  browser = await launch();
});

after(() => stopServerAndBrowser(server, browser));

/** Every feature the items API returns for `datetime`. */
async function items(datetime) {
  const all = [];
  for (;;) {
    const res = await fetch(`${server.base}/api/collections/strikes/items?datetime=${datetime}&limit=1000&offset=${all.length}`);
    assert.equal(res.status, 200);
    const page = await res.json();
    if (page.features.length === 0) return all;
    all.push(...page.features);
  }
}

const dayNumber = (date) => Math.round(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / 86_400_000);

/** Waits until the counts line gives `n` strikes, then until the map has drawn its tiles with the state's filter. */
async function settled(page, n) {
  await page.waitForFunction((n) => document.querySelector("#counts")?.getAttribute("data-strikes") === String(n), n, {
    timeout: 30_000,
  });
  await page.waitForFunction(() => window.__footprintMap.loaded() && window.__footprintMap.areTilesLoaded(), null, {
    timeout: 30_000,
  });
}

/** Waits (up to 15 s) until the map draws strikes with exactly `expected` start days, and says what it drew. */
async function drawnAs(page, expected) {
  let drawn = [];
  for (let i = 0; i < 60; i++) {
    drawn = await drawnStarts(page);
    if (JSON.stringify(drawn) === JSON.stringify(expected)) break;
    await page.waitForTimeout(250);
  }
  return drawn;
}

/** The start days of the strikes drawn in the view, sorted. */
const drawnStarts = (page) =>
  page.evaluate(() =>
    window.__footprintMap
      .queryRenderedFeatures({ layers: ["fp-strikes-point"] })
      .map((f) => f.properties.start_day)
      .sort((a, b) => a - b),
  );

test("a large layer is drawn from tiles of its window, never downloaded, showing what the items API returns", async () => {
  const { page, problems, context, requests } = await openPage(browser, `${server.base}/?t=2025-03-31&w=30`);
  const march = await items("2025-03-02/2025-03-31");
  assert.ok(march.length > 100, `the window holds strikes: ${march.length}`);
  await settled(page, march.length);
  assert.ok(!requests.some((u) => u.includes("/collections/strikes/download")), "the strikes are not downloaded");
  assert.ok(requests.some((u) => u.includes("/collections/strikes/tiles/")), "their tiles are asked for");
  assert.ok(requests.some((u) => u.includes("/collections/strikes/listed?")), "their list is asked for");
  const located = march.filter((f) => f.geometry).map((f) => dayNumber(f.properties.start)).sort((a, b) => a - b);
  assert.deepEqual(await drawnAs(page, located), located, "the map draws exactly the window's located strikes");
  // The list holds the latest of them and says how many it leaves out.
  const listed = await page.locator("#text-view li:not(.list-more):not(.list-empty)").count();
  assert.equal(listed, 100, "the list's hundred latest entries");
  const more = await page.locator("#text-view li.list-more").textContent();
  const events = (await (await fetch(`${server.base}/api/collections/events/items?datetime=2025-03-02/2025-03-31`)).json())
    .numberMatched;
  const left = march.length + events - 100;
  assert.ok(more.replace(/\D/g, "") === String(left), `the list says it leaves out ${left}: ${more}`);
  await shot(page, "scale-tiled-window");

  // A step forward: the filter moves with the window; what is drawn is again what the API returns.
  const tilesBefore = requests.filter((u) => u.includes("/tiles/")).length;
  await page.click("#forward-day");
  const next = await items("2025-03-03/2025-04-01");
  await settled(page, next.length);
  const nextLocated = next.filter((f) => f.geometry).map((f) => dayNumber(f.properties.start)).sort((a, b) => a - b);
  assert.deepEqual(await drawnAs(page, nextLocated), nextLocated);
  const tilesAfter = requests.filter((u) => u.includes("/tiles/")).length;
  assert.ok(tilesAfter - tilesBefore <= 12, `a step asks for at most one view of tiles: ${tilesAfter - tilesBefore}`);
  assertClean(problems);
  await context.close();
});

test("clicking a tiled strike opens its panel, and the link it leaves opens it again", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/?t=2025-03-31&w=7&at=38.5,35.2,7`);
  const week = await items("2025-03-25/2025-03-31");
  await settled(page, week.length);
  const target = await page.evaluate(() => {
    const map = window.__footprintMap;
    const box = map.getContainer().getBoundingClientRect();
    const hit = map
      .queryRenderedFeatures({ layers: ["fp-strikes-point"] })
      .map((f) => map.project(f.geometry.coordinates))
      .find((p) => p.x > 40 && p.y > 40 && p.x < box.width - 40 && p.y < box.height - 40);
    return hit && { x: box.x + hit.x, y: box.y + hit.y };
  });
  assert.ok(target, "a strike is drawn inside the view");
  await page.mouse.click(target.x, target.y);
  const panel = page.locator("#panel");
  await panel.waitFor({ state: "visible" });
  const heading = await page.locator("#panel h2").textContent();
  assert.ok(heading.trim().length > 0);
  const sel = new URL(page.url()).searchParams.get("sel");
  assert.match(sel, /^strikes:/);
  const opened = week.find((f) => `strikes:${f.id}` === sel);
  assert.ok(opened, `the opened strike (${sel}) is one of the window's`);
  assert.equal(heading.trim(), opened.properties.name.en);
  await shot(page, "scale-tiled-panel");

  // The link opens the same strike, which the page has never loaded.
  const again = await openPage(browser, page.url());
  await again.page.locator("#panel").waitFor({ state: "visible" });
  assert.equal((await again.page.locator("#panel h2").textContent()).trim(), opened.properties.name.en);
  assertClean(again.problems);
  await again.context.close();
  assertClean(problems);
  await context.close();
});

test("until the server has counted a large layer's window, the counts line says it is counting, never zero", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
  const page = await context.newPage();
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route("**/api/collections/strikes/listed?**", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${server.base}/?t=2025-03-31&w=30`, { waitUntil: "load" });
  const counts = page.locator("#counts");
  await page.waitForFunction(() => document.querySelector("#counts")?.textContent.includes("counting"), null, {
    timeout: 30_000,
  });
  const before = await counts.textContent();
  assert.match(before, /^2 Mar 2025 – 31 Mar 2025: counting…$/);
  release();
  const march = await items("2025-03-02/2025-03-31");
  await page.waitForFunction((n) => document.querySelector("#counts")?.getAttribute("data-strikes") === String(n), march.length, {
    timeout: 30_000,
  });
  assert.match(await counts.textContent(), new RegExp(`^2 Mar 2025 – 31 Mar 2025: ${march.length.toLocaleString("en-GB")} strikes`));
  await context.close();
});
