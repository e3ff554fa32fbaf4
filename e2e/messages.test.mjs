// Pesan Pengaduan in a real browser (issue 15): Putu, on his phone, asks a question on his
// submitted SIP Dokter Spesialis file; the Front Office officer of Jembrana sees the unread badge
// in the header and on the Tugas Saya row, opens the file, reads the question and answers;
// Putu sees the count on Permohonan Saya, reads the answer signed "Front Office", and the
// answer's e-mail is in the development mailbox and its WhatsApp message at the gateway: Putu
// first proves his phone number with a code sent by SMS and chooses WhatsApp. The gateways are
// the local fake (`izinkes fake-gateway`), which speaks the WhatsApp Cloud API and the SMS
// contract. Bad input (an empty message) is explained next to the field.
//
// Uses the demo data of `izinkes serve --demo`, like desk.test.mjs. Screenshots land in
// e2e/artifacts/messages-*.png (with messages-server.log).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import {
  ARTIFACTS,
  BIN,
  CHROMIUM,
  CHROMIUM_FLAGS,
  HERE,
  PHONE,
  cleanArtifacts,
  freePort,
  log,
  overflowAt,
  server,
  serverLogTail,
  startServer,
  stopServer,
} from "./lib.mjs";

const DESKTOP = { width: 1280, height: 900 };
const OFFICER = { email: "frontoffice.jembrana@demo.izinkes.id", password: "demo-izinkes-2026" };
const APPLICANT = { name: "Putu Heri Setiawan", email: "putu@contoh.id", password: "pemohon-demo-2026" };
const QUESTION = "Selamat pagi. Apakah STR saya yang berlaku sampai 2027 sudah cukup, atau perlu legalisir?";
const ANSWER = "Selamat pagi, Bapak Putu. STR yang masih berlaku sudah cukup; tidak perlu legalisir.";

const PHONE_NUMBER = "0812 3456 7890";
let browser;
let fake; // { child, base }

/** What the fake gateway received so far. */
async function received() {
  const r = await fetch(`${fake.base}/received`);
  return r.json();
}

/** Waits until the fake gateway has a message matching `pick`. */
async function waitForMessage(pick, what) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = (await received()).find(pick);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} at the fake gateway: ${JSON.stringify(await received())}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const officer = { who: "officer", viewport: DESKTOP, page: null };
const applicant = { who: "applicant", viewport: PHONE, page: null };
let current = officer;
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
  if (o) problems.push(`layout: ${new URL(actor.page.url()).pathname} (${name}) is ${o.width} px wide on a ${actor.viewport.width} px screen`);
  shot += 1;
  const file = path.join(ARTIFACTS, `messages-${String(shot).padStart(2, "0")}-${actor.who}-${name}.png`);
  await actor.page.screenshot({ path: file, fullPage: true });
}

async function logIn(actor, loginPath, { email, password }, landing) {
  const { page } = actor;
  await page.goto(loginPath);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Kata Sandi", { exact: true }).fill(password);
  await page.locator("main").getByRole("button", { name: "Masuk", exact: true }).click();
  await page.waitForURL(landing);
}

let failed = null;
async function step(t, actor, name, fn) {
  await t.test(`${actor.who}: ${name}`, { skip: failed ? `earlier step failed: ${failed}` : false }, async () => {
    log(`STEP ${actor.who}: ${name}`);
    current = actor;
    try {
      await fn(actor.page);
    } catch (e) {
      failed = name;
      log(`  FAILED at ${actor.page.url()}: ${e.message.split("\n")[0]}`);
      await screenshot(current, `FAILED-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`).catch(() => {});
      throw e;
    }
  });
}

