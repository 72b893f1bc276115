// The editor at /edit, end to end in Chromium: an editor signs in, adds a strike with two sources by clicking on
// the map, meets a validation error for a source without an address and fixes it, saves a draft; a publisher
// reviews and publishes it; the public map shows it on its date with its sources, and /api/changes lists it. An
// ACLED-format CSV is checked (dry run), imported as drafts, and imported again without changes. Requests from
// another site and with a dead session fail. Screenshots of each step in English, Arabic and Russian (under
// target/e2e-screenshots/, 30-* to 36-*), axe on every editor page, and the form on a phone.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import {
  assertClean,
  openPage,
  root,
  seriousViolations,
  shot,
  startServerAndBrowser,
  stopServerAndBrowser,
} from "./harness.mjs";

const ACLED = path.join(root, "tests", "data", "acled-25.csv");
const NAME = "Strike on a depot near Palmyra <img src=x onerror=alert(1)>";

let server;
let browser;

before(async () => ({ server, browser } = await startServerAndBrowser()));

after(() => stopServerAndBrowser(server, browser));

async function assertAccessible(page, where) {
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], `${where}:\n${violations.join("\n")}`);
}

/** The UI messages of `lang`, as the pages use them. */
function messages(lang) {
  return JSON.parse(readFileSync(path.join(root, "web", "i18n", `${lang}.json`), "utf8"));
}

/** Waits until the editor's status line says `text`. */
function waitForMessage(page, text) {
  return page.waitForFunction((text) => document.querySelector("#ed-message").textContent === text, text);
}

