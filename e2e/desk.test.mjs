// The officer's desk and the revision round trip in a real browser (issue 3 §7): the Front Office
// officer of DPMPTSPTK Kabupaten Jembrana logs in on a desktop, opens Tugas Saya, opens Putu's
// SIP Dokter Spesialis file, views the KTP (PDF) and the pas foto (image) inline and returns the
// file for revision of the pas foto; Putu, on his phone, sees "Perlu Perbaikan" with the
// officer's note, uploads a new pas foto and submits again; the file is back on the officer's
// desk as "Putaran 1" with the new photo.
//
// Uses the demo data of `izinkes serve --demo` (crates/app/src/demo.rs), on a free port with a
// fresh data dir, in Debian's Chromium driven by playwright-core; see lib.mjs for the settings.
//
// Screenshots of every step land in e2e/artifacts/desk-*.png (with desk-server.log), also on
// failure.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import {
  ARTIFACTS,
  CHROMIUM,
  CHROMIUM_FLAGS,
  HERE,
  PHONE,
  cleanArtifacts,
  log,
  overflowAt,
  passportPhotoPng,
  server,
  serverLogTail,
  startServer,
  stopServer,
} from "./lib.mjs";

const DESKTOP = { width: 1280, height: 900 };

// From crates/app/src/demo.rs.
const OFFICER = { email: "frontoffice.jembrana@demo.izinkes.id", password: "demo-izinkes-2026" };
const APPLICANT = { name: "Putu Heri Setiawan", email: "putu@contoh.id", password: "pemohon-demo-2026" };
const PERMIT = "Surat Izin Praktik Dokter Spesialis";

const NOTE = "Pas foto buram dan latar belakang bukan merah; unggah ulang pas foto berwarna 4x6 yang jelas.";
const NEW_PHOTO = { name: "pas-foto-baru.png", mimeType: "image/png", buffer: passportPhotoPng() }; // 240×360

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// ---------------------------------------------------------------------------------------------
// Two people, each with their own browser context and page.

let browser;
const officer = { who: "officer", viewport: DESKTOP, page: null };
const applicant = { who: "applicant", viewport: PHONE, page: null };
let current = officer; // whose page a failure screenshot shows
const problems = []; // uncaught page errors, console errors, server errors, pages too wide

