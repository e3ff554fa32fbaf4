// Issue 16 in a real browser: the two new kinds of permit type, on a phone.
//
//   1. Budi (a demo applicant) applies at Jembrana for an SLHS for a rumah makan: Tahap 1 asks
//      for the business; a short NIB is refused next to its field with everything typed kept;
//      with the NIB, owner and person in charge he fills Tahap 2 and 3 and submits.
//   2. From Izin Saya he asks to cancel his SIP Apoteker at Jembrana (Ajukan pencabutan): the
//      draft opens at Tahap 2 with the cancellation's own form; he answers, uploads and submits.
//   3. The Front Office of Jembrana sees both files in Tugas Saya; the SLHS file says the type
//      must be inspected with laboratory results, the cancellation says which permit it cancels.
//
// Uses `izinkes serve --demo` on a free port with a fresh data dir (lib.mjs) and Debian's
// Chromium. Screenshots land in e2e/artifacts/holders-*.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { chromium } from "playwright-core";
import {
  ARTIFACTS,
  CHROMIUM,
  CHROMIUM_FLAGS,
  PHONE,
  cleanArtifacts,
  log,
  overflowAt,
  passportPhotoPng,
  pdf,
  server,
  serverLogTail,
  startServer,
  stopServer,
} from "./lib.mjs";

const DESKTOP = { width: 1280, height: 900 };
const BUDI = { email: "budi@contoh.id", password: "pemohon-demo-2026" };
const FO = { email: "frontoffice.jembrana@demo.izinkes.id", password: "demo-izinkes-2026" };
const SLHS = "Sertifikat Laik Higiene Sanitasi Tempat Pengelolaan Pangan Rumah Makan/Restoran";

let browser;
const applicant = { who: "applicant", viewport: PHONE, page: null };
const officer = { who: "officer", viewport: DESKTOP, page: null };
const problems = [];

async function newActor(actor) {
  const context = await browser.newContext({
    baseURL: server.base,
    locale: "id-ID",
    timezoneId: "Asia/Makassar",
    viewport: actor.viewport,
    isMobile: actor.viewport === PHONE,
    hasTouch: actor.viewport === PHONE,
  });
  actor.page = await context.newPage();
  actor.page.setDefaultTimeout(15_000);
  actor.page.on("pageerror", (e) => problems.push(`${actor.who}: page error at ${actor.page.url()}: ${e.message}`));
  actor.page.on("response", (r) => {
    if (r.status() >= 500) problems.push(`${actor.who}: HTTP ${r.status()} for ${r.url()}`);
  });
}

let shot = 0;
async function screenshot(actor, name) {
  const o = await overflowAt(actor.page, actor.viewport.width);
  if (o) problems.push(`layout: ${new URL(actor.page.url()).pathname} is ${o.width} px wide on ${actor.viewport.width} px: ${o.culprits.join("; ")}`);
  shot += 1;
  await actor.page.screenshot({ path: path.join(ARTIFACTS, `holders-${String(shot).padStart(2, "0")}-${name}.png`), fullPage: true });
}

let failed = null;
async function step(t, actor, name, fn) {
  await t.test(`${actor.who}: ${name}`, { skip: failed ? `earlier step failed: ${failed}` : false }, async () => {
    log(`STEP ${actor.who}: ${name}`);
    try {
      await fn(actor.page);
    } catch (e) {
      failed = name;
      log(`  FAILED at ${actor.page.url()}: ${e.message.split("\n")[0]}\n${serverLogTail(20)}`);
      await screenshot(actor, "FAILED").catch(() => {});
      throw e;
    }
  });
}

async function logIn(page, loginPath, { email, password }, landing) {
  await page.goto(loginPath);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Kata Sandi", { exact: true }).fill(password);
  await page.locator("main").getByRole("button", { name: "Masuk", exact: true }).click();
  await page.waitForURL(landing);
}

/** Chooses the option whose text matches `re`, waiting for it (the area picker fetches). */
async function choose(select, re) {
  const option = select.locator("option").filter({ hasText: re }).first();
  await option.waitFor({ state: "attached", timeout: 10_000 });
  await select.selectOption(await option.getAttribute("value"));
}

