// Pengaduan in a real browser (issue 15): an anonymous member of the public, on a phone, opens the
// online complaint form, sends it half empty (the Indonesian messages stand next to the fields,
// what was typed is kept), then sends a complaint to the Jembrana office with a contact e-mail and
// gets a complaint number. The Petugas Pengaduan of Jembrana (no second factor) finds it on the
// complaints desk, classifies it (category, severity), assigns it, records the examination (with
// a PDF as evidence) and the follow-up, and answers. The complainant tracks the complaint with the
// number and the e-mail, reads the answer and confirms satisfaction: the complaint is closed. The
// officer's report of this month (office time, WITA) counts it, and so does the CSV. The
// complainant's e-mail notices are in the development mailbox.
//
// Uses the demo data of `izinkes serve --demo`, like messages.test.mjs. Screenshots land in
// e2e/artifacts/complaints-*.png (with complaints-server.log).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
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
  pdf,
  server,
  serverLogTail,
  startServer,
  stopServer,
} from "./lib.mjs";

const DESKTOP = { width: 1280, height: 900 };
const OFFICER = { name: "Kadek Suryani", email: "pengaduan.jembrana@demo.izinkes.id", password: "demo-izinkes-2026" };
const OFFICE = "DPMPTSPTK Kabupaten Jembrana";
const CONTACT = "wayan.pengadu@contoh.id";
const SUBJECT = "Petugas loket tidak memberi tanda terima berkas";
const BODY = "Pada hari Senin saya menyerahkan berkas SIP di loket, tetapi petugas tidak memberi tanda terima dan meminta saya datang lagi.";
const ANSWER = "Mohon maaf atas ketidaknyamanannya. Tanda terima kini dikirim otomatis; petugas loket sudah kami ingatkan.";

let browser;
const officer = { who: "officer", viewport: DESKTOP, page: null };
const complainant = { who: "public", viewport: PHONE, page: null };
const problems = [];