/** A new browser context signed in as `token`, on the editor in `lang`. */
async function signIn(token, lang = "en", viewport) {
  const opened = await openPage(browser, `${server.base}/edit/sign-in?lang=${lang}`, { noMap: true, viewport });
  const { page } = opened;
  page.on("dialog", (d) => {
    opened.problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  await page.fill("#token", token);
  await page.click("form.ed-form button[type=submit]");
  await page.waitForURL(new RegExp(`/edit\\?lang=${lang}`));
  await page.waitForSelector("#ed-results tbody tr");
  return opened;
}

async function openNewStrike(page) {
  await page.selectOption("#ed-collection", "strikes");
  await page.click("#ed-go-new");
  await page.waitForSelector("#fld-target");
  await page.waitForFunction(() => window.__footprintMap?.loaded(), null, { timeout: 60_000 });
}

for (const lang of ["en", "ar", "ru"]) {
  test(`in ${lang}, an editor adds a strike with two sources on the map, fixes a source without an address and a publisher publishes it`, async () => {
    const t = messages(lang);
    const editor = await signIn(server.editorToken, lang);
    const { page } = editor;
    await shot(page, `30-editor-find-${lang}`);
    await assertAccessible(page, "find");
    await openNewStrike(page);
    await page.fill("#fld-name-en", NAME);
    await page.fill("#fld-name-ar", "ضربة على مستودع قرب تدمر");
    await page.fill("#fld-kind", "airstrike");
    await page.fill("#fld-start", "2025-03-10");
    await page.fill("#fld-end", "2025-03-10");
    await page.selectOption("#fld-end_precision", "day");
    // The point is placed by clicking on the map: the coordinate fields follow.
    const box = await page.locator("#ed-map canvas").boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const lon = Number(await page.inputValue("#fld-lon"));
    const lat = Number(await page.inputValue("#fld-lat"));
    assert.ok(Math.abs(lon - 38.3) < 0.5 && Math.abs(lat - 35.0) < 0.5, `${lon}, ${lat}`);
    await page.waitForSelector("#ed-map .maplibregl-marker");
    await page.fill("#fld-target", "an ammunition depot");
    await page.fill("#fld-actor", "unknown");
    await page.fill("#fld-sources-0-publisher", "SANA");
    await page.fill("#fld-sources-0-date", "2025-03-10");
    await page.click("#fld-list-sources-add");
    await page.fill("#fld-sources-1-publisher", "Enab Baladi");
    await page.fill("#fld-sources-1-url", "https://english.enabbaladi.net/archives/2025/03/depot-strike");
    await page.fill("#fld-sources-1-date", "2025-03-11");
    await page.click("#fld-list-attribution-add");
    await page.selectOption("#fld-attribution-0-stance", "reported");
    await page.fill("#fld-attribution-0-by", "SANA");
    await page.fill("#fld-attribution-0-source", "1");
    await page.selectOption("#fld-confidence", "medium");
    await page.fill("#fld-reason", "New strike, reported by SANA and Enab Baladi");
    // Saving is refused: the first source has no address. The problem shows next to its field, and in a summary
    // that takes focus.
    await page.click("#ed-save");
    await page.waitForSelector("#fld-sources-0-url-error:not([hidden])");
    assert.match(await page.textContent("#fld-sources-0-url-error"), /http/);
    assert.equal(await page.getAttribute("#fld-sources-0-url", "aria-invalid"), "true");
    assert.equal(await page.evaluate(() => document.activeElement.id), "ed-summary");
    await shot(page, `31-editor-problem-${lang}`);
    await assertAccessible(page, "form with a problem");
    // That refusal is the test's point, not a problem of the page.
    const refused = (p) => p.includes("400") && (p.includes("/items") || p.includes("Bad Request"));
    assert.equal(editor.problems.filter(refused).length, 2, editor.problems.join("\n"));
    editor.problems.splice(0, editor.problems.length, ...editor.problems.filter((p) => !refused(p)));
    await page.fill("#fld-sources-0-url", "https://sanasyria.org/en/?p=987654");
    await page.click("#ed-check");
    await waitForMessage(page, t["edit.valid"]);
    await page.click("#ed-preview");
    await page.waitForSelector("#ed-preview-box:not([hidden])");
    const preview = await page.textContent("#ed-preview-body");
    assert.ok(preview.includes("<img src=x onerror=alert(1)>"), "data text is text, never HTML");
    assert.equal(await page.locator("#ed-preview-body img").count(), 0);
    assert.ok(preview.includes("Enab Baladi") && preview.includes("SANA"));
    await shot(page, `32-editor-preview-${lang}`);
    await page.click("#ed-save");
    await page.waitForFunction(() => location.hash.startsWith("#edit/strikes/"));
    await waitForMessage(page, t["edit.saved_draft"]);
    const id = decodeURIComponent(await page.evaluate(() => location.hash.split("/")[2]));
    assert.match(id, /^strike-2025-03-10-/);
    await page.waitForSelector("#ed-history li");
    await shot(page, `33-editor-saved-draft-${lang}`);
    // Not public yet.
    assert.equal((await fetch(`${server.base}/api/collections/strikes/items/${id}`)).status, 404);
    // Signing out ends the session.
    await page.click(".ed-sign-out button");
    await page.waitForURL(/\/edit\/sign-in/);
    assertClean(editor.problems);
    await editor.context.close();

    // The publisher finds the draft waiting, reviews what it changes, and publishes it.
    const publisher = await signIn(server.token, lang);
    const p = publisher.page;
    await p.selectOption("#ed-collection", "strikes");
    await p.click("#ed-waiting");
    const link = p.locator(`#ed-results a[href="#edit/strikes/${encodeURIComponent(id)}"]`);
    await link.waitFor();
    await link.click();
    await p.waitForSelector("#ed-review:not([hidden]) table");
    assert.ok((await p.textContent("#ed-diff")).includes("properties.sources[1].url"));
    await shot(p, `34-editor-review-${lang}`);
    await p.click("#ed-publish");
    await waitForMessage(p, t["edit.published"]);
    // Signed in, the public map's panel links each feature to its form.
    await p.goto(`${server.base}/?t=2025-03-10&sel=strikes:${encodeURIComponent(id)}&lang=${lang}`);
    const edit = p.locator("#panel a.panel-edit");
    await edit.waitFor();
    assert.equal(await edit.getAttribute("href"), `/edit?lang=${lang}#edit/strikes/${encodeURIComponent(id)}`);
    assertClean(publisher.problems);
    await publisher.context.close();

    // Readers see it on its date, with both sources; the corrections feed lists it.
    const reader = await openPage(browser, `${server.base}/?t=2025-03-10&sel=strikes:${encodeURIComponent(id)}&lang=${lang}`);
    const title = await reader.page.textContent("#panel h2");
    // Readers in Arabic see the Arabic name; the others the English one, with its markup as text.
    if (lang === "ar") assert.ok(title.includes("ضربة على مستودع قرب تدمر"), title);
    else assert.ok(title.includes("<img src=x onerror=alert(1)>"), title);
    const sources = await reader.page.locator("#panel a[rel~=external]").allTextContents();
    assert.deepEqual(sources, ["SANA", "Enab Baladi"]);
    await shot(reader.page, `35-public-map-published-${lang}`);
    assertClean(reader.problems);
    await reader.context.close();
    const changes = await (await fetch(`${server.base}/api/changes?limit=5`)).json();
    assert.ok(changes.changes.some((c) => c.id === id && c.action === "create"), JSON.stringify(changes.changes[0]));
  });
}

test("an ACLED export is checked in a dry run, imported as drafts, and a second import changes nothing", async () => {
  const { page, problems, context } = await signIn(server.editorToken);
  await page.click("#ed-go-import");
  await page.setInputFiles("#ed-file", ACLED);
  await page.click("#ed-dry-run");
  await page.waitForFunction(() => document.querySelector("#ed-import-summary").textContent.includes("new"));
  assert.equal(await page.textContent("#ed-import-summary"), "20 new, 0 changed, 0 unchanged, 5 with problems");
  const broken = await page.locator('#ed-import-rows tr[data-outcome="invalid"] td:first-child').allTextContents();
  assert.deepEqual(broken, ["22", "23", "24", "25", "26"]);
  await shot(page, "36-editor-import-dry-run-en");
  await page.fill("#ed-import-reason", "ACLED batch for review");
  await page.click("#ed-import-go");
  await page.waitForFunction(() => document.querySelector("#ed-message").textContent.includes("Imported"));
  await page.click("#ed-dry-run");
  await page.waitForFunction(() => document.querySelector("#ed-import-summary").textContent.startsWith("0 new"));
  assert.equal(await page.textContent("#ed-import-summary"), "0 new, 0 changed, 20 unchanged, 5 with problems");
  await assertAccessible(page, "import");
  assertClean(problems);
  await context.close();
});

test("a request from another site and a request with a dead session are refused", async () => {
  const { page, context } = await signIn(server.editorToken);
  const csrf = await page.getAttribute("body", "data-csrf");
  const body = JSON.stringify({ type: "Feature", geometry: null, properties: {} });
  // The browser's cookie, forged from another origin: refused even with the page's CSRF token.
  const forged = await context.request.post(`${server.base}/api/collections/strikes/items`, {
    headers: { Origin: "https://evil.example", "X-CSRF-Token": csrf, "Content-Type": "application/geo+json", "Footprint-Reason": "x" },
    data: body,
  });
  assert.equal(forged.status(), 403);
  const noToken = await context.request.post(`${server.base}/api/collections/strikes/items`, {
    headers: { Origin: server.base, "Content-Type": "application/geo+json", "Footprint-Reason": "x" },
    data: body,
  });
  assert.equal(noToken.status(), 403);
  // A session the server no longer knows (expired, signed out) sends the editor back to sign in.
  await context.clearCookies();
  await context.addCookies([{ name: "fp_session", value: "0".repeat(64), url: server.base }]);
  const dead = await context.request.post(`${server.base}/api/collections/strikes/items`, {
    headers: { Origin: server.base, "X-CSRF-Token": csrf, "Content-Type": "application/geo+json", "Footprint-Reason": "x" },
    data: body,
  });
  assert.equal(dead.status(), 401);
  await page.goto(`${server.base}/edit?lang=en`);
  assert.match(page.url(), /\/edit\/sign-in\?lang=en$/);
  await context.close();
});

test("a retirement drafted by an editor is shown to the publisher as one, and publishing it retires the feature", async () => {
  const t = messages("en");
  const editor = await signIn(server.editorToken);
  await editor.page.goto(`${server.base}/edit?lang=en#edit/strikes/e20`);
  await editor.page.waitForSelector("#ed-history li");
  await editor.page.fill("#fld-reason", "Duplicate of another strike");
  await editor.page.click("#ed-retire");
  await waitForMessage(editor.page, t["edit.retired"]);
  assert.ok((await editor.page.textContent("#ed-history")).includes(t["edit.stage.retiring"]));
  assertClean(editor.problems);
  await editor.context.close();
  assert.equal((await fetch(`${server.base}/api/collections/strikes/items/e20`)).status, 200, "a draft: still public");
  const publisher = await signIn(server.token);
  await publisher.page.goto(`${server.base}/edit?lang=en#edit/strikes/e20`);
  await publisher.page.waitForSelector("#ed-review:not([hidden]) .ed-alert");
  assert.equal(await publisher.page.textContent("#ed-diff .ed-alert"), t["edit.review_retire"]);
  await shot(publisher.page, "37-editor-review-retirement-en");
  await publisher.page.click("#ed-publish");
  await waitForMessage(publisher.page, t["edit.published"]);
  assert.equal((await fetch(`${server.base}/api/collections/strikes/items/e20`)).status, 410);
  assertClean(publisher.problems);
  await publisher.context.close();
});

for (const lang of ["ar", "ru"]) {
  test(`the editor in ${lang}: every page passes axe, problems show next to their fields, and it works on a phone`, async () => {
    const signInPage = await openPage(browser, `${server.base}/edit/sign-in?lang=${lang}`, { noMap: true });
    await assertAccessible(signInPage.page, "sign-in");
    await shot(signInPage.page, `30-editor-sign-in-${lang}`);
    await signInPage.context.close();
    const { page, problems, context } = await signIn(server.editorToken, lang, { width: 360, height: 740 });
    assert.equal(await page.evaluate(() => document.documentElement.dir), lang === "ar" ? "rtl" : "ltr");
    await shot(page, `30-editor-find-${lang}-phone`);
    await openNewStrike(page);
    assert.equal(await page.getAttribute("#fld-name-ar", "dir"), "rtl");
    // Keyboard users type the coordinates; the marker follows.
    await page.focus("#fld-lon");
    await page.keyboard.type("36.72");
    await page.focus("#fld-lat");
    await page.keyboard.type("34.73");
    await page.waitForSelector("#ed-map .maplibregl-marker");
    await page.fill("#fld-lon", "east");
    await page.fill("#fld-reason", "x");
    await page.click("#ed-save");
    await page.waitForSelector("#fld-lon-error:not([hidden])");
    const message = await page.textContent("#fld-lon-error");
    assert.ok(message.length > 3 && !/Must be/.test(message), `in ${lang}: ${message}`);
    await shot(page, `31-editor-problem-${lang}-phone`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await assertAccessible(page, `form in ${lang}`);
    await page.click("#ed-go-import");
    await assertAccessible(page, `import in ${lang}`);
    await shot(page, `36-editor-import-${lang}`);
    assertClean(problems);
    await context.close();
  });
}
