// End-to-end tests of the web map: Playwright drives Debian's Chromium (SwiftShader WebGL) against the real server.
// Every test saves a screenshot under target/e2e-screenshots/ and fails on console errors, page errors, failed
// requests or any request that leaves 127.0.0.1.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { assertClean, openPage, ready, rendered, screenPosition, shot, startServerAndBrowser, stopServerAndBrowser } from "./harness.mjs";

const KHMEIMIM = [35.945, 35.41167];
let server;
let browser;

before(async () => ({ server, browser } = await startServerAndBrowser()));

after(() => stopServerAndBrowser(server, browser));

async function api(path) {
  const res = await fetch(server.base + path);
  assert.equal(res.status, 200, path);
  return res.json();
}

const text = (page, selector) => page.locator(selector).textContent();

test("the map loads without errors, renders the sites and asks nothing of another server", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/?t=2025-06-01`);
  const sites = await rendered(page, "fp-sites-dot");
  assert.ok(sites.length >= 5, `sites rendered: ${sites.length}`);
  assert.ok(sites.some((s) => s.status === "drawdown-reported"));
  assert.equal(await text(page, "#current-date"), "1 Jun 2025");
  const basemap = await page.evaluate(() => window.__footprintMap.queryRenderedFeatures().filter((f) => f.source === "basemap").length);
  assert.ok(basemap > 10, "the offline basemap is drawn");
  await shot(page, "01-map-loaded");
  assertClean(problems);
  await context.close();
});

test("the text view's list edited step by step says what a fresh page of that day says", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/?t=2024-12-10&w=7`);
  const list = () => page.locator("#window-list").evaluate((ol) => [...ol.children].map((li) => li.textContent));
  for (const id of ["#forward-day", "#forward-day", "#forward-week", "#back-day", "#forward-day", "#back-week", "#forward-day"]) {
    const before = await page.locator("#current-date").textContent();
    await page.locator(id).click();
    await page.waitForFunction((b) => document.querySelector("#current-date").textContent !== b, before);
  }
  const edited = await list();
  const url = page.url();
  const fresh = await openPage(browser, url);
  const rebuilt = await fresh.page.locator("#window-list").evaluate((ol) => [...ol.children].map((li) => li.textContent));
  assert.ok(rebuilt.length > 1, `entries: ${rebuilt.length}`);
  assert.deepEqual(edited, rebuilt);
  assertClean(problems);
  assertClean(fresh.problems);
  await fresh.context.close();
  await context.close();
});

test("a reader lands on the latest day with data, in a 30-day window, as the page's card and image say", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/`);
  // The latest start of any layer, by the API: the end of the timeline's extent over every collection.
  const latest = (await api("/api/timeline?bucket=month")).datetime.split("/")[1];
  await page.waitForFunction((day) => location.search.includes(`t=${day}`), latest);
  assert.equal(await page.locator("#mode").inputValue(), "window");
  assert.equal(await page.locator("#window").inputValue(), "30");
  const image = await page.locator('meta[property="og:image"]').getAttribute("content");
  assert.ok(image.includes(`t=${latest}&mode=window&w=30`), image);
  const shown = await page.locator("#counts").getAttribute("data-strikes");
  const first = new Date(Date.parse(latest) - 29 * 86_400_000).toISOString().slice(0, 10);
  const expected = (await api(`/api/collections/strikes/items?datetime=${first}/${latest}&limit=1`)).numberMatched;
  assert.equal(shown, String(expected));
  const description = await page.locator('meta[property="og:description"]').getAttribute("content");
  assert.ok(description.startsWith(`${expected} strike`), description);
  assertClean(problems);
  await context.close();
});

test("scrubbing to two dates shows the numbers of strikes the API reports for those windows", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/?w=30`);
  const first = (await api("/api/timeline?collections=strikes&bucket=day")).datetime.split("/")[0];
  for (const [day, from] of [
    ["2024-12-10", "2024-11-11"],
    ["2025-03-31", "2025-03-02"],
  ]) {
    const offset = Math.round((Date.parse(day) - Date.parse("2024-12-01")) / 86_400_000);
    await page.locator("#scrubber").evaluate((el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, offset);
    const expected = (await api(`/api/collections/strikes/items?datetime=${from}/${day}&limit=1`)).numberMatched;
    assert.equal(await page.locator("#counts").getAttribute("data-strikes"), String(expected), `${day}`);
    assert.ok(expected > 0, `${day}: strikes in the window`);
    assert.ok(page.url().includes(`t=${day}`), "the URL follows the scrubber");
    await page.waitForFunction(() => window.__footprintMap.areTilesLoaded());
    await shot(page, `02-scrubbed-${day}`);
  }
  assert.ok(first <= "2024-12-08");
  // Cumulative: everything up to the day, as `datetime=../day` (including events before the timeline starts).
  await page.locator("#mode").selectOption("cumulative");
  for (const [layer, collection] of [["data-strikes", "strikes"], ["data-events", "events"]]) {
    const expected = (await api(`/api/collections/${collection}/items?datetime=../2025-03-31&limit=1`)).numberMatched;
    assert.equal(await page.locator("#counts").getAttribute(layer), String(expected), `cumulative ${collection}`);
  }
  await shot(page, "02-cumulative-2025-03-31");
  assertClean(problems);
  await context.close();
});