/** Uploads a fitting file for every requirement shown on Tahap 3. */
async function uploadAll(page) {
  const sections = page.locator("section.req");
  const n = await sections.count();
  assert.ok(n >= 4, `requirements shown: ${n}`);
  for (let i = 0; i < n; i++) {
    const s = page.locator("section.req").nth(i);
    const key = (await s.getAttribute("id")).replace(/^f-/, "");
    const accept = (await s.locator("input[type=file]").getAttribute("accept")) || "";
    const file = /pdf/i.test(accept)
      ? { name: `${key}.pdf`, mimeType: "application/pdf", buffer: pdf(key) }
      : { name: "foto.png", mimeType: "image/png", buffer: passportPhotoPng() };
    await s.locator("input[type=file]").setInputFiles(file);
    await s.getByRole("button", { name: "Unggah" }).click();
    await page.locator(`section.req#f-${key}`).getByText("Terunggah").waitFor({ state: "visible" });
  }
}

async function submitFromTahap3(page) {
  await page.locator("main .actions").getByRole("link", { name: "Lanjutkan", exact: true }).click();
  await page.waitForURL(/\/periksa$/);
  assert.doesNotMatch(await page.locator("main").innerText(), /Masih ada/, "nothing is missing");
  await page.getByRole("button", { name: "Ya, Lanjutkan" }).click();
  await page.waitForURL(/\/bukti$/);
  return (await page.locator(".receipt .big strong").innerText()).trim();
}

before(async () => {
  cleanArtifacts(/^holders-/);
  await startServer("holders-server.log");
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
  await newActor(applicant);
  await newActor(officer);
});

after(async () => {
  await browser?.close();
  await stopServer();
});

