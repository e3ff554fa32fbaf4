// Issue 4 end to end in a real browser: from submission through the Cilegon preset to signed
// permits the applicant downloads, verifies and whose QR opens the public verification page.
//
//   1. Putu (putu@contoh.id, on his phone) finishes his demo draft SIP Dokter at DPMPTSPTK
//      Kabupaten Jembrana (it resumes at Tahap 2; KTP and pas foto picked from Manajer Berkas)
//      and applies for a SIP Dokter Gigi there (every file uploaded). With his demo SIP Dokter
//      Spesialis (Menunggu Verifikasi) that makes three files — three professions, so the cap
//      of three per profession is not reached.
//   2. Each file walks every desk of the Cilegon preset, each step by its own Jembrana officer in
//      their own browser session, opened from Tugas Saya: Front Office checklist → forward,
//      Back Office forward, Kasi forward, Back Office draft SK → forward, Kasi paraf → forward,
//      Kabid approval → forward = Siap Ditandatangani.
//   3. The Kepala Dinas of Jembrana signs in for the first time, is made to enrol the
//      authenticator (the secret shown on the page, codes computed here per RFC 6238; a wrong
//      code refused), keeps the recovery codes, opens Tanda Tangan, sees exactly the three
//      permits, is refused with a wrong code (nothing signed) and signs all three in one batch.
//   4. Putu's Izin Saya lists three active permits; each PDF is downloaded, `pdfsig` says the
//      signature is valid and covers the whole document, `pdftotext` finds the number and the
//      holder, `pdfimages` the pas foto, page 1 is rasterized (`pdftoppm`) and its QR decoded
//      (`zbarimg`); the URL, opened in a browser without any session, is the public
//      verification page saying "Aktif" for that number, and its PDF check says "Cocok.".
//   5. The revoked demo permit of Kota Pontianak (Perekam Medis): found by the Pontianak
//      Pencetakan / Arsip officer in Arsip Izin (status Dicabut); its "Halaman verifikasi
//      publik" says "Dicabut" with the reason.
//   6. Putu changes the practice days of his SIP Dokter Gigi (perubahan data): refused without a
//      reason (the ticked day kept), then submitted at once as a change of that permit.
//   7. The Jembrana admin enrols the authenticator, opens Dokumen kantor: wrong kop surat input
//      is refused next to the fields with the values kept, the SK preview is a PDF of the sample,
//      and a template that does not compile is refused with typst's message, the text kept.
//
// Uses the demo data of `izinkes serve --demo` (crates/app/src/demo.rs) on a free port with a
// fresh data dir, in Debian's Chromium driven by playwright-core; see lib.mjs for the settings.
// Needs poppler-utils (pdfsig, pdftotext, pdfimages, pdftoppm) and zbar-tools (zbarimg).
//
// Screenshots land in e2e/artifacts/permit-*.png, the downloaded PDFs, their page-1 images and
// the tools' output in e2e/artifacts/permit-izin-*, with permit-server.log; also on failure.

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
  pdf,
  runTool,
  server,
  serverLogTail,
  startServer,
  stopServer,
  totpCode,
  totpStepNow,
} from "./lib.mjs";

const DESKTOP = { width: 1280, height: 900 };

// From crates/app/src/demo.rs.
const OFFICER_PASSWORD = "demo-izinkes-2026";
const officerEmail = (role, office) => `${role}.${office}@demo.izinkes.id`;
const APPLICANT = { name: "Putu Heri Setiawan", email: "putu@contoh.id", password: "pemohon-demo-2026", nikMasked: "5104********0004" };
const OFFICE = "DPMPTSPTK Kabupaten Jembrana";

// The three files that become permits (the first exists in the demo; the other two are made here).
// `holder` is the name as on the diploma (Tahap 2), which the permit carries; the demo filled
// the first with the account's name.
const FILES = [
  { code: "SIP-DRSP", name: "Surat Izin Praktik Dokter Spesialis", short: "SIP Dokter Spesialis", place: "RSU Negara", holder: APPLICANT.name },
  { code: "SIP-DR", name: "Surat Izin Praktik Dokter", short: "SIP Dokter", place: "Klinik Pratama Pekutatan", holder: `dr. ${APPLICANT.name}` },
  { code: "SIP-DRG", name: "Surat Izin Praktik Dokter Gigi", short: "SIP Dokter Gigi", place: "Klinik Gigi Sehat Negara", holder: `drg. ${APPLICANT.name}`, photo: "240x360" },
];

// The Cilegon preset (data/workflows/cilegon.json): who acts at each step, what the step must
// produce before it is forwarded.
const CILEGON = [
  { role: "frontoffice", step: "Pemeriksaan kelengkapan berkas (Front Office)", work: "checklist" },
  { role: "backoffice", step: "Verifikasi dan validasi berkas (Back Office)" },
  { role: "kasi", step: "Verifikasi dan validasi berkas (Kepala Seksi)" },
  { role: "backoffice", step: "Penetapan status dan penyiapan draf SK", work: "draft" },
  { role: "kasi", step: "Koreksi dan paraf draf SK", work: "paraf" },
  { role: "kabid", step: "Persetujuan draf SK", work: "approve" },
];

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// ---------------------------------------------------------------------------------------------
// People, each with their own browser context (own session) and page.