test("play advances the date and changes Khmeimim's status colour on its recorded date", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/?t=2024-12-04&speed=2&at=35.9,35.2,7`);
  const statusAt = async () => {
    const pos = await screenPosition(page, ...KHMEIMIM);
    const box = await page.locator("#map").boundingBox();
    const hits = await page.evaluate(
      ([x, y]) => window.__footprintMap.queryRenderedFeatures([x, y], { layers: ["fp-sites-dot"] }).map((f) => f.properties.status),
      [pos.x - box.x, pos.y - box.y],
    );
    return hits[0];
  };
  assert.equal(await statusAt(), "russian-operated");
  await shot(page, "03-before-play");
  await page.locator("#play").click();
  await page.waitForFunction(() => document.querySelector("#current-date").textContent !== "4 Dec 2024", null, { timeout: 10_000 });
  await page.waitForFunction(
    () => ["8 Dec 2024", "9 Dec 2024", "10 Dec 2024", "11 Dec 2024"].includes(document.querySelector("#current-date").textContent),
    null,
    { timeout: 15_000 },
  );
  await page.locator("#play").click();
  assert.equal(await page.locator("#play").getAttribute("data-playing"), "false");
  await page.waitForFunction(() => window.__footprintMap.areTilesLoaded());
  assert.equal(await statusAt(), "drawdown-reported", "from 7 Dec 2024 Khmeimim is 'drawdown reported'");
  await shot(page, "03-after-play");
  assertClean(problems);
  await context.close();
});

test("clicking Khmeimim opens its panel with its status history and sources", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/?t=2025-06-01&at=35.945,35.4117,9`);
  const pos = await screenPosition(page, ...KHMEIMIM);
  await page.mouse.click(pos.x, pos.y);
  const panel = page.locator("#panel");
  await panel.waitFor({ state: "visible" });
  assert.match(await text(page, "#panel h2"), /Khmeimim/);
  const links = await page.locator("#panel a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(links.length >= 1 && links.every((h) => /^https?:\/\//.test(h)), `source links: ${links}`);
  const history = await page.locator("#panel ol li").allTextContents();
  assert.ok(history.length >= 2 && history.some((h) => /Russian-operated/.test(h)), `history: ${history}`);
  assert.ok(page.url().includes("sel=sites%3Akhmeimim"), page.url());
  await shot(page, "04-khmeimim-panel");
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "hidden" });
  assertClean(problems);
  await context.close();
});

test("a denied strike's panel shows the denial among the facts, as plainly as the claim", async () => {
  // Sahnaya, 30 Apr 2025 (e35): Israel claimed the strike; Syria's Interior Ministry disputed its account.
  const { page, problems, context } = await openPage(browser, `${server.base}/?t=2025-04-30&sel=strikes:e35`);
  const panel = page.locator("#panel");
  await panel.waitFor({ state: "visible" });
  const facts = await page.locator("#panel dl").textContent();
  assert.match(facts, /Disputed\s*Denied by Syrian Interior Ministry/, facts);
  const weight = (selector) => page.locator(selector).first().evaluate((el) => Number(getComputedStyle(el).fontWeight));
  const [claimed, denied, reported] = [
    await weight("#panel li.stance-claimed"),
    await weight("#panel li.stance-denied"),
    await weight("#panel li.stance-attributed"),
  ];
  assert.equal(denied, claimed, "a denial weighs as much as the claim");
  assert.ok(denied > reported, `the claim and its denial stand out: ${denied} vs ${reported}`);
  await shot(page, "05b-denied-strike-panel");
  assertClean(problems);
  await context.close();
});

