// The pages' Content-Security-Policy in a real browser: the map, the embed, the Embed dialog (with its preview
// iframe) and the text view all work with the policy on, and no document reports a violation.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { assertClean, openPage, policyViolations, shot, startServerAndBrowser, stopServerAndBrowser } from "./harness.mjs";

let server;
let browser;

before(async () => ({ server, browser } = await startServerAndBrowser()));

after(() => stopServerAndBrowser(server, browser));

test("the map, its Embed dialog and its text view work under the policy and violate none of it", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/?t=2025-03-31&w=30`);
  const response = await page.request.get(`${server.base}/?t=2025-03-31&w=30`);
  const policy = response.headers()["content-security-policy"];
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(policy, /frame-ancestors 'none'/);
  assert.doesNotMatch(policy, /unsafe-inline/);
  // The status keys are coloured from the palette through the CSSOM (no style attribute).
  const keyColour = await page.evaluate(
    () => getComputedStyle(document.querySelector("[data-status=russian-operated]")).backgroundColor,
  );
  assert.equal(keyColour, "rgb(178, 24, 43)");
  // So are the layer swatches, from the same palette (custom properties set by the app).
  const swatches = await page.evaluate(() =>
    ["site", "strike", "event"].map((k) => getComputedStyle(document.querySelector(`.swatch.${k}`)).backgroundColor),
  );
  assert.deepEqual(swatches, ["rgb(178, 24, 43)", "rgb(197, 27, 125)", "rgb(33, 102, 172)"]);
  // The text view lists the sites with their coloured status letters.
  await page.locator("#text-view").scrollIntoViewIfNeeded();
  await page.locator("#sites-body tr").first().waitFor();
  const letter = await page.evaluate(() => getComputedStyle(document.querySelector("#sites-body .status-letter")).backgroundColor);
  assert.notEqual(letter, "rgba(0, 0, 0, 0)", "the status letter has its colour");
  // The Embed dialog and its live preview (a framed /embed of the same origin).
  await page.locator("#embed-open").click();
  await page.locator("#embed-dialog").waitFor({ state: "visible" });
  await page.frameLocator("#embed-preview").locator("#counts[data-strikes]").waitFor({ timeout: 60_000 });
  const preview = page.frames().find((f) => f.url().includes("/embed?"));
  await preview.waitForFunction(
    () =>
      window.__footprintMap?.loaded() &&
      window.__footprintMap.areTilesLoaded() &&
      window.__footprintMap.queryRenderedFeatures({ layers: ["fp-sites-dot"] }).length > 0,
    null,
    { timeout: 60_000 },
  );
  await shot(page, "12-csp-embed-dialog");
  assert.deepEqual(await policyViolations(page), []);
  assertClean(problems);
  await context.close();
});

test("the embed works under its policy, which lets any site frame it", async () => {
  const { page, problems, context } = await openPage(browser, `${server.base}/embed?t=2025-03-31&title=CSP`);
  const response = await page.request.get(`${server.base}/embed`);
  assert.match(response.headers()["content-security-policy"], /frame-ancestors \*$/);
  assert.equal(response.headers()["x-frame-options"], undefined);
  await page.locator("details#text-view summary").click();
  await page.locator("#sites-body tr").first().waitFor();
  await shot(page, "13-csp-embed");
  assert.deepEqual(await policyViolations(page), []);
  assertClean(problems);
  // The recorder does see a violation when there is one: an inline style attribute is refused.
  await page.evaluate(() => document.body.insertAdjacentHTML("beforeend", '<p style="color:red">inline</p>'));
  await page.waitForFunction(() => window.__policyViolations.length > 0);
  assert.match((await policyViolations(page)).join("\n"), /style-src-attr blocked inline/);
  await context.close();
});

test("a page the policy forbids to be framed is refused in a frame", async () => {
  const { page, context } = await openPage(browser, `${server.base}/embed`, { noMap: true });
  // Frame the full map inside the embed's document: its frame-ancestors 'none' must stop it.
  const loaded = await page.evaluate(async (src) => {
    const frame = document.createElement("iframe");
    // The frame's load event fires once its navigation has ended, with the page or with the browser's error page.
    const navigated = new Promise((r) => frame.addEventListener("load", r, { once: true }));
    frame.src = src;
    document.body.append(frame);
    await navigated;
    try {
      return frame.contentDocument?.querySelector("#app") !== null && frame.contentDocument?.querySelector("#app") !== undefined;
    } catch {
      return false;
    }
  }, `${server.base}/`);
  assert.equal(loaded, false, "the map page did not load in a frame");
  await context.close();
});