function watch(actor) {
  const { page, who } = actor;
  page.on("pageerror", (e) => problems.push(`${who}: page error at ${page.url()}: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 500) problems.push(`${who}: HTTP ${r.status()} for ${r.url()}`);
  });
}

let shot = 0;
async function screenshot(actor, name) {
  const o = await overflowAt(actor.page, actor.viewport.width);
  if (o) problems.push(`layout: ${new URL(actor.page.url()).pathname} (${name}) is ${o.width} px wide on a ${actor.viewport.width} px screen: ${o.culprits.join("; ")}`);
  shot += 1;
  const file = path.join(ARTIFACTS, `complaints-${String(shot).padStart(2, "0")}-${actor.who}-${name}.png`);
  await actor.page.screenshot({ path: file, fullPage: true });
}

let failed = null;
async function step(t, actor, name, fn) {
  await t.test(`${actor.who}: ${name}`, { skip: failed ? `earlier step failed: ${failed}` : false }, async () => {
    log(`STEP ${actor.who}: ${name}`);
    try {
      await fn(actor.page);
    } catch (e) {
      failed = name;
      log(`  FAILED at ${actor.page.url()}: ${e.message.split("\n")[0]}`);
      await screenshot(actor, `FAILED-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`).catch(() => {});
      throw e;
    }
  });
}

/** This year and month in the office's time zone (Jembrana: WITA, UTC+8). */
function officeMonth() {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Makassar", year: "numeric", month: "numeric" }).formatToParts(new Date());
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return { year: get("year"), month: get("month") };
}

/** The report CSV as { "section:code": count } (plain fields; none of the counted ones are quoted). */
async function reportCsv(page, query) {
  const r = await page.request.get(`/petugas/pengaduan/laporan.csv?${query}`);
  assert.equal(r.status(), 200, "the CSV download answers 200");
  assert.match(r.headers()["content-type"], /^text\/csv/);
  const lines = (await r.text()).trim().split("\n");
  assert.equal(lines[0], "bagian,kode,uraian,jumlah");
  const counts = {};
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    counts[`${cells[0]}:${cells[1]}`] = Number(cells[cells.length - 1] || "0");
  }
  return counts;
}

/** Sends one step form of the complaint page (found by its heading) and waits for the page again. */
async function submitStep(page, heading, button) {
  const form = page.locator("form").filter({ has: page.getByRole("heading", { name: heading, exact: true }) });
  await form.getByRole("button", { name: button }).click();
  await page.waitForURL(/\/petugas\/pengaduan\/[^/?]+$/);
  return form;
}

before(async () => {
  cleanArtifacts(/^complaints-/);
  await startServer("complaints-server.log");
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
  const common = { baseURL: server.base, locale: "id-ID", timezoneId: "Asia/Makassar" };
  for (const [actor, options] of [
    [officer, { ...common, viewport: DESKTOP }],
    [complainant, { ...common, viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true }],
  ]) {
    const context = await browser.newContext(options);
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    actor.page = await context.newPage();
    watch(actor);
  }
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (failed) console.log(`--- last lines of the server log ---\n${serverLogTail()}`);
  await stopServer();
});

test("an anonymous complaint is classified, handled, answered, confirmed and counted in the month's report", { timeout: 120_000 }, async (t) => {
  const { year, month } = officeMonth();
  const period = `tahun=${year}&bulan=${month}`;
  let number;
  let complaintUrl;
  let before;

  await step(t, complainant, "a half-empty complaint is explained next to the fields, values kept", async (page) => {
    await page.goto("/pengaduan");
    await page.getByRole("heading", { name: "Sampaikan Pengaduan" }).waitFor();
    await page.getByLabel("Pokok pengaduan").fill(SUBJECT);
    await page.getByRole("button", { name: "Kirim pengaduan" }).click();
    await page.waitForLoadState();
    await page.locator("#ringkasan-kesalahan").waitFor();
    assert.match(await page.locator("#e-office_id").innerText(), /Pilih kantor yang dituju/);
    assert.match(await page.locator("#e-email").innerText(), /Isi e-mail atau nomor handphone/);
    assert.match(await page.locator("#e-body").innerText(), /Isi pengaduan wajib diisi/);
    assert.equal(await page.locator("#f-body").getAttribute("aria-invalid"), "true");
    assert.equal(await page.locator("#e-subject").count(), 0, "the subject was given: no error on it");
    assert.equal(await page.getByLabel("Pokok pengaduan").inputValue(), SUBJECT, "what was typed is kept");
    await screenshot(complainant, "form-errors");
  });

  await step(t, complainant, "sends the complaint with a contact e-mail and gets a number", async (page) => {
    await page.getByLabel("Kantor yang dituju").selectOption({ label: OFFICE });
    await page.getByLabel("E-mail", { exact: true }).fill(CONTACT);
    await page.getByLabel("Isi pengaduan").fill(BODY);
    await page.getByRole("button", { name: "Kirim pengaduan" }).click();
    await page.getByRole("heading", { name: "Pengaduan Anda telah diterima" }).waitFor();
    const m = (await page.locator("main").innerText()).match(/Nomor pengaduan Anda: (\S+)/);
    assert.ok(m, "the page gives the complaint number");
    number = m[1];
    assert.match(number, new RegExp(`^JBR-ADU-${year}-\\d+$`));
    log(`  complaint ${number}`);
    await screenshot(complainant, "received");
  });

  await step(t, officer, "signs in and finds the complaint on the desk", async (page) => {
    await page.goto("/petugas/masuk");
    await page.getByLabel("Email", { exact: true }).fill(OFFICER.email);
    await page.getByLabel("Kata Sandi", { exact: true }).fill(OFFICER.password);
    await page.locator("main").getByRole("button", { name: "Masuk", exact: true }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/petugas") && u.pathname !== "/petugas/masuk");
    before = await reportCsv(page, period); // this month's figures, the new complaint among them
    await page.getByRole("navigation", { name: "Menu utama" }).getByRole("link", { name: "Pengaduan", exact: true }).click();
    await page.waitForURL(/\/petugas\/pengaduan(\?.*)?$/);
    const row = page.locator("tbody tr").filter({ hasText: number });
    assert.equal(await row.count(), 1, "the new complaint is on the list of unanswered ones");
    assert.match(await row.innerText(), /Formulir daring/);
    assert.match(await row.innerText(), /Diterima/);
    await screenshot(officer, "desk-list");
    await row.getByRole("link", { name: number }).click();
    await page.waitForURL(/\/petugas\/pengaduan\/[^/?]+$/);
    complaintUrl = new URL(page.url()).pathname;
    const main = await page.locator("main").innerText();
    assert.match(main, new RegExp(SUBJECT));
    assert.match(main, /tanpa nama/);
    assert.match(main, new RegExp(CONTACT.replace(/\./g, "\\.")));
  });

  await step(t, officer, "classifies it (category, severity) and assigns it", async (page) => {
    await page.getByLabel("Kategori").selectOption({ label: "Perilaku petugas" });
    await page.getByLabel("Tingkat").selectOption("sedang");
    await submitStep(page, "Klasifikasi", "Simpan klasifikasi");
    assert.equal(await page.locator("#status").innerText(), "Diklasifikasi");
    assert.match(await page.locator("main").innerText(), /Perilaku petugas/);
    await page.getByLabel("Petugas yang menangani").selectOption({ label: OFFICER.name });
    await submitStep(page, "Disposisi", "Disposisikan");
    assert.equal(await page.locator("#status").innerText(), "Didisposisi");
    assert.match(await page.locator(".dl").innerText(), new RegExp(OFFICER.name));
  });

  await step(t, officer, "records the examination with evidence and the follow-up", async (page) => {
    await page.getByLabel("Catatan pemeriksaan").fill("Rekaman CCTV loket dan buku tanda terima hari Senin sudah diperiksa.");
    await page.getByLabel("Bukti (tidak wajib)").setInputFiles({ name: "berita-acara.pdf", mimeType: "application/pdf", buffer: pdf("Berita acara pemeriksaan") });
    await submitStep(page, "Penelitian dan pemeriksaan", "Simpan pemeriksaan");
    assert.equal(await page.locator("#status").innerText(), "Diperiksa");
    const evidence = page.getByRole("link", { name: /Bukti: berita-acara\.pdf/ });
    assert.equal(await evidence.count(), 1, "the evidence is listed on its step");
    const r = await page.request.get(await evidence.getAttribute("href"));
    assert.equal(r.status(), 200);
    assert.equal(r.headers()["content-type"], "application/pdf");
    await page.getByLabel("Tindak lanjut yang dilakukan").fill("Koordinasi dengan kepala seksi pelayanan; petugas loket dibina.");
    await submitStep(page, "Tindak lanjut", "Catat tindak lanjut");
    assert.equal(await page.locator("#status").innerText(), "Ditindaklanjuti");
  });

  await step(t, officer, "answers the complainant", async (page) => {
    await page.getByLabel("Jawaban", { exact: true }).fill(ANSWER);
    await submitStep(page, "Jawaban kepada pengadu", "Kirim jawaban");
    assert.equal(await page.locator("#status").innerText(), "Dijawab");
    assert.match(await page.locator("main").innerText(), /Tanda terima kini dikirim otomatis/);
    await screenshot(officer, "answered");
  });

  await step(t, complainant, "tracks the complaint with number and e-mail, reads the answer, confirms", async (page) => {
    await page.goto("/pengaduan/lacak");
    await page.getByLabel("Nomor pengaduan").fill(number);
    await page.getByLabel("E-mail atau nomor handphone").fill(CONTACT);
    await page.getByRole("button", { name: "Lacak", exact: true }).click();
    await page.getByRole("heading", { name: `Pengaduan ${number}` }).waitFor();
    assert.equal(await page.locator("#status").innerText(), "Dijawab");
    assert.match(await page.locator("#jawaban").innerText(), /Tanda terima kini dikirim otomatis/);
    await screenshot(complainant, "answer");
    await page.getByRole("button", { name: /Ya, saya puas/ }).click();
    await page.getByText("Pengaduan ini dinyatakan selesai").waitFor();
    assert.equal(await page.locator("#status").innerText(), "Selesai");
    assert.equal(await page.getByRole("button", { name: /Ya, saya puas/ }).count(), 0, "no second confirmation");
    await screenshot(complainant, "closed");
  });

  await step(t, officer, "sees it closed and counted in this month's report and its CSV", async (page) => {
    await page.goto(complaintUrl);
    assert.equal(await page.locator("#status").innerText(), "Selesai");
    assert.match(await page.locator(".timeline").innerText(), /Pengadu menyatakan puas/);
    await page.goto(`/petugas/pengaduan/laporan?${period}`);
    await page.getByRole("heading", { name: "Laporan Pengaduan" }).waitFor();
    // The baseline was read after the complaint came in: it was counted from its receipt on, as
    // received and not yet classified; since then it moved to its category, severity and "Selesai".
    assert.ok(before["ringkasan:jumlah"] >= 1 && before["status:received"] >= 1 && before["kategori:belum"] >= 1);
    assert.equal(Number(await page.locator("#jumlah").innerText()), before["ringkasan:jumlah"]);
    assert.equal(Number(await page.locator("#dijawab").innerText()), (before["ringkasan:dijawab"] || 0) + 1);
    const byStatus = page.locator("table").filter({ has: page.locator("caption", { hasText: "Menurut status" }) });
    const closedRow = byStatus.locator("tbody tr").filter({ hasText: "Selesai" });
    assert.equal(Number(await closedRow.locator("td").nth(1).innerText()), (before["status:closed"] || 0) + 1);
    await screenshot(officer, "report");
    const href = await page.getByRole("link", { name: "Unduh CSV" }).getAttribute("href");
    const now = await reportCsv(page, href.split("?")[1]);
    const moved = { "ringkasan:jumlah": 0, "saluran:online": 0, "ringkasan:dijawab": 1, "kategori:belum": -1, "kategori:perilaku": 1, "tingkat:sedang": 1, "status:received": -1, "status:closed": 1 };
    for (const [key, delta] of Object.entries(moved)) {
      assert.equal(now[key] || 0, (before[key] || 0) + delta, `the CSV counts the complaint in ${key}`);
    }
  });

  await step(t, complainant, "the complainant's e-mail notices are in the development mailbox", async (page) => {
    let body = "";
    for (let i = 0; i < 20; i++) {
      await page.goto("/dev/mailbox");
      body = await page.locator("main").innerText();
      if (body.includes(`Pengaduan ${number}: Dijawab`)) break;
      await page.waitForTimeout(250);
    }
    assert.match(body, new RegExp(`Pengaduan ${number}: Diterima`));
    assert.match(body, new RegExp(`Pengaduan ${number}: Dijawab`));
    assert.match(body, /Tanda terima kini dikirim otomatis/, "the answer's notice carries the answer");
    assert.match(body, new RegExp(`Kepada ${CONTACT.replace(/\./g, "\\.")}`));
  });

  await t.test("no page errors, server errors or pages too wide", () => {
    assert.deepEqual(problems, []);
  });
});