test("a deep link restores the same state, and back/forward move through it", async () => {
  const url =
    `${server.base}/?t=2025-03-31&mode=cumulative&w=90&speed=4&layers=sites,strikes&conf=high,medium` +
    `&sel=strikes:e30&at=36.2,33.6,7.5`;
  const { page, problems, context } = await openPage(browser, url);
  const check = async () => {
    assert.equal(await text(page, "#current-date"), "31 Mar 2025");
    assert.equal(await page.locator("#mode").inputValue(), "cumulative");
    assert.equal(await page.locator("#speed").inputValue(), "4");
    assert.equal(await page.locator("#layer-events").isChecked(), false);
    assert.equal(await page.locator("#confidence-low").isChecked(), false);
    assert.ok(await page.locator("#panel").isVisible());
    const center = await page.evaluate(() => window.__footprintMap.getCenter());
    assert.ok(Math.abs(center.lng - 36.2) < 0.01 && Math.abs(center.lat - 33.6) < 0.01, JSON.stringify(center));
    assert.ok(Math.abs((await page.evaluate(() => window.__footprintMap.getZoom())) - 7.5) < 0.01);
  };
  await check();
  const strikes = await page.locator("#counts").getAttribute("data-strikes");
  await shot(page, "05-deep-link");
  await page.reload();
  await ready(page);
  await check();
  assert.equal(await page.locator("#counts").getAttribute("data-strikes"), strikes, "same strikes after reload");
  // Close the panel (a new history entry), then go back: the panel returns.
  await page.locator("#panel-close").click();
  await page.locator("#panel").waitFor({ state: "hidden" });
  await page.goBack();
  await page.locator("#panel").waitFor({ state: "visible" });
  await page.goForward();
  await page.locator("#panel").waitFor({ state: "hidden" });
  await page.locator("#copy-link").click();
  await page.waitForFunction(() => document.querySelector("#copy-status").textContent !== "");
  assert.equal(await text(page, "#copy-status"), "Link copied");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), page.url());
  assertClean(problems);
  await context.close();
});

test("on a phone the playback controls fit the first screen in each language, the longest included", async () => {
  for (const lang of ["en", "ru", "ar"]) {
    const { page, problems, context } = await openPage(browser, `${server.base}/?t=2025-06-01&lang=${lang}`, {
      viewport: { width: 360, height: 640 },
    });
    for (const id of ["#play", "#back-week", "#back-day", "#current-date", "#forward-day", "#forward-week", "#scrubber"]) {
      const box = await page.locator(id).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 360 && box.y >= 0 && box.y + box.height <= 640, `${lang} ${id} on screen: ${JSON.stringify(box)}`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `${lang}: nothing wider than the screen`);
    await shot(page, `06-phone-${lang}`);
    assertClean(problems);
    await context.close();
  }
});

test("on a phone the timeline stays usable and the panel becomes a bottom sheet", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/?t=2025-06-01&sel=sites:khmeimim.2024-12-07`, {
    viewport: { width: 360, height: 640 },
  });
  for (const id of ["#play", "#forward-day", "#scrubber"]) {
    const box = await page.locator(id).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 360 && box.y + box.height <= 640, `${id} on screen: ${JSON.stringify(box)}`);
  }
  const sheet = await page.locator("#panel").boundingBox();
  assert.ok(sheet.width >= 359 && Math.abs(sheet.y + sheet.height - 640) < 2, `bottom sheet: ${JSON.stringify(sheet)}`);
  await shot(page, "06-phone-panel");
  // Keyboard focus on a control the sheet would cover scrolls it into the part left visible (WCAG 2.4.11).
  for (const id of ["#play", "#forward-week", "#layer-events"]) {
    await page.locator(id).focus();
    const [control, top] = await page.evaluate((id) => [document.querySelector(id).getBoundingClientRect().bottom, document.querySelector("#panel").getBoundingClientRect().top], id);
    assert.ok(control <= top, `${id} (bottom ${control}) is not hidden under the sheet (top ${top})`);
  }
  await shot(page, "06-phone-focus-above-sheet");
  await page.locator("#panel-close").click();
  await page.locator("#forward-day").click();
  assert.equal(await text(page, "#current-date"), "2 Jun 2025");
  await shot(page, "06-phone-map");
  assertClean(problems);
  await context.close();
});

test("new strikes pulse, unless the reader prefers reduced motion", async () => {
  const pulse = (page) => page.evaluate(() => window.__footprintMap.getPaintProperty("fp-strikes-pulse", "circle-stroke-opacity"));
  // Control: with motion allowed, stepping onto 8 Dec 2024 (the first strikes) starts a pulse.
  const moving = await openPage(browser, `${server.base}/?t=2024-12-07`);
  await moving.page.locator("#forward-day").click();
  await moving.page.waitForFunction(() => window.__footprintMap.getPaintProperty("fp-strikes-pulse", "circle-stroke-opacity") > 0, null, { timeout: 5000 });
  await shot(moving.page, "07-pulse");
  assertClean(moving.problems);
  await moving.context.close();
  const still = await openPage(browser, `${server.base}/?t=2024-12-07`, { reducedMotion: "reduce" });
  await still.page.locator("#forward-day").click();
  // The step is applied (and a pulse would have been started) in the click's handler; a pulse is drawn from the
  // app's next animation frame on. Once the new date shows, two more frames give it that chance.
  await still.page.waitForFunction(() => document.querySelector("#current-date").textContent === "8 Dec 2024");
  await still.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await pulse(still.page), 0);
  await shot(still.page, "07-reduced-motion");
  assertClean(still.problems);
  await still.context.close();
});