let browser;
const common = () => ({ baseURL: server.base, locale: "id-ID", timezoneId: "Asia/Makassar" });
const phone = { viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const applicant = { who: "putu", viewport: PHONE, page: null };
const visitor = { who: "publik", viewport: PHONE, page: null }; // scans a QR code: no session
const officers = new Map(); // "role.office" → actor, signed in once
let current = applicant; // whose page a failure screenshot shows
const problems = []; // page errors, console errors, server errors, pages too wide, soft defects

async function newActor(actor, options) {
  const context = await browser.newContext({ ...common(), ...options });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  actor.page = await context.newPage();
  watch(actor);
  return actor;
}

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

/** A defect that does not stop the journey: recorded and asserted in the last step. */
function expectSoft(ok, msg) {
  if (ok) return;
  if (!problems.includes(msg)) problems.push(msg);
  log(`  !! ${msg}`);
}

/** Every page must fit its screen's width; a page that does not is recorded as a problem. */
async function checkFits(actor, name) {
  const limit = actor.viewport.width;
  const o = await overflowAt(actor.page, limit);
  if (!o) return;
  // One entry per page, not per permit: the token of a verification address is left out.
  const where = new URL(actor.page.url()).pathname.replace(/^\/v\/[^/]+/, "/v/{token}");
  if (problems.some((p) => p.startsWith(`layout: ${where} (`))) return;
  expectSoft(false, `layout: ${where} (${name}) is ${o.width} px wide on a ${limit} px screen; sticking out: ${o.culprits.join("; ")}`);
}

/** Clicks a control; on a page wider than its screen, focuses it and presses Enter (see wizard.test.mjs). */
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
  const file = path.join(ARTIFACTS, `permit-${String(shot).padStart(2, "0")}-${actor.who}-${name}.png`);
  await actor.page.screenshot({ path: file, fullPage: true });
  log(`  screenshot ${path.relative(HERE, file)}`);
}

async function heading(actor, text) {
  await actor.page.getByRole("heading", { name: text }).first().waitFor({ state: "visible" });
}

function nav(actor) {
  return actor.page.getByRole("navigation", { name: "Menu utama" });
}

async function logIn(actor, loginPath, title, email, password, landing) {
  const { page } = actor;
  await page.goto(loginPath);
  await heading(actor, title);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Kata Sandi", { exact: true }).fill(password);
  await activate(actor, page.locator("main").getByRole("button", { name: "Masuk", exact: true }));
  await page.waitForURL(landing);
}

/**
 * The officer of `role` at `office`, in their own desktop browser session, signed in once.
 *
 * The desk's file page shows every uploaded document inline (an <iframe> per PDF, also inside
 * the closed <details>), so each load of it starts Chromium's PDF viewer six times: about 3 s
 * on two shared cores, and the walk loads the page ~50 times. Inline viewing is desk.test.mjs's
 * subject; here the officers' browsers get a stand-in for the previews (a small text page, a
 * small image). The documents themselves are fetched once per file by the Front Office step.
 */