before(async () => {
  cleanArtifacts(/^messages-/);
  // The fake gateways first, on a port of their own; izinkes is pointed at them by environment.
  const port = await freePort();
  fake = { base: `http://127.0.0.1:${port}` };
  Object.assign(process.env, {
    IZINKES_WHATSAPP_URL: `${fake.base}/v24.0`,
    IZINKES_WHATSAPP_TOKEN: "fake-whatsapp-token",
    IZINKES_WHATSAPP_PHONE_NUMBER_ID: "100000000000001",
    IZINKES_WHATSAPP_APP_SECRET: "fake-app-secret",
    IZINKES_WHATSAPP_VERIFY_TOKEN: "fake-verify-token",
    IZINKES_SMS_URL: `${fake.base}/sms/send`,
    IZINKES_SMS_TOKEN: "fake-sms-token",
    IZINKES_SMS_CALLBACK_TOKEN: "fake-sms-callback-token",
  });
  await startServer("messages-server.log");
  const fakeLog = fs.openSync(path.join(ARTIFACTS, "messages-fake-gateway.log"), "w");
  fake.child = spawn(BIN, ["fake-gateway", "--port", String(port), "--callback", server.base], { stdio: ["ignore", fakeLog, fakeLog] });
  fs.closeSync(fakeLog);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await fetch(`${fake.base}/received`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the fake gateway did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
  const common = { baseURL: server.base, locale: "id-ID", timezoneId: "Asia/Makassar" };
  for (const [actor, options] of [
    [officer, { ...common, viewport: DESKTOP }],
    [applicant, { ...common, viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true }],
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
  if (fake && fake.child) fake.child.kill("SIGTERM");
  if (failed) console.log(`--- last lines of the server log ---\n${serverLogTail()}`);
  await stopServer();
});

test("an applicant asks on the file, the front office sees the badge and answers, the applicant reads it", { timeout: 90_000 }, async (t) => {
  let fileUrl;

  await step(t, applicant, "opens the submitted Jembrana file", async (page) => {
    await logIn(applicant, "/masuk", APPLICANT, /\/permohonan$/);
    const row = page.locator("tbody tr").filter({ hasText: "Kabupaten Jembrana" }).filter({ hasText: "Menunggu Verifikasi" }).first();
    await row.getByRole("link", { name: "Buka Berkas" }).click();
    await page.waitForURL(/\/permohonan\/[^/]+$/);
    fileUrl = new URL(page.url()).pathname;
    await page.getByRole("heading", { name: /Pesan Pengaduan/ }).waitFor();
    assert.match(await page.locator("#pesan-bagian").innerText(), /Belum ada pesan/);
  });

  await step(t, applicant, "proves the phone number with an SMS code and chooses WhatsApp", async (page) => {
    await page.goto("/akun/notifikasi");
    await page.getByLabel("Nomor handphone").fill(PHONE_NUMBER);
    await page.getByRole("radio", { name: "SMS" }).check();
    await page.getByRole("button", { name: "Kirim kode verifikasi" }).click();
    await page.waitForLoadState();
    const sms = await waitForMessage((m) => m.channel === "sms" && m.to === "+6281234567890", "verification SMS");
    const code = sms.params[0].match(/\b(\d{6})\b/)[1];
    await page.getByLabel("Kode verifikasi (6 angka)").fill(code);
    await page.getByRole("button", { name: "Verifikasi nomor" }).click();
    await page.waitForLoadState();
    assert.match(await page.locator("main").innerText(), /Nomor terverifikasi/);
    await page.locator("#f-whatsapp").check();
    await page.getByRole("button", { name: "Simpan pilihan" }).click();
    await page.waitForLoadState();
    assert.ok(await page.locator("#f-whatsapp").isChecked(), "WhatsApp chosen");
    await screenshot(applicant, "whatsapp-chosen");
    await page.goto(fileUrl);
  });

  await step(t, applicant, "an empty message is explained next to the field", async (page) => {
    await page.getByRole("button", { name: "Kirim pesan" }).click();
    await page.waitForLoadState();
    const error = page.locator("#e-pesan");
    await error.waitFor();
    assert.match(await error.innerText(), /Tulis pesan Anda terlebih dahulu/);
    assert.equal(await page.locator("#f-pesan").getAttribute("aria-invalid"), "true");
    await screenshot(applicant, "empty-message");
  });

  await step(t, applicant, "asks a question", async (page) => {
    await page.getByLabel("Pesan untuk petugas").fill(QUESTION);
    await page.getByRole("button", { name: "Kirim pesan" }).click();
    await page.waitForURL(/info=pesan/);
    const thread = page.locator("ol.thread");
    assert.match(await thread.innerText(), new RegExp(QUESTION.slice(0, 40).replace(/[.?]/g, "\\$&")));
    await screenshot(applicant, "asked");
  });

  await step(t, officer, "sees the unread badge and opens the file", async (page) => {
    await logIn(officer, "/petugas/masuk", OFFICER, /\/petugas$/);
    const nav = page.getByRole("link", { name: /^Pesan/ });
    assert.match(await nav.innerText(), /1/, "the header counts the file with an unread message");
    const row = page.locator("table.desk tbody tr").filter({ hasText: /PUTU HERI SETIAWAN/ }).filter({ has: page.locator(".count") });
    assert.equal(await row.count(), 1, "the row of Putu's file carries the badge");
    await screenshot(officer, "tugas-saya-badge");
    await row.locator(".count").click();
    await page.waitForURL(/\/petugas\/berkas\/[^/]+/);
    assert.match(await page.locator("main").innerText(), /1 pesan baru dari pemohon/);
    assert.match(await page.locator("ol.thread").innerText(), /STR saya yang berlaku sampai 2027/);
  });

  await step(t, officer, "answers; the badge is gone", async (page) => {
    await page.getByLabel("Jawaban untuk pemohon").fill(ANSWER);
    await page.getByRole("button", { name: "Kirim pesan" }).click();
    await page.waitForURL(/info=pesan/);
    assert.match(await page.locator("main").innerText(), /Jawaban terkirim/);
    await screenshot(officer, "answered");
    await page.goto("/petugas");
    assert.equal(await page.locator("table.desk .count").count(), 0, "no unread badge left on Tugas Saya");
  });

  await step(t, applicant, "sees the count, reads the answer signed by the desk", async (page) => {
    await page.goto("/permohonan");
    assert.match(await page.locator("main").innerText(), /1\s*pesan baru/);
    await page.goto(fileUrl);
    const text = await page.locator("#pesan-bagian").innerText();
    assert.match(text, /Front Office/);
    assert.match(text, /STR yang masih berlaku sudah cukup/);
    await screenshot(applicant, "answer");
    await page.goto("/permohonan");
    assert.doesNotMatch(await page.locator("main").innerText(), /pesan baru/, "read once, no longer counted");
  });

  await step(t, applicant, "the answer's e-mail is in the development mailbox", async (page) => {
    await page.goto("/dev/mailbox");
    const body = await page.locator("main").innerText();
    assert.match(body, /Pesan baru tentang permohonan/);
    assert.match(body, /putu@contoh\.id/);
  });

  await step(t, applicant, "the answer's WhatsApp message is at the gateway", async () => {
    const wa = await waitForMessage((m) => m.channel === "whatsapp" && m.template === "izinkes_message", "WhatsApp message of the answer");
    assert.equal(wa.to, "6281234567890");
    assert.match(wa.params[0], /Front Office menjawab/);
    assert.ok(wa.params[1].endsWith(`${fileUrl}#pesan`), wa.params[1]);
  });

  await t.test("no page errors, server errors or pages too wide", () => {
    assert.deepEqual(problems, []);
  });
});