function watch(actor) {
  const { page, who } = actor;
  page.on("pageerror", (e) => {
    problems.push(`${who}: page error at ${page.url()}: ${e.message}`);
    log(`  !! ${who}: page error: ${e.message}`);
  });
  page.on("console", (m) => {
    // Failed loads are reported by the response listener (with their address) instead.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      problems.push(`${who}: console error at ${page.url()}: ${m.text()}`);
      log(`  !! ${who}: console error: ${m.text()}`);
    }
  });
  page.on("response", (r) => {
    if (r.status() >= 500) problems.push(`${who}: HTTP ${r.status()} for ${r.url()}`);
    if (r.status() >= 400) log(`  HTTP ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
}

/** Every page must fit its screen's width; a page that does not is recorded as a problem. */
async function checkFits(actor, name) {
  const limit = actor.viewport.width;
  const o = await overflowAt(actor.page, limit);
  if (!o) return;
  const where = new URL(actor.page.url()).pathname;
  const msg = `layout: ${where} (${name}) is ${o.width} px wide on a ${limit} px screen; sticking out: ${o.culprits.join("; ")}`;
  if (!problems.includes(msg)) problems.push(msg);
  log(`  !! ${msg}`);
}

/**
 * A defect that does not stop the journey (wrong label, unreadable colours): recorded and
 * asserted in the last step, so the rest of the flow still runs and every defect is listed.
 */
function expectSoft(ok, msg) {
  if (ok) return;
  if (!problems.includes(msg)) problems.push(msg);
  log(`  !! ${msg}`);
}

/** WCAG contrast ratio between a control's text colour and its background colour. */
async function contrastOf(locator) {
  const [fg, bg] = await locator.evaluate((e) => {
    const s = getComputedStyle(e);
    return [s.color, s.backgroundColor];
  });
  const lum = (css) => {
    const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return { ratio: (hi + 0.05) / (lo + 0.05), fg, bg };
}

/** The applicant's "Riwayat proses": entries are labelled in Indonesian, never with internal codes. */
async function checkHistoryLabels(page, expected) {
  const actions = (await page.locator("ol.timeline > li strong").allInnerTexts()).map((a) => a.trim());
  const raw = actions.filter((a) => /^[a-z]+(_[a-z]+)+$/.test(a));
  assert.equal(actions.length, expected.length, `Riwayat proses entries: ${actions.join(" | ")}`);
  assert.equal(actions[0], expected[0]);
  // The wording may change; an internal code (snake_case) must not be shown.
  expectSoft(
    raw.length === 0,
    `applicant: Riwayat proses on ${new URL(page.url()).pathname} shows internal action codes instead of labels ` +
      `(entries: ${actions.join(" | ")}; expected e.g. ${expected.join(" | ")}, as the officer's Riwayat shows them)`,
  );
}

/** Clicks a control; on a page wider than a phone, focuses it and presses Enter (see wizard.test.mjs). */
async function activate(actor, locator) {
  if (await overflowAt(actor.page, actor.viewport.width)) {
    log("  (page wider than the screen: activating with the keyboard)");
    await locator.focus();
    await actor.page.keyboard.press("Enter");
  } else {
    await locator.click();
  }
}

let shot = 0;
async function screenshot(actor, name) {
  await checkFits(actor, name);
  shot += 1;
  const file = path.join(ARTIFACTS, `desk-${String(shot).padStart(2, "0")}-${actor.who}-${name}.png`);
  await actor.page.screenshot({ path: file, fullPage: true });
  log(`  screenshot ${path.relative(HERE, file)}`);
}

async function heading(actor, text) {
  await actor.page.getByRole("heading", { name: text }).first().waitFor({ state: "visible" });
}

/** The status badge in the page's heading area (desk file) or its Status row (applicant's file). */
function badge(actor) {
  return actor.page.locator("main .badge").first();
}

async function logIn(actor, loginPath, title, { email, password }, landing) {
  const { page } = actor;
  await page.goto(loginPath);
  await heading(actor, title);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Kata Sandi", { exact: true }).fill(password);
  await screenshot(actor, "login");
  await activate(actor, page.locator("main").getByRole("button", { name: "Masuk", exact: true }));
  await page.waitForURL(landing);
}

let failed = null;
async function step(t, actor, name, fn) {
  await t.test(`${actor.who}: ${name}`, { skip: failed ? `earlier step failed: ${failed}` : false }, async () => {
    log(`STEP ${actor.who}: ${name}`);
    current = actor;
    const started = Date.now();
    try {
      await fn(actor.page);
      log(`  ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (e) {
      failed = name;
      const page = current.page;
      log(`  FAILED at ${page ? page.url() : "(no page)"}: ${e.message.split("\n")[0]}`);
      if (page) await screenshot(current, `FAILED-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`).catch(() => {});
      throw e;
    }
  });
}

// ---------------------------------------------------------------------------------------------

before(async () => {
  cleanArtifacts(/^desk-/);
  await startServer("desk-server.log");
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM`);
  }
  log(`launching ${CHROMIUM}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
  log(`browser ${browser.version()}`);
  const common = { baseURL: server.base, locale: "id-ID", timezoneId: "Asia/Makassar" };
  // The officer at the office's desktop; Putu on his phone. Separate contexts: separate sessions.
  const contexts = [
    [officer, { ...common, viewport: DESKTOP }],
    [applicant, { ...common, viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true }],
  ];
  for (const [actor, options] of contexts) {
    const context = await browser.newContext(options);
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    actor.page = await context.newPage();
    watch(actor);
  }
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (failed) console.log(`--- last lines of the server log (${path.relative(HERE, server.logPath)}) ---\n${serverLogTail()}`);
  await stopServer();
  log(`done; screenshots in ${path.relative(process.cwd(), ARTIFACTS) || "."}/desk-*.png`);
});

test("officer views the documents inline and returns the file; the applicant fixes it; it comes back", { timeout: 90_000 }, async (t) => {
  let fileId;
  let registrationNumber;
  let ktpUrl;

  /** Putu's Jembrana file in Tugas Saya (a locator: zero or one row). */
  // (Tugas Saya shows the holder's name in capitals and the permit's short name.)
  const deskRow = () =>
    officer.page
      .locator("table.desk tbody tr")
      .filter({ hasText: new RegExp(escapeRe(APPLICANT.name), "i") })
      .filter({ hasText: "SIP Dokter Spesialis" });

  await step(t, officer, "logs in at /petugas/masuk", async (page) => {
    await logIn(officer, "/petugas/masuk", "Masuk Petugas", OFFICER, /\/petugas$/);
    await heading(officer, "Tugas Saya");
    assert.match(await page.locator("main").innerText(), /Kabupaten Jembrana[\s\S]*Peran: Front Office/);
  });

  await step(t, officer, "Tugas Saya lists the Jembrana file", async (page) => {
    assert.equal(await deskRow().count(), 1, `one row for ${APPLICANT.name}'s ${PERMIT}`);
    const text = await deskRow().innerText();
    assert.match(text, /Menunggu Verifikasi/);
    assert.match(text, /Front Office/);
    const link = deskRow().locator('td[data-label="No. Registrasi"] a');
    registrationNumber = (await link.innerText()).trim();
    assert.match(registrationNumber, /^JBR-/, "registration number of the Jembrana office");
    const href = await link.getAttribute("href");
    assert.match(href || "", /^\/petugas\/berkas\/[^/?#]+$/);
    fileId = href.split("/").pop();
    log(`  file ${fileId} (${registrationNumber})`);
    // The count of the desk above the list (the demo desk fits one page of 50).
    const rows = await page.locator("table.desk tbody tr").count();
    assert.equal(
      (await page.locator("#desk-count").innerText()).trim(),
      `Berkas 1–${rows} dari ${rows}, yang paling mendesak lebih dulu.`,
    );
    await screenshot(officer, "tugas-saya");
    await activate(officer, link);
    await page.waitForURL(`**/petugas/berkas/${fileId}`);
    await heading(officer, new RegExp(`^${escapeRe(registrationNumber)} — ${PERMIT}$`));
    assert.equal((await badge(officer).innerText()).trim(), "Menunggu Verifikasi");
  });

  await step(t, officer, "views the KTP (PDF) and the pas foto (image) inline", async (page) => {
    const ktp = page.locator(".check-row#f-ktp");
    assert.match(await ktp.locator("h3").innerText(), /KTP/);
    const ktpDetails = ktp.locator("details");
    const ktpSummary = ktpDetails.locator("summary");
    assert.match(await ktpSummary.innerText(), /^Lihat .+\.pdf$/);
    // The first document is shown open; any other is opened by its summary.
    if (!(await ktpDetails.evaluate((d) => d.open))) await ktpSummary.click();
    assert.ok(await ktpDetails.evaluate((d) => d.open), "the KTP is expanded");
    const frame = ktp.locator("iframe.preview");
    await frame.waitFor({ state: "visible" });
    const box = await frame.boundingBox();
    assert.ok(box && box.width >= 300 && box.height >= 300, `the PDF preview is big enough to read: ${JSON.stringify(box)}`);
    const src = await frame.getAttribute("src");
    assert.equal(src, `/petugas/permohonan/${fileId}/syarat/ktp`);
    ktpUrl = new URL(src, page.url()).href;
    // Fetched with the officer's session (the page's cookies).
    const r = await page.request.get(ktpUrl);
    assert.equal(r.status(), 200, `GET ${src}`);
    assert.match(r.headers()["content-type"] || "", /^application\/pdf\b/);
    assert.match(r.headers()["content-disposition"] || "", /^inline\b/, "shown in the page, not downloaded");
    assert.equal((await r.body()).subarray(0, 5).toString("latin1"), "%PDF-");
    // The frame really loaded the document (not an error page: framing allowed, same origin).
    const loaded = page.frames().find((f) => f.url() === ktpUrl);
    assert.ok(loaded, `a frame shows ${ktpUrl}; frames: ${page.frames().map((f) => f.url()).join(", ")}`);
    const tab = ktp.getByRole("link", { name: "Buka di tab baru" });
    assert.equal(await tab.getAttribute("href"), src);
    assert.equal(await tab.getAttribute("target"), "_blank");
    // Without a session the document is not served.
    const anonymous = await fetch(ktpUrl, { redirect: "manual" });
    assert.ok(anonymous.status !== 200, `anonymous GET ${src} must not answer 200 (got ${anonymous.status})`);

    const foto = page.locator(".check-row#f-pas_foto");
    assert.match(await foto.locator("h3").innerText(), /Pas Foto/i);
    const fotoDetails = foto.locator("details");
    if (!(await fotoDetails.evaluate((d) => d.open))) await fotoDetails.locator("summary").click();
    const img = foto.locator("img.preview-img");
    await img.waitFor({ state: "visible" });
    assert.equal(await img.getAttribute("src"), `/petugas/permohonan/${fileId}/syarat/pas_foto`);
    await page.waitForFunction((el) => el.complete, await img.elementHandle());
    const w = await img.evaluate((el) => el.naturalWidth);
    assert.ok(w > 0, "the pas foto image loads");
    await ktp.scrollIntoViewIfNeeded();
    await screenshot(officer, "dokumen-inline");
  });

  await step(t, officer, "returns the file for revision of the pas foto", async (page) => {
    const panel = page.locator("section.panel").filter({ has: page.getByRole("heading", { name: "Tindakan", exact: true }) });
    const details = panel.locator("details").filter({ has: page.locator("summary", { hasText: "Kembalikan ke pemohon (Perlu Perbaikan)" }) });
    await details.locator("summary").click();
    const input = details.locator('input[name="rd_pas_foto"]');
    await input.waitFor({ state: "visible" });
    // One input per document and per field; only the pas foto gets a note.
    assert.ok((await details.locator('input[type=text][name^="rd_"]').count()) >= 5, "an input per document");
    assert.ok((await details.locator('input[type=text][name^="rf_"]').count()) >= 5, "an input per field");
    assert.match(await details.locator('label[for="rd-pas_foto"]').innerText(), /Pas Foto/i);
    await input.fill(NOTE);
    await details.scrollIntoViewIfNeeded();
    await screenshot(officer, "kembalikan-isi");
    await activate(officer, details.getByRole("button", { name: "Kembalikan ke pemohon", exact: true }));
    await page.waitForURL((u) => u.pathname === `/petugas/berkas/${fileId}` && u.searchParams.get("info") === "ok");
    assert.equal((await page.getByRole("status").first().innerText()).trim(), "Tindakan tersimpan.");
    assert.equal((await badge(officer).innerText()).trim(), "Perlu Perbaikan");
    const rounds = page.locator("section").filter({ has: page.getByRole("heading", { name: "Putaran perbaikan" }) });
    const text = await rounds.innerText();
    assert.match(text, /Putaran 1\b/);
    assert.match(text, /menunggu pemohon/);
    assert.match(text, new RegExp(escapeRe(NOTE)));
    await screenshot(officer, "dikembalikan");
    // While Putu fixes it, it is not on the desk.
    await activate(officer, page.locator(".crumb").getByRole("link", { name: "Tugas Saya" }));
    await page.waitForURL(/\/petugas$/);
    assert.equal(await deskRow().count(), 0, "the returned file has left Tugas Saya");
  });

  await step(t, applicant, "logs in on his phone and sees Perlu Perbaikan in Permohonan Saya", async (page) => {
    await logIn(applicant, "/masuk", "Masuk", APPLICANT, /\/permohonan$/);
    await heading(applicant, "Permohonan Saya");
    const row = page.locator("tbody tr").filter({ hasText: registrationNumber });
    assert.equal(await row.count(), 1, `one row for ${registrationNumber}`);
    assert.match(await row.innerText(), /Perlu Perbaikan/);
    await screenshot(applicant, "permohonan-saya-perlu-perbaikan");
    await activate(applicant, row.getByRole("link", { name: "Buka Berkas" }));
    await page.waitForURL(`**/permohonan/${fileId}`);
    await heading(applicant, PERMIT);
    assert.equal((await badge(applicant).innerText()).trim(), "Perlu Perbaikan");
  });

  await step(t, applicant, "reads the officer's note and opens Perbaiki sekarang", async (page) => {
    const box = page.locator("section").filter({ has: page.getByRole("heading", { name: "Perlu Perbaikan (putaran ke-1)" }) });
    await box.waitFor({ state: "visible" });
    const text = await box.innerText();
    assert.match(text, /Pas Foto/i);
    assert.match(text, new RegExp(escapeRe(NOTE)), "the officer's note is shown to the applicant");
    const fix = box.getByRole("link", { name: "Perbaiki sekarang" });
    const c = await contrastOf(fix);
    expectSoft(
      c.ratio >= 4.5,
      `applicant: the "Perbaiki sekarang" button is unreadable: text ${c.fg} on ${c.bg}, contrast ${c.ratio.toFixed(2)}:1 (WCAG AA needs 4.5:1)`,
    );
    await screenshot(applicant, "catatan-petugas");
    await activate(applicant, fix);
    await page.waitForURL(`**/permohonan/${fileId}/perbaikan`);
    await heading(applicant, "Perbaikan Permohonan");
  });

  await step(t, applicant, "uploads a new pas foto and submits again (Ajukan Ulang)", async (page) => {
    const sections = page.locator("section.req");
    assert.equal(await sections.count(), 1, "only the document asked for can be replaced");
    const s = page.locator("section.req#f-pas_foto");
    assert.match(await s.innerText(), new RegExp(`Catatan petugas: ${escapeRe(NOTE)}`));
    assert.equal(await page.locator('form[action$="/perbaikan"]').count(), 0, "no field was asked, so no field form");
    await screenshot(applicant, "perbaikan");
    await s.getByLabel("Unggah berkas pengganti").setInputFiles(NEW_PHOTO);
    await activate(applicant, s.getByRole("button", { name: "Unggah", exact: true }));
    await s.getByText(`Berkas sekarang: ${NEW_PHOTO.name}`).waitFor({ state: "visible" });
    await page.waitForLoadState("load");
    assert.equal(await page.locator(".error-message").count(), 0, "the upload was accepted");
    await screenshot(applicant, "perbaikan-terunggah");
    await activate(applicant, page.getByRole("button", { name: "Ajukan Ulang", exact: true }));
    await page.waitForURL((u) => u.pathname === `/permohonan/${fileId}`);
    await heading(applicant, PERMIT);
    assert.equal((await badge(applicant).innerText()).trim(), "Menunggu Verifikasi");
    assert.equal(await page.getByRole("heading", { name: /Perlu Perbaikan/ }).count(), 0, "no revision is asked any more");
    await checkHistoryLabels(page, ["Permohonan diajukan", "Dikembalikan ke pemohon", "Perbaikan diajukan"]);
    await screenshot(applicant, "diajukan-ulang");
  });

  await step(t, officer, "Tugas Saya shows the file again: Putaran 1 with the new pas foto", async (page) => {
    await page.reload();
    await heading(officer, "Tugas Saya");
    assert.equal(await deskRow().count(), 1, "the file is back on the desk");
    assert.match(await deskRow().innerText(), /Menunggu Verifikasi/);
    await screenshot(officer, "tugas-saya-kembali");
    await activate(officer, deskRow().getByRole("link", { name: registrationNumber }));
    await page.waitForURL(`**/petugas/berkas/${fileId}`);
    assert.equal((await badge(officer).innerText()).trim(), "Menunggu Verifikasi");
    const rounds = page.locator("section").filter({ has: page.getByRole("heading", { name: "Putaran perbaikan" }) });
    const text = await rounds.innerText();
    assert.match(text, /Putaran 1\b/);
    assert.match(text, /diajukan ulang/);
    const round = (await rounds.locator(".panel p").first().innerText()).trim();
    expectSoft(
      /diajukan ulang \d{1,2} [A-Z][a-z]+ \d{4} \d{2}\.\d{2} WITA/.test(round) && !/\d{4}-\d{2}-\d{2}T/.test(round),
      `officer: "Putaran perbaikan" shows the resubmission time unformatted: "${round}" (expected e.g. "diajukan ulang 22 November 2026 10.47 WITA", as in Riwayat)`,
    );
    const foto = page.locator(".check-row#f-pas_foto");
    assert.equal((await foto.locator("summary").innerText()).trim(), `Lihat ${NEW_PHOTO.name}`);
    const fotoDetails = foto.locator("details");
    if (!(await fotoDetails.evaluate((d) => d.open))) await fotoDetails.locator("summary").click();
    const img = foto.locator("img.preview-img");
    await img.waitFor({ state: "visible" });
    await page.waitForFunction((el) => el.complete, await img.elementHandle());
    const size = await img.evaluate((el) => [el.naturalWidth, el.naturalHeight]);
    assert.deepEqual(size, [240, 360], "the preview is the new 240×360 photo");
    // The KTP was not asked for and is unchanged.
    const r = await page.request.get(ktpUrl);
    assert.equal(r.status(), 200);
    assert.match(r.headers()["content-type"] || "", /^application\/pdf\b/);
    await rounds.scrollIntoViewIfNeeded();
    await screenshot(officer, "putaran-1");
  });

  await step(t, officer, "no script errors, no server errors, no UI defects, every page fits its screen", async () => {
    assert.deepEqual(problems, [], `${problems.length} problem(s) on the way:\n${problems.join("\n")}`);
  });
});