async function officer(role, office = "jembrana") {
  const key = `${role}.${office}`;
  if (officers.has(key)) return officers.get(key);
  const actor = await newActor({ who: `${role}-${office}`, viewport: DESKTOP, page: null }, { viewport: DESKTOP });
  const photo = passportPhotoPng();
  await actor.page.context().route(/\/petugas\/permohonan\/[^/]+\/syarat\/[^/?#]+$/, (route) =>
    route.request().resourceType() === "image"
      ? route.fulfill({ status: 200, contentType: "image/png", body: photo })
      : route.request().resourceType() === "document"
        ? route.fulfill({ status: 200, contentType: "text/plain; charset=utf-8", body: "(pratinjau tidak dimuat dalam uji ini)" })
        : route.continue(),
  );
  log(`  ${officerEmail(role, office)} signs in`);
  await logIn(actor, "/petugas/masuk", "Masuk Petugas", officerEmail(role, office), OFFICER_PASSWORD, /\/petugas$/);
  await heading(actor, "Tugas Saya");
  officers.set(key, actor);
  return actor;
}

let failed = null;
async function step(t, name, fn, { shotOnFailure = true } = {}) {
  await t.test(name, { skip: failed ? `earlier step failed: ${failed}` : false }, async () => {
    log(`STEP ${name}`);
    const started = Date.now();
    try {
      await fn();
      log(`  ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (e) {
      failed = name;
      const page = current.page;
      log(`  FAILED at ${page ? page.url() : "(no page)"}: ${e.message.split("\n")[0]}`);
      if (page && shotOnFailure) await screenshot(current, `FAILED-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase().slice(0, 60)}`).catch(() => {});
      throw e;
    }
  });
}

/**
 * The public verification page is what a QR code opens, on a phone: the document's SHA-256 (64
 * characters without a break opportunity) must wrap instead of widening the page.
 */
async function checkHashFits() {
  const { page } = visitor;
  const hash = page.locator("main code.hash");
  const right = await hash.evaluate((e) => Math.round(e.getBoundingClientRect().right));
  const width = await page.evaluate(() => document.documentElement.clientWidth);
  expectSoft(
    right <= width,
    `publik: on ${new URL(page.url()).pathname.replace(/\/v\/[^/]+/, "/v/{token}")} the "SHA-256 dokumen" value (<code class="hash">) ends at ${right} px on a ${width} px phone: ` +
      "it does not wrap, so the .dl grid's second column takes its full width and the whole page scrolls sideways",
  );
}

// ---------------------------------------------------------------------------------------------
// The applicant's wizard (as in wizard.test.mjs, shortened: Putu's account fills Tahap 1).

/** Chooses the option whose text matches `re` in a <select>, waiting for it to appear (fetch). */
async function choose(select, re, what) {
  const option = select.locator("option").filter({ hasText: re }).first();
  try {
    await option.waitFor({ state: "attached", timeout: 10_000 });
  } catch (e) {
    const have = await select.locator("option").allInnerTexts();
    throw new Error(`no option matching ${re} for ${what}; options: ${have.join(" | ")}`, { cause: e });
  }
  const value = await option.getAttribute("value");
  await select.selectOption(value);
  return value;
}

async function tahap1(id, facility) {
  const { page } = applicant;
  await heading(applicant, /Tahap 1/);
  assert.equal(await page.getByLabel("Nama Pemohon").inputValue(), APPLICANT.name, "name prefilled from the account");
  await page.getByLabel("Nama Tempat Praktik / Fasilitas Pelayanan Kesehatan").fill(facility);
  const lokasi = page.locator('fieldset[data-area="location_village_code"]');
  assert.equal(await lokasi.getByLabel("Kabupaten / Kota", { exact: true }).inputValue(), "51.01", "the office's regency is preselected");
  await choose(lokasi.getByLabel("Kecamatan", { exact: true }), /^\s*negara\s*$/i, "Kecamatan");
  await choose(lokasi.getByLabel("Kelurahan / Desa", { exact: true }), /^\s*baler bale agung\s*$/i, "Kelurahan / Desa");
  await page.getByLabel("Detail Alamat Lokasi").fill("JL. GATOT SUBROTO NO. 7, NEGARA");
  await activate(applicant, page.getByRole("button", { name: "Lanjutkan" }));
  await page.waitForURL(`**/permohonan/${id}/tahap-2`);
}

async function tahap2(id, fullName, days) {
  const { page } = applicant;
  await heading(applicant, /Tahap 2/);
  await page.getByLabel("Tempat Lahir", { exact: true }).fill("Denpasar");
  await page.getByLabel("Tanggal Lahir", { exact: true }).fill("1997-03-09");
  await page.getByLabel("Nama Lengkap (Sesuai Ijazah)").fill(fullName);
  for (const day of ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"]) {
    const box = page.getByRole("checkbox", { name: day, exact: true });
    if (days.includes(day)) await box.check();
    else await box.uncheck();
  }
  await page.getByLabel("Mulai pukul").fill("16:00");
  await page.getByLabel("s/d pukul").fill("20:00");
  await page.getByLabel("Permohonan SIP yang Ke").selectOption("1");
  await page.getByLabel("Nomor STR (Surat Tanda Registrasi)").fill("5121103318134121");
  await page.getByLabel("Jenis Tempat Praktik").selectOption("Fasilitas Pelayanan Kesehatan");
  await activate(applicant, page.getByRole("button", { name: "Lanjutkan" }));
  await page.waitForURL(`**/permohonan/${id}/tahap-3`);
}

/** Tahap 3: every requirement that is not optional, from Manajer Berkas where `fromLibrary` says. */
async function tahap3(id, fromLibrary = {}) {
  const { page } = applicant;
  await heading(applicant, /Tahap 3/);
  const sections = page.locator("section.req");
  const reqs = [];
  for (let i = 0; i < (await sections.count()); i++) {
    const s = sections.nth(i);
    reqs.push({
      key: (await s.getAttribute("id")).replace(/^f-/, ""),
      label: (await s.locator("h3").innerText()).trim(),
      need: (await s.locator("p.muted").first().innerText()).trim(),
      accept: (await s.locator("input[type=file]").getAttribute("accept")) || "",
    });
  }
  const section = (key) => page.locator(`section.req#f-${key}`);
  for (const r of reqs) {
    if (/^Tidak wajib/.test(r.need)) continue;
    const s = section(r.key);
    if (fromLibrary[r.key]) {
      await choose(s.getByLabel("atau pilih dari Manajer Berkas"), fromLibrary[r.key], `Manajer Berkas for ${r.label}`);
      await activate(applicant, s.getByRole("button", { name: "Pakai berkas ini" }));
      await page.waitForURL(`**/permohonan/${id}/tahap-3*`);
      await section(r.key).getByText("Terunggah").waitFor({ state: "visible" });
      log(`  ${r.label}: picked from Manajer Berkas`);
      continue;
    }
    const file =
      /image|jpe?g|png/i.test(r.accept) && !/pdf/i.test(r.accept)
        ? { name: "pas-foto.png", mimeType: "image/png", buffer: passportPhotoPng() }
        : { name: `${r.key}.pdf`, mimeType: "application/pdf", buffer: pdf(`${r.label} - ${APPLICANT.name}`) };
    await s.locator("input[type=file]").setInputFiles(file);
    await activate(applicant, s.getByRole("button", { name: "Unggah" }));
    await section(r.key).getByText("Terunggah").waitFor({ state: "visible" });
    await page.waitForLoadState("load");
  }
  await page.goto(`/permohonan/${id}/tahap-3`);
  for (const r of reqs.filter((r) => !/^Tidak wajib/.test(r.need))) {
    assert.equal(await section(r.key).getByText("Terunggah").count(), 1, `${r.label} is attached`);
  }
  assert.equal(await page.locator("section.req .error-message").count(), 0, "no upload was refused");
}

/** Periksa & Ajukan → Bukti Pendaftaran; returns the registration number. */
async function submit(id, permitName) {
  const { page } = applicant;
  await activate(applicant, page.locator("main .actions").getByRole("link", { name: "Lanjutkan", exact: true }));
  await page.waitForURL(`**/permohonan/${id}/periksa`);
  assert.doesNotMatch(await page.locator("main").innerText(), /Masih ada/, "nothing is missing");
  await activate(applicant, page.getByRole("button", { name: "Ya, Lanjutkan" }));
  await page.waitForURL(`**/permohonan/${id}/bukti`);
  await heading(applicant, "Bukti Pendaftaran");
  const number = (await page.locator(".receipt .big strong").innerText()).trim();
  assert.match(number, /^JBR-/, "registration number of the Jembrana office");
  assert.match(await page.locator(".receipt").innerText(), new RegExp(escapeRe(permitName)));
  return number;
}

// ---------------------------------------------------------------------------------------------
// The desks.

/** Submits a desk form and expects the file page back with "Tindakan tersimpan.". */
async function deskAction(actor, fileId, button, what) {
  const { page } = actor;
  await activate(actor, page.locator("main").getByRole("button", { name: button, exact: true }));
  await page.waitForURL((u) => u.pathname === `/petugas/berkas/${fileId}` && u.searchParams.has("info"));
  const errors = page.locator(".error-summary");
  if (await errors.count()) throw new Error(`${what}: refused: ${(await errors.innerText()).trim()}`);
  assert.equal(new URL(page.url()).searchParams.get("info"), "ok", `${what}: saved (not a repeated request)`);
  assert.equal((await page.getByRole("status").first().innerText()).trim(), "Tindakan tersimpan.", what);
}

/**
 * Walks one file through every desk of the Cilegon preset, each step by its own officer of the
 * office, who finds it in Tugas Saya. Returns the file id. `shots` takes screenshots on the way.
 */
async function walkCilegon(registrationNumber, permitShort, { shots = false } = {}) {
  let fileId = null;
  for (const [i, s] of CILEGON.entries()) {
    const actor = await officer(s.role);
    current = actor;
    const { page } = actor;
    await activate(actor, nav(actor).getByRole("link", { name: "Tugas Saya", exact: true }));
    await page.waitForURL(/\/petugas$/);
    const row = page.locator("table.desk tbody tr").filter({ hasText: registrationNumber });
    assert.equal(await row.count(), 1, `step ${i + 1} (${s.step}): ${registrationNumber} is in ${s.role}'s Tugas Saya`);
    const rowText = await row.innerText();
    assert.match(rowText, new RegExp(escapeRe(APPLICANT.name), "i"));
    assert.match(rowText, new RegExp(escapeRe(permitShort)));
    if (shots && i === 0) await screenshot(actor, "tugas-saya");
    await activate(actor, row.getByRole("link", { name: registrationNumber }));
    await page.waitForURL(/\/petugas\/berkas\/[^/?#]+$/);
    fileId ??= new URL(page.url()).pathname.split("/").pop();
    assert.equal(new URL(page.url()).pathname, `/petugas/berkas/${fileId}`, "the same file at every desk");
    const stepNow = (await page.locator("dt", { hasText: "Tahap sekarang" }).locator("xpath=following-sibling::dd[1]").innerText()).trim();
    assert.ok(stepNow.startsWith(s.step), `step ${i + 1}: "Tahap sekarang" is "${stepNow}", expected "${s.step} (…)"`);

    if (s.work === "checklist") {
      const checklist = page.locator("form#checklist");
      const rows = checklist.locator(".check-row");
      const n = await rows.count();
      assert.ok(n >= 5, `documents to check: ${n}`);
      for (let k = 0; k < n; k++) {
        // The document behind each row is really there (fetched past the preview stand-in).
        const src = await rows.nth(k).locator("iframe.preview, img.preview-img").getAttribute("src");
        const r = await page.request.get(new URL(src, page.url()).href);
        assert.equal(r.status(), 200, `GET ${src}`);
        assert.match(r.headers()["content-type"] || "", /^(application\/pdf|image\/(png|jpeg))\b/, src);
        await rows.nth(k).locator('input[type=radio][value="sesuai"]').check();
      }
      await deskAction(actor, fileId, "Simpan hasil pemeriksaan syarat", "checklist");
      assert.equal(await page.locator('form#checklist input[type=radio][value="sesuai"]:checked').count(), n, "every document kept as Sesuai");
    } else if (s.work === "draft") {
      const form = page.locator("form.action").filter({ has: page.getByRole("heading", { name: "Draf SK" }) });
      assert.ok((await form.locator('input[name^="sk_"]').count()) > 0, "the draft SK form has its fields");
      await deskAction(actor, fileId, "Simpan draf SK", "draft SK");
      const draftLink = page.getByRole("link", { name: "Draf SK (PDF, DRAF)" });
      const r = await page.request.get(new URL(await draftLink.getAttribute("href"), page.url()).href);
      assert.equal(r.status(), 200, "the draft SK PDF");
      assert.match(r.headers()["content-type"] || "", /^application\/pdf\b/);
    } else if (s.work === "paraf") {
      await deskAction(actor, fileId, "Paraf", "paraf");
    } else if (s.work === "approve") {
      await deskAction(actor, fileId, "Setujui", "approval");
    }
    if (shots && s.work === "approve") await screenshot(actor, "persetujuan-kabid");
    await deskAction(actor, fileId, "Teruskan ke tahap berikutnya", `forward from step ${i + 1}`);
    const badge = (await page.locator("main .badge").first().innerText()).trim();
    if (i + 1 < CILEGON.length) {
      assert.equal(badge, "Sedang Diproses", `after step ${i + 1}`);
      const next = (await page.locator("dt", { hasText: "Tahap sekarang" }).locator("xpath=following-sibling::dd[1]").innerText()).trim();
      assert.ok(next.startsWith(CILEGON[i + 1].step), `after step ${i + 1} the file is at "${next}"`);
    } else {
      assert.equal(badge, "Siap Ditandatangani", "after the last desk");
    }
    log(`  ${registrationNumber}: step ${i + 1} done by ${s.role}`);
  }
  if (shots) await screenshot(current, "siap-ditandatangani");
  return fileId;
}

// ---------------------------------------------------------------------------------------------

before(async () => {
  cleanArtifacts(/^permit-/);
  await startServer("permit-server.log");
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM`);
  }
  log(`launching ${CHROMIUM}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
  log(`browser ${browser.version()}`);
  await newActor(applicant, phone);
  await newActor(visitor, phone);
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (failed) console.log(`--- last lines of the server log (${path.relative(HERE, server.logPath)}) ---\n${serverLogTail()}`);
  await stopServer();
  log(`done; screenshots in ${path.relative(process.cwd(), ARTIFACTS) || "."}/permit-*`);
});

test("three Jembrana files through the Cilegon desks, signed in one batch by the Kepala Dinas, downloaded and verified", { timeout: 240_000 }, async (t) => {
  const started = Date.now();
  for (const f of FILES) f.registrationNumber = null;
  const permits = []; // { number, title, href, verify }

  await step(t, "Putu logs in on his phone; his SIP Dokter Spesialis waits at the Front Office", async () => {
    current = applicant;
    await logIn(applicant, "/masuk", "Masuk", APPLICANT.email, APPLICANT.password, /\/permohonan$/);
    await heading(applicant, "Permohonan Saya");
    const page = applicant.page;
    const drsp = page.locator("tbody tr").filter({ hasText: FILES[0].name }).filter({ hasText: OFFICE });
    assert.equal(await drsp.count(), 1, "one SIP Dokter Spesialis at Jembrana");
    assert.match(await drsp.innerText(), /Menunggu Verifikasi/);
    FILES[0].registrationNumber = (await drsp.locator('td[data-label="No. Registrasi"]').innerText()).trim();
    assert.match(FILES[0].registrationNumber, /^JBR-/);
    log(`  ${FILES[0].short}: ${FILES[0].registrationNumber}`);
  });

  await step(t, "Putu finishes his draft SIP Dokter (resumes at Tahap 2; KTP and pas foto from Manajer Berkas)", async () => {
    const page = applicant.page;
    const f = FILES[1];
    // The permit's name is the first line of the Izin cell (the office is the second).
    const rows = page.locator("tbody tr");
    const names = (await rows.locator('td[data-label="Izin"]').allInnerTexts()).map((x) => x.split("\n")[0].trim());
    const matching = names.flatMap((n, k) => (n === f.name ? [k] : []));
    assert.equal(matching.length, 1, `the demo draft SIP Dokter; rows: ${names.join(" | ")}`);
    const row = rows.nth(matching[0]);
    assert.match(await row.innerText(), /belum diajukan[\s\S]*Kabupaten Jembrana[\s\S]*Draf/);
    await activate(applicant, row.getByRole("link", { name: "Lanjutkan" }));
    // Tahap 1 was saved by the demo: the wizard goes on at Tahap 2.
    await page.waitForURL(/\/permohonan\/[^/]+\/tahap-2$/);
    const id = page.url().match(/\/permohonan\/([^/]+)\/tahap-2/)[1];
    await tahap2(id, f.holder, ["Senin", "Rabu", "Jumat"]);
    await tahap3(id, { ktp: /KTP/, pas_foto: /foto/i });
    f.registrationNumber = await submit(id, f.name);
    log(`  ${f.short}: ${f.registrationNumber}`);
  });

  await step(t, "Putu applies for a SIP Dokter Gigi at Jembrana", async () => {
    const page = applicant.page;
    const f = FILES[2];
    await activate(applicant, nav(applicant).getByRole("link", { name: "Ajukan Permohonan", exact: true }));
    await page.waitForURL("**/permohonan/baru");
    await page.getByLabel("Izin", { exact: true }).selectOption({ label: f.name });
    await activate(applicant, page.getByRole("button", { name: "Tampilkan informasi" }));
    await page.waitForURL(`**/permohonan/baru?*izin=${f.code}*`);
    await page.getByLabel("Kantor layanan tujuan").selectOption({ label: OFFICE });
    await activate(applicant, page.locator("main").getByRole("button", { name: "Ajukan Permohonan", exact: true }));
    await page.waitForURL("**/permohonan/*/tahap-1");
    const id = page.url().match(/\/permohonan\/([^/]+)\/tahap-1/)[1];
    await tahap1(id, f.place);
    await tahap2(id, f.holder, ["Selasa", "Kamis", "Sabtu"]);
    await tahap3(id);
    f.registrationNumber = await submit(id, f.name);
    log(`  ${f.short}: ${f.registrationNumber}`);
    await activate(applicant, nav(applicant).getByRole("link", { name: "Permohonan Saya" }));
    await page.waitForURL("**/permohonan");
    for (const x of FILES) {
      const r = page.locator("tbody tr").filter({ hasText: x.registrationNumber });
      assert.equal(await r.count(), 1, `${x.registrationNumber} in Permohonan Saya`);
      assert.match(await r.innerText(), /Menunggu Verifikasi/);
    }
    await screenshot(applicant, "permohonan-saya-diajukan");
  });

  for (const [i, f] of FILES.entries()) {
    await step(t, `${f.short}: every desk of the Cilegon preset, each by its own officer`, async () => {
      f.fileId = await walkCilegon(f.registrationNumber, f.short, { shots: i === 0 });
    });
  }

  let secret;
  let enrolStep;
  await step(t, "Kepala Dinas signs in for the first time and must enrol the authenticator", async () => {
    const kadis = await newActor({ who: "kadis-jembrana", viewport: DESKTOP, page: null }, { viewport: DESKTOP });
    officers.set("kadis.jembrana", kadis);
    current = kadis;
    const { page } = kadis;
    await logIn(kadis, "/petugas/masuk", "Masuk Petugas", officerEmail("kadis", "jembrana"), OFFICER_PASSWORD, /\/petugas\/keamanan$/);
    await heading(kadis, "Keamanan Akun");
    assert.match(await page.getByRole("status").first().innerText(), /wajib memakai verifikasi dua langkah/);
    // Until enrolled, the officer pages are closed to this session.
    const closed = await page.request.get("/petugas/tandatangan", { maxRedirects: 0 });
    assert.ok(closed.status() !== 200, `/petugas/tandatangan before enrolment must not answer 200 (got ${closed.status()})`);
    const grouped = (await page.locator("#kunci-totp").innerText()).trim();
    assert.match(grouped, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/, `the secret, grouped by four: "${grouped}"`);
    secret = grouped.replace(/\s+/g, "");
    const qr = page.locator('img[alt^="Kode QR untuk menambahkan akun izinkes"]');
    assert.match((await qr.getAttribute("src")) || "", /^data:image\//, "the QR code for the authenticator app");
    await screenshot(kadis, "aktifkan-2fa");
    // A wrong code is refused on the page.
    const wrong = String((Number(totpCode(secret)) + 1) % 1_000_000).padStart(6, "0");
    await page.getByLabel("Kode autentikator (6 digit)").fill(wrong);
    await activate(kadis, page.getByRole("button", { name: "Aktifkan verifikasi dua langkah" }));
    await page.locator("#e-code").waitFor({ state: "visible" });
    log(`  wrong code refused: "${(await page.locator("#e-code").innerText()).trim()}"`);
    enrolStep = totpStepNow();
    await page.getByLabel("Kode autentikator (6 digit)").fill(totpCode(secret, enrolStep));
    await activate(kadis, page.getByRole("button", { name: "Aktifkan verifikasi dua langkah" }));
    await heading(kadis, /Verifikasi dua langkah aktif/);
    const codes = await page.locator("#kode-pemulihan li code").allInnerTexts();
    assert.equal(codes.length, 10, "ten recovery codes");
    await screenshot(kadis, "kode-pemulihan");
    await activate(kadis, page.getByRole("link", { name: /lanjut ke Tugas Saya/ }));
    await page.waitForURL(/\/petugas$/);
    await heading(kadis, "Tugas Saya");
    assert.match(await page.locator("main").innerText(), /Kabupaten Jembrana[\s\S]*Peran: Kepala Dinas/);
  });

  await step(t, "Kepala Dinas opens Tanda Tangan: exactly the three permits, and signs them in one batch", async () => {
    const kadis = officers.get("kadis.jembrana");
    current = kadis;
    const { page } = kadis;
    await activate(kadis, nav(kadis).getByRole("link", { name: "Tanda Tangan", exact: true }));
    await page.waitForURL("**/petugas/tandatangan");
    await heading(kadis, "Penandatanganan Izin");
    const rows = page.locator("main table tbody tr");
    assert.equal(await rows.count(), 3, "three permits await signature");
    const texts = await rows.allInnerTexts();
    for (const f of FILES) {
      const r = rows.filter({ has: page.locator('td[data-label="Izin"]', { hasText: new RegExp(`^\\s*(${escapeRe(f.name)}|${escapeRe(f.short)})\\s*$`) }) });
      assert.equal(await r.count(), 1, `one row for ${f.name}; rows: ${texts.join(" / ")}`);
      assert.match(await r.locator('td[data-label="Pemegang"]').innerText(), new RegExp(`^\\s*${escapeRe(f.holder)}\\s*$`, "i"));
      assert.equal(await r.getByRole("link", { name: "Periksa berkas" }).getAttribute("href"), `/petugas/berkas/${f.fileId}`);
      f.permitNumber = (await r.locator('td[data-label="Nomor"]').innerText()).trim();
      assert.ok(f.permitNumber.length > 5, `the permit number is given before signing: "${f.permitNumber}"`);
      log(`  ${f.short}: ${f.permitNumber}`);
    }
    assert.equal(new Set(FILES.map((f) => f.permitNumber)).size, 3, "three different numbers");
    const boxes = page.locator('input[type=checkbox][name="permit"]');
    assert.equal(await boxes.count(), 3);
    for (let k = 0; k < 3; k++) assert.ok(await boxes.nth(k).isChecked(), "every permit is chosen by default");
    await screenshot(kadis, "tanda-tangan");

    // The authenticator's code now; a step already used at enrolment is not reused: the next
    // step's code is accepted too (one step of clock drift either way).
    // A wrong code signs nothing.
    const wrong = String((Number(totpCode(secret)) + 500_000) % 1_000_000).padStart(6, "0");
    await page.getByLabel("Kode autentikator (6 digit)").fill(wrong);
    await activate(kadis, page.getByRole("button", { name: "Tandatangani yang dipilih" }));
    const err = page.locator(".error-message").filter({ hasText: /Kode autentikator salah/ });
    await err.waitFor({ state: "visible" });
    assert.equal(await page.locator("main table tbody tr").count(), 3, "after a wrong code the three permits still wait");
    assert.equal(await page.getByText(/izin ditandatangani/).count(), 0);
    for (let k = 0; k < 3; k++) assert.ok(await boxes.nth(k).isChecked(), "the choice is kept after the error");

    const signStep = Math.max(totpStepNow(), enrolStep + 1);
    log(`  signing with the code of step ${signStep} (now ${totpStepNow()}, enrolled at ${enrolStep})`);
    await page.getByLabel("Kode autentikator (6 digit)").fill(totpCode(secret, signStep));
    const t0 = Date.now();
    await activate(kadis, page.getByRole("button", { name: "Tandatangani yang dipilih" }));
    await page.getByRole("status").filter({ hasText: /izin ditandatangani/ }).waitFor({ state: "visible", timeout: 60_000 });
    log(`  signed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    assert.equal((await page.getByRole("status").first().innerText()).trim(), "3 izin ditandatangani.");
    const results = page.locator("main").getByRole("heading", { name: "Hasil" }).locator("xpath=following-sibling::ul[1]/li");
    const lines = (await results.allInnerTexts()).map((s) => s.trim());
    assert.equal(lines.length, 3, `results: ${lines.join(" | ")}`);
    for (const f of FILES) assert.ok(lines.includes(`${f.permitNumber}: ditandatangani`), `${f.permitNumber} signed; results: ${lines.join(" | ")}`);
    assert.match(await page.locator("main").innerText(), /Tidak ada izin yang menunggu tanda tangan\./, "nothing left to sign");
    await screenshot(kadis, "ditandatangani");
  });

  await step(t, "Putu: Izin Saya lists the three permits as active; Permohonan Saya says Izin Terbit", async () => {
    current = applicant;
    const { page } = applicant;
    await activate(applicant, nav(applicant).getByRole("link", { name: "Izin Saya", exact: true }));
    await page.waitForURL("**/izin");
    await heading(applicant, "Izin Saya");
    const downloads = page.getByRole("link", { name: "Unduh / cetak izin (PDF)" });
    assert.equal(await downloads.count(), 3, "three active permits");
    const cards = page.locator("article.panel").filter({ has: downloads });
    for (let k = 0; k < 3; k++) {
      const card = cards.nth(k);
      permits.push({
        title: (await card.locator("h3").innerText()).trim(),
        href: await card.getByRole("link", { name: "Unduh / cetak izin (PDF)" }).getAttribute("href"),
        verify: await card.getByRole("link", { name: "Verifikasi", exact: true }).getAttribute("href"),
      });
    }
    for (const f of FILES) {
      const p = permits.find((x) => x.title === `${f.name} — ${f.permitNumber}`);
      assert.ok(p, `Izin Aktif lists "${f.name} — ${f.permitNumber}"; have: ${permits.map((x) => x.title).join(" | ")}`);
      p.file = f;
      assert.match(p.href, /^\/izin\/[^/]+\/unduh$/);
      assert.match(p.verify, /^\/v\/[^/]+$/);
    }
    assert.match(await page.locator("main").innerText(), /Izin Kedaluwarsa dan tidak berlaku\s+Tidak ada\./, "nothing expired or revoked");
    await screenshot(applicant, "izin-saya");
    await activate(applicant, nav(applicant).getByRole("link", { name: "Permohonan Saya" }));
    await page.waitForURL("**/permohonan");
    for (const f of FILES) {
      assert.match(await page.locator("tbody tr").filter({ hasText: f.registrationNumber }).innerText(), /Izin Terbit/, `${f.registrationNumber} is Izin Terbit`);
    }
  });

  for (let k = 0; k < 3; k++) {
    await step(t, `permit ${k + 1}: PDF downloaded, signature valid (pdfsig), QR opens the verification page: Aktif`, async () => {
      current = applicant;
      const p = permits[k];
      const f = p.file;
      const r = await applicant.page.request.get(p.href);
      assert.equal(r.status(), 200, `GET ${p.href}`);
      assert.match(r.headers()["content-type"] || "", /^application\/pdf\b/);
      const bytes = await r.body();
      assert.equal(bytes.subarray(0, 5).toString("latin1"), "%PDF-");
      const base = path.join(ARTIFACTS, `permit-izin-${k + 1}-${f.code}`);
      fs.writeFileSync(`${base}.pdf`, bytes);
      log(`  saved ${path.relative(HERE, base)}.pdf (${bytes.length} bytes)`);
      // Another applicant (or nobody) cannot download it.
      const anonymous = await fetch(new URL(p.href, server.base), { redirect: "manual" });
      assert.notEqual(anonymous.status, 200, `anonymous GET ${p.href}`);

      const sig = await runTool("pdfsig", [`${base}.pdf`]);
      fs.writeFileSync(`${base}-pdfsig.txt`, sig.stdout + sig.stderr);
      assert.match(sig.stdout, /Signature #1:/, `pdfsig finds a signature:\n${sig.stdout}${sig.stderr}`);
      assert.match(sig.stdout, /Signature Validation: Signature is Valid\./, `pdfsig:\n${sig.stdout}${sig.stderr}`);
      assert.doesNotMatch(sig.stdout, /Signature #2:/, "one signature");
      assert.match(sig.stdout, /^\s*- Total document signed$/m, "the signature covers the whole document");
      assert.match(sig.stdout, /Signer full Distinguished Name: .*O=DPMPTSPTK Kabupaten Jembrana/, "signed with the office's certificate");
      log(`  pdfsig: ${sig.stdout.match(/Signature Validation: .*/)[0]}; ${(sig.stdout.match(/Signer Certificate Common Name: .*/) || ["?"])[0]}`);

      const text = await runTool("pdftotext", ["-layout", `${base}.pdf`, "-"]);
      assert.equal(text.code, 0, text.stderr);
      const flat = text.stdout.replace(/\s+/g, " ");
      assert.ok(flat.includes(f.permitNumber), `the PDF shows the number ${f.permitNumber}`);
      assert.match(flat, new RegExp(escapeRe(f.holder), "i"), `the PDF shows the holder ${f.holder}`);

      // The holder's pas foto is printed on the permit (pdfimages lists the images of page 1).
      const images = await runTool("pdfimages", ["-list", "-f", "1", "-l", "1", `${base}.pdf`]);
      assert.equal(images.code, 0, images.stderr);
      const sizes = images.stdout.split("\n").slice(2).map((l) => l.trim().split(/\s+/)).filter((c) => c[2] === "image").map((c) => `${c[3]}x${c[4]}`);
      if (f.photo) assert.ok(sizes.includes(f.photo), `the uploaded ${f.photo} pas foto is on page 1; images: ${sizes.join(", ")}`);
      else assert.ok(sizes.length >= 1, "a pas foto is on page 1");

      const png = await runTool("pdftoppm", ["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", `${base}.pdf`, `${base}-hal1`]);
      assert.equal(png.code, 0, `pdftoppm: ${png.stderr}`);
      const qr = await runTool("zbarimg", ["--raw", "-q", `${base}-hal1.png`]);
      const urls = qr.stdout.split("\n").map((s) => s.trim()).filter(Boolean);
      assert.ok(urls.length >= 1, `zbarimg finds a QR code on page 1 (exit ${qr.code}): ${qr.stderr}`);
      const url = urls.find((u) => /\/v\//.test(u));
      assert.ok(url, `a verification URL among the codes: ${urls.join(" | ")}`);
      log(`  QR: ${url}`);
      assert.equal(url, `${server.base}${p.verify}`, "the QR code is the permit's own verification address");

      current = visitor;
      const { page } = visitor;
      await page.goto(url);
      await heading(visitor, "Verifikasi Izin");
      assert.equal((await page.locator(".status-big").innerText()).trim(), "Aktif");
      await checkHashFits();
      if (k === 0) await screenshot(visitor, "verifikasi-aktif");
      const dl = await page.locator("main dl").innerText();
      assert.match(dl, new RegExp(`Nomor izin\\s+${escapeRe(f.permitNumber)}`));
      assert.match(dl, new RegExp(`Jenis izin\\s+${escapeRe(f.name)}`));
      assert.match(dl, new RegExp(`Pemegang\\s+${escapeRe(f.holder)}\\n`, "i"));
      assert.match(dl, new RegExp(`NIK\\s+${escapeRe(APPLICANT.nikMasked)}`), "the NIK is masked");
      assert.match(dl, new RegExp(`Diterbitkan oleh\\s+${escapeRe(OFFICE)}`));
      // The downloaded file is the issued one: the page's own check says Cocok.
      await page.locator("#f-pdf").setInputFiles(`${base}.pdf`);
      await activate(visitor, page.getByRole("button", { name: "Periksa", exact: true }));
      await page.getByText("Cocok.", { exact: true }).waitFor({ state: "visible" });
      if (k === 0) await screenshot(visitor, "verifikasi-aktif-cocok");
    });
  }

  await step(t, "the revoked demo permit of Kota Pontianak: Arsip Izin → Halaman verifikasi publik says Dicabut", async () => {
    const arsip = await officer("pencetakan", "pontianak");
    current = arsip;
    const { page } = arsip;
    await activate(arsip, nav(arsip).getByRole("link", { name: "Arsip Izin", exact: true }));
    await page.waitForURL("**/petugas/izin");
    await heading(arsip, "Arsip Izin");
    const revoked = page.locator("main table tbody tr").filter({ has: page.locator('td[data-label="Status"]', { hasText: /^\s*Dicabut\s*$/ }) });
    assert.equal(await revoked.count(), 1, "one revoked permit in the Pontianak archive");
    const number = (await revoked.locator('td[data-label="Nomor"]').innerText()).trim();
    assert.match(await revoked.locator('td[data-label="Pemegang"]').innerText(), /Dewi Lestari/i);
    log(`  revoked: ${number}`);
    await screenshot(arsip, "arsip-izin");
    await activate(arsip, revoked.getByRole("link", { name: number }));
    await page.waitForURL(/\/petugas\/izin\/[^/]+$/);
    await heading(arsip, number);
    assert.equal((await page.locator(".status-big").innerText()).trim(), "Dicabut");
    const link = page.getByRole("link", { name: "Halaman verifikasi publik" });
    const href = await link.getAttribute("href");
    assert.match(href || "", /^\/v\/[^/]+$/);

    current = visitor;
    await visitor.page.goto(href);
    await heading(visitor, "Verifikasi Izin");
    assert.equal((await visitor.page.locator(".status-big").innerText()).trim(), "Dicabut");
    const dl = await visitor.page.locator("main dl").innerText();
    assert.match(dl, new RegExp(`Nomor izin\\s+${escapeRe(number)}`));
    assert.match(dl, /Alasan pencabutan\s+Tempat praktik tidak lagi beroperasi/);
    assert.match(dl, /Diterbitkan oleh\s+DPMPTSP Kota Pontianak/);
    await checkHashFits();
    await screenshot(visitor, "verifikasi-dicabut");
    // The machine-readable answer agrees.
    const j = await (await fetch(`${server.base}${href}.json`)).json();
    assert.equal(j.status, "Dicabut");
    assert.equal(j.status_code, "revoked");
  });

  await step(t, "Putu changes the schedule of his SIP Dokter Gigi (perubahan data): refused without a reason, then submitted", async () => {
    current = applicant;
    const { page } = applicant;
    const f = FILES[2];
    await page.goto("/izin");
    await heading(applicant, "Izin Saya");
    const card = page.locator("article.panel").filter({ hasText: f.permitNumber });
    await activate(applicant, card.getByRole("link", { name: "Ubah tempat / jadwal praktik" }));
    await page.waitForURL(/\/izin\/[^/]+\/ubah$/);
    await heading(applicant, "Perubahan data izin");
    assert.equal(await page.getByLabel("Nama tempat praktik / fasilitas").inputValue(), f.place, "prefilled from the permit");
    assert.ok(await page.getByRole("checkbox", { name: "Sabtu", exact: true }).isChecked(), "the current days are ticked");
    await page.getByRole("checkbox", { name: "Senin", exact: true }).check();
    await activate(applicant, page.getByRole("button", { name: "Ajukan perubahan" }));
    await page.locator("#e-reason").waitFor({ state: "visible" });
    log(`  no reason: "${(await page.locator("#e-reason").innerText()).trim()}"`);
    assert.ok(await page.getByRole("checkbox", { name: "Senin", exact: true }).isChecked(), "the new day is kept");
    await screenshot(applicant, "perubahan-data-alasan");
    await page.getByLabel("Alasan perubahan").fill("Menambah jadwal praktik pada hari Senin.");
    await activate(applicant, page.getByRole("button", { name: "Ajukan perubahan" }));
    await page.waitForURL(/\/permohonan\/[^/]+$/);
    const main = await page.locator("main").innerText();
    assert.match(main, /Perubahan data izin[\s\S]*Menambah jadwal praktik pada hari Senin/);
    assert.match(main, /Menunggu Verifikasi/);
    await screenshot(applicant, "perubahan-data-diajukan");
  });

  await step(t, "the Jembrana admin: Dokumen kantor — wrong input kept with its message, SK preview as PDF, a broken template refused", async () => {
    const admin = await newActor({ who: "admin-jembrana", viewport: DESKTOP, page: null }, { viewport: DESKTOP });
    current = admin;
    const { page } = admin;
    await logIn(admin, "/petugas/masuk", "Masuk Petugas", officerEmail("admin", "jembrana"), OFFICER_PASSWORD, /\/petugas\/keamanan$/);
    await heading(admin, "Keamanan Akun");
    const secretAdmin = (await page.locator("#kunci-totp").innerText()).trim().replace(/\s+/g, "");
    await page.getByLabel("Kode autentikator (6 digit)").fill(totpCode(secretAdmin, totpStepNow()));
    await activate(admin, page.getByRole("button", { name: "Aktifkan verifikasi dua langkah" }));
    await heading(admin, /Verifikasi dua langkah aktif/);
    await activate(admin, page.getByRole("link", { name: /lanjut ke Tugas Saya/ }));
    await page.waitForURL(/\/petugas$/);
    await activate(admin, nav(admin).getByRole("link", { name: "Dokumen kantor", exact: true }));
    await page.waitForURL("**/petugas/admin/dokumen");
    await heading(admin, "Dokumen kantor");
    await page.getByLabel("Tempat penetapan").fill("");
    await page.getByLabel("NIP penandatangan (tidak wajib)").fill("1970-01");
    await activate(admin, page.getByRole("button", { name: "Simpan kop surat" }));
    await page.locator("#e-place").waitFor({ state: "visible" });
    await page.locator("#e-signer_nip").waitFor({ state: "visible" });
    assert.equal(await page.getByLabel("NIP penandatangan (tidak wajib)").inputValue(), "1970-01", "the value is kept");
    await screenshot(admin, "dokumen-kantor-salah");
    const preview = await page.request.get("/petugas/admin/dokumen/pratinjau/sk");
    assert.equal(preview.status(), 200);
    assert.match(preview.headers()["content-type"] || "", /^application\/pdf/);
    const file = path.join(ARTIFACTS, "permit-pratinjau-sk.pdf");
    fs.writeFileSync(file, await preview.body());
    const text = (await runTool("pdftotext", [file, "-"])).stdout;
    assert.match(text, /Contoh Pratinjau/, "the preview is the sample SK");
    await page.goto("/petugas/admin/dokumen/templat/sk");
    await heading(admin, /Templat SK/);
    await page.getByLabel("Templat (typst)").fill('#let d = json("data.json")\n#let x = (\n');
    await activate(admin, page.getByRole("button", { name: "Periksa dan simpan" }));
    await page.locator("#e-source").waitFor({ state: "visible" });
    const message = (await page.locator("#e-source").innerText()).trim();
    log(`  broken template: "${message.slice(0, 120)}"`);
    assert.match(message, /Templat tidak dapat dirender/);
    assert.match(await page.getByLabel("Templat (typst)").inputValue(), /#let x = \(/, "the admin's text is kept");
    await screenshot(admin, "templat-salah");
  });

  await step(
    t,
    "no script errors, no server errors, every page fits its screen",
    async () => {
      log(`  the whole walk took ${((Date.now() - started) / 1000).toFixed(1)}s`);
      assert.deepEqual(problems, [], `${problems.length} problem(s) on the way:\n${problems.join("\n")}`);
    },
    { shotOnFailure: false },
  );
});