test("an SLHS for a rumah makan and the cancellation of a SIP, applied for on a phone and seen by the front office", { timeout: 180_000 }, async (t) => {
  let slhsNumber;
  let cancelNumber;

  await step(t, applicant, "signs in and starts an SLHS for a rumah makan at Jembrana", async (page) => {
    await logIn(page, "/masuk", BUDI, /\/permohonan$/);
    await page.goto("/permohonan/baru");
    await page.getByLabel("Izin", { exact: true }).selectOption({ label: SLHS });
    await page.getByRole("button", { name: "Tampilkan informasi" }).click();
    await page.waitForURL(/izin=SLHS-RM/);
    assert.match(await page.locator("main").innerText(), /Hasil Uji Laboratorium/);
    await page.getByLabel("Kantor layanan tujuan").selectOption({ label: "DPMPTSPTK Kabupaten Jembrana" });
    await page.locator("main").getByRole("button", { name: "Ajukan Permohonan", exact: true }).click();
    await page.waitForURL(/\/tahap-1$/);
  });

  await step(t, applicant, "Tahap 1 asks for the business; a short NIB is refused next to it, the rest kept", async (page) => {
    await page.getByLabel("Nama Tempat Usaha (sesuai papan nama)").fill("RM Sederhana Jaya");
    const lokasi = page.locator('fieldset[data-area="location_village_code"]');
    await choose(lokasi.getByLabel("Kecamatan", { exact: true }), /^\s*pekutatan\s*$/i);
    await choose(lokasi.getByLabel("Kelurahan / Desa", { exact: true }), /^\s*pekutatan\s*$/i);
    await page.getByLabel("Detail Alamat Lokasi").fill("JL. RAYA DENPASAR GILIMANUK NO. 12");
    await page.getByLabel("Nomor Induk Berusaha (NIB)").fill("91201234");
    await page.getByLabel("Nama Usaha / Badan Usaha").fill("CV Sederhana Jaya");
    await page.getByLabel("Nama Pemilik").fill("Budi Santoso");
    await page.getByLabel("Nama Penanggung Jawab").fill("Ni Luh Putu Sari");
    await page.getByLabel("Alamat Perusahaan").fill("JL. RAYA DENPASAR GILIMANUK NO. 12");
    await page.getByLabel("NPWP Perusahaan").fill("0123456789012345");
    await page.getByLabel("Jenis Usaha").fill("Rumah Makan");
    await page.getByRole("button", { name: "Lanjutkan" }).click();
    await page.locator("#e-company_nib").waitFor({ state: "visible" });
    assert.match(await page.locator("#e-company_nib").innerText(), /13 digit/);
    assert.equal(await page.getByLabel("Nama Penanggung Jawab").inputValue(), "Ni Luh Putu Sari", "kept");
    await screenshot(applicant, "nib-salah");
    await page.getByLabel("Nomor Induk Berusaha (NIB)").fill("9120123456789");
    await page.getByRole("button", { name: "Lanjutkan" }).click();
    await page.waitForURL(/\/tahap-2$/);
  });

  await step(t, applicant, "Tahap 2 and 3, then submits", async (page) => {
    await page.getByLabel("Jenis Tempat Pengelolaan Pangan").selectOption("Rumah makan");
    await page.getByLabel("Jumlah Penjamah Pangan", { exact: true }).fill("8");
    await page.getByLabel("Jumlah Penjamah Pangan yang Bersertifikat Pelatihan Keamanan Pangan").fill("3");
    await page.getByLabel("Sumber Air yang Digunakan").selectOption("Air perpipaan (PDAM)");
    for (const day of ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"]) await page.getByRole("checkbox", { name: day, exact: true }).check();
    await page.getByLabel("Mulai pukul").fill("08:00");
    await page.getByLabel("s/d pukul").fill("21:00");
    await screenshot(applicant, "slhs-tahap-2");
    await page.getByRole("button", { name: "Lanjutkan" }).click();
    await page.waitForURL(/\/tahap-3$/);
    await uploadAll(page);
    slhsNumber = await submitFromTahap3(page);
    log(`  SLHS ${slhsNumber}`);
    assert.match(await page.locator(".receipt").innerText(), /Sertifikat Laik Higiene Sanitasi/);
    await screenshot(applicant, "slhs-bukti");
  });

  await step(t, applicant, "asks to cancel the SIP Apoteker at Jembrana from Izin Saya", async (page) => {
    await page.goto("/izin");
    const card = page.locator("article.panel", { hasText: "Apotek Negara Sehat" });
    assert.equal(await card.count(), 1, "the Jembrana SIP Apoteker");
    await card.getByText("Ajukan pencabutan izin").click();
    await screenshot(applicant, "izin-saya-pencabutan");
    await card.getByRole("button", { name: "Ajukan pencabutan" }).click();
    await page.waitForURL(/\/tahap-2$/);
    assert.match(await page.locator("main").innerText(), /Pencabutan Surat Izin Praktik Apoteker/);
    await page.getByLabel("Alasan Pencabutan").selectOption("Pindah tempat praktik ke luar daerah");
    await page.getByLabel("Tanggal Berhenti Praktik").fill("2026-11-30");
    await page.getByLabel("Keterangan").fill("Mulai Desember 2026 berpraktik di Kota Denpasar.");
    await page.getByRole("button", { name: "Lanjutkan" }).click();
    await page.waitForURL(/\/tahap-3$/);
    await uploadAll(page);
    cancelNumber = await submitFromTahap3(page);
    log(`  pencabutan ${cancelNumber}`);
    await screenshot(applicant, "pencabutan-bukti");
    // While it is worked on, Izin Saya says so and offers no second request.
    await page.goto("/izin");
    const after = page.locator("article.panel", { hasText: "Apotek Negara Sehat" });
    assert.match(await after.innerText(), new RegExp(`Permohonan ${cancelNumber} atas izin ini sedang diproses`));
    assert.equal(await after.getByRole("button", { name: "Ajukan pencabutan" }).count(), 0);
  });

  await step(t, officer, "the front office sees both files, each saying what it is", async (page) => {
    await logIn(page, "/petugas/masuk", FO, /\/petugas$/);
    const main = await page.locator("main").innerText();
    assert.match(main, new RegExp(slhsNumber));
    assert.match(main, new RegExp(cancelNumber));
    await page.locator("tr", { hasText: slhsNumber }).getByRole("link").first().click();
    await page.waitForURL(/\/petugas\/berkas\//);
    const slhs = await page.locator("main").innerText();
    assert.match(slhs, /9120123456789/, "the NIB on the file");
    assert.match(slhs, /Ni Luh Putu Sari/, "the person in charge");
    await screenshot(officer, "fo-slhs");
    await page.goBack();
    await page.locator("tr", { hasText: cancelNumber }).getByRole("link").first().click();
    await page.waitForURL(/\/petugas\/berkas\//);
    assert.match(await page.locator("main").innerText(), /Pencabutan izin atas permohonan pemegangnya/);
    await screenshot(officer, "fo-pencabutan");
  });

  await step(t, applicant, "no page was too wide, no script or server errors", async () => {
    assert.deepEqual(problems, [], problems.join("\n"));
  });
});
