// Languages and accessibility, end to end: axe-core (WCAG 2.2 A/AA rules) on the map and the embed in English,
// Arabic and Russian, light and dark; a keyboard-only walk; the Arabic right-to-left layout; the text view as the
// fallback without WebGL; language negotiation. Screenshots under target/e2e-screenshots/ (look at 20-ar-rtl.png:
// the Arabic map labels must be joined, not isolated letters).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  assertClean,
  launch,
  openPage,
  ready,
  seriousViolations,
  shot,
  startServerAndBrowser,
  stopServerAndBrowser,
} from "./harness.mjs";

let server;
let browser;

before(async () => ({ server, browser } = await startServerAndBrowser()));

after(() => stopServerAndBrowser(server, browser));

for (const lang of ["en", "ar", "ru"]) {
  for (const theme of ["light", "dark"]) {
    test(`axe finds no serious or critical WCAG 2.2 AA violations on the map and the embed in ${lang}, ${theme}`, async () => {
      // The map with the default `theme=auto` following the (emulated) system setting; the embed with an explicit
      // `theme=`; both with content open that is hidden by default (a panel; the embed's text view).
      for (const path of [`/?lang=${lang}&t=2024-12-10&sel=sites:khmeimim.2015-09-30`, `/embed?lang=${lang}&theme=${theme}&t=2024-12-10`]) {
        const { page, problems, context } = await openPage(browser, server.base + path, { colorScheme: theme });
        await page.evaluate(() => document.querySelector("details#text-view")?.setAttribute("open", ""));
        const violations = await seriousViolations(page);
        assert.deepEqual(violations, [], `${path}:\n${violations.join("\n")}`);
        assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
        assertClean(problems);
        await context.close();
      }
    });
  }
}

const active = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { id: el.id, feature: el.getAttribute("data-feature"), outline: getComputedStyle(el).outlineStyle, tag: el.tagName };
  });

test("keyboard only: reach the timeline, play, pause, step a week, open a feature from the text view and close it", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/?t=2025-01-10&w=30`);
  // The first Tab reaches the skip link; Enter jumps to the timeline; the next Tab is the slider.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), "#timeline");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  let focus = await active(page);
  assert.equal(focus.id, "scrubber");
  assert.notEqual(focus.outline, "none", "focus is visible");
  assert.equal(await page.locator("#scrubber").getAttribute("aria-valuetext"), "10 Jan 2025", "the slider reads the date");
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelector("#play").getAttribute("data-playing") === "true");
  await page.waitForFunction(() => document.querySelector("#current-date").textContent !== "10 Jan 2025", null, { timeout: 30_000 });
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelector("#play").getAttribute("data-playing") === "false");
  const stopped = await page.locator("#current-date").textContent();
  assert.ok((await page.locator("#announce").textContent()).startsWith(`${stopped}:`), "where playback stopped is announced");
  const before = await page.locator("#scrubber").inputValue();
  assert.ok(Number(before) > 40, `playing moved the date (${before})`);
  await page.keyboard.press("Shift+ArrowRight");
  assert.equal(Number(await page.locator("#scrubber").inputValue()), Number(before) + 7, "Shift+arrow steps a week");
  await page.keyboard.press("ArrowLeft");
  assert.equal(Number(await page.locator("#scrubber").inputValue()), Number(before) + 6, "an arrow steps a day");
  // Tab on to the first strike or event of the text view.
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    focus = await active(page);
    if (focus.feature && !focus.feature.startsWith("sites:")) break;
  }
  assert.ok(focus.feature, "the text view's entries are reachable by Tab");
  assert.notEqual(focus.outline, "none", "focus is visible");
  const opened = focus.feature;
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => !document.querySelector("#panel").hidden);
  assert.equal(await page.evaluate(() => document.activeElement.closest("#panel") !== null), true, "focus moves into the panel");
  assert.match(page.url(), new RegExp(`sel=${encodeURIComponent(opened).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  await shot(page, "21-keyboard-panel");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => document.querySelector("#panel").hidden);
  focus = await active(page);
  assert.equal(focus.feature, opened, "Escape returns focus to the entry that opened the panel");
  assert.ok(!page.url().includes("sel="));
  // The Embed dialog: open it from the keyboard, Escape closes it and focus returns to its button.
  await page.reload();
  await ready(page);
  for (let i = 0; i < 12 && (await active(page)).id !== "embed-open"; i++) await page.keyboard.press("Tab");
  assert.equal((await active(page)).id, "embed-open");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("#embed-dialog").open);
  assert.equal(await page.evaluate(() => document.activeElement.closest("#embed-dialog") !== null), true);
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("#embed-dialog").open);
  assert.equal((await active(page)).id, "embed-open", "focus returns to the Embed button");
  assertClean(problems);
  await context.close();
});

