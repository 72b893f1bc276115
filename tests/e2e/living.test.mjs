// A published correction as readers meet it: the map's panel says when the feature was updated and why, links to
// every version, and the corrections feed lists it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { assertClean, openPage, shot, startServerAndBrowser, stopServerAndBrowser } from "./harness.mjs";

let server;
let browser;

before(async () => ({ server, browser } = await startServerAndBrowser()));

after(() => stopServerAndBrowser(server, browser));

const REASON = "Casualty figures checked against a second report";

test("a corrected strike's panel says when and why it was updated and links to every version", async () => {
  const item = `${server.base}/api/collections/strikes/items/e35`;
  const etag = (await fetch(item)).headers.get("etag");
  const res = await fetch(item, {
    method: "PATCH",
    headers: {
      Authorization: `Bearer ${server.token}`,
      "If-Match": etag,
      "Footprint-Reason": encodeURIComponent(REASON),
      "Content-Type": "application/merge-patch+json",
    },
    body: JSON.stringify({ properties: { confidence: "medium" } }),
  });
  assert.equal(res.status, 200, await res.text());
  for (const lang of ["en", "ar"]) {
    const { page, problems, context } = await openPage(browser, `${server.base}/?t=2025-04-30&sel=strikes:e35&lang=${lang}`);
    const updated = page.locator("#panel .panel-updated");
    await updated.waitFor({ state: "visible" });
    const text = await updated.textContent();
    assert.ok(text.includes(REASON), text);
    if (lang === "en") assert.match(text, /^Updated on \d+ \w+ \d{4} — /, text);
    assert.equal(await page.locator("#panel .panel-reason").getAttribute("dir"), "auto");
    const href = await updated.locator("a").getAttribute("href");
    const history = await (await fetch(server.base + href)).json();
    assert.equal(history.versions.at(-1).reason, REASON);
    await shot(page, `11-corrected-strike-panel-${lang}`);
    assertClean(problems);
    await context.close();
  }
  const feed = await (await fetch(`${server.base}/api/changes?limit=1`)).json();
  assert.equal(feed.changes[0].id, "e35");
  assert.equal(feed.changes[0].action, "update");
});