test("in Arabic the page is right to left, the panel is on the mirrored side and the map's labels are Arabic", async () => {
  const { page, problems, context, requests } = await openPage(
    browser,
    `${server.base}/?lang=ar&t=2024-12-10&sel=sites:khmeimim.2015-09-30&at=36.5,34.6,6.6`,
  );
  assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl");
  const box = async (sel) => page.locator(sel).boundingBox();
  const [panel, map] = [await box("#panel"), await box("#map")];
  assert.ok(panel.x + panel.width <= map.x + 1, `panel (${panel.x}) is left of the map (${map.x})`);
  // The timeline runs left to right in every language (a documented choice): start date left of the end date.
  assert.ok((await box("#timeline-start")).x < (await box("#timeline-end")).x);
  assert.ok((await box("#back-week")).x < (await box("#forward-week")).x);
  assert.equal(await page.locator("#current-date").textContent(), "١٠ ديسمبر ٢٠٢٤");
  assert.equal(await page.locator("#panel h2").textContent(), "قاعدة حميميم الجوية");
  // Basemap labels in Arabic, drawn with the RTL text plugin served by this server.
  const labels = await page.evaluate(() =>
    window.__footprintMap
      .queryRenderedFeatures()
      .filter((f) => f.source === "basemap" && f.layer.type === "symbol")
      .map((f) => f.properties.name_ar),
  );
  assert.ok(["دمشق", "حمص", "حلب"].some((n) => labels.includes(n)), `cities are labelled in Arabic: ${labels.slice(0, 8)}`);
  const field = await page.evaluate(() => JSON.stringify(window.__footprintMap.getLayoutProperty("places", "text-field")));
  assert.match(field, /name_ar/);
  assert.ok(requests.some((u) => u === `${server.base}/static/mapbox-gl-rtl-text.js`), "the RTL text plugin came from this server");
  await ready(page);
  await shot(page, "20-ar-rtl");
  assertClean(problems);
  await context.close();
});

test("the reader's language comes from lang, then Accept-Language, and the switch keeps the map's state", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/?t=2025-03-20`, { locale: "ru-RU" });
  assert.equal(await page.evaluate(() => document.documentElement.lang), "ru");
  assert.equal(await page.locator("#current-date").textContent(), "20 марта 2025");
  await page.locator("a[data-lang=ar]").click();
  await page.waitForURL(/lang=ar/);
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl");
  assert.equal(await page.locator("#current-date").textContent(), "٢٠ مارس ٢٠٢٥", "same day, now in Arabic");
  // Playing and stepping keep the language in the URL.
  await page.locator("#forward-day").click();
  assert.match(page.url(), /lang=ar/);
  assert.match(page.url(), /t=2025-03-21/);
  assertClean(problems);
  await context.close();
});

test("without WebGL the text view takes the map's place, lists the sites and opens their panels", async () => {
  const noWebgl = await launch(["--disable-3d-apis", "--disable-webgl", "--disable-webgl2"]);
  try {
    const { page, problems, context } = await openPage(noWebgl, `${server.base}/?t=2024-12-10`, { noMap: true });
    await page.waitForFunction(() => document.body.classList.contains("no-map") && document.querySelector("#counts")?.hasAttribute("data-strikes"));
    assert.equal(await page.locator("#map").isVisible(), false);
    assert.match(await page.locator(".no-map-note").textContent(), /WebGL/);
    const [side, timeline] = [await page.locator(".side").boundingBox(), await page.locator("#timeline").boundingBox()];
    assert.ok(side.x < 10 && side.width > 600, `the text view takes the map's place: ${JSON.stringify(side)}`);
    assert.ok(timeline.y > side.y);
    const rows = await page.locator("#sites-body tr").count();
    assert.ok(rows >= 5, `sites in the table: ${rows}`);
    assert.ok((await page.locator("#window-list [data-feature]").count()) > 0);
    assert.match(await page.locator("#announce").textContent(), /10 Dec 2024: \d+ strikes?, \d+ events?\./);
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], violations.join("\n"));
    await page.locator("#sites-body [data-feature^='sites:khmeimim']").click();
    await page.waitForFunction(() => !document.querySelector("#panel").hidden);
    await shot(page, "22-no-webgl");
    assertClean(problems);
    await context.close();
  } finally {
    await noWebgl.close();
  }
});
