// Issue 16 in a real browser: a new office set up without a programmer.
//
//   1. The instance administrator runs `izinkes office create` against the running server's
//      database: an unknown kabupaten/kota code is refused with the field named; then DPMPTSP
//      Kota Bontang is created with its first admin, and the one-time link is printed.
//   2. The admin opens the link: a short password is refused next to the field; a good one is
//      saved and the link is spent. The admin signs in and must enrol the authenticator.
//   3. Kantor: the setup checklist lists what is missing; the profile form refuses a website that
//      is not http(s) next to the field, keeping what was typed; saved, the profile item is done.
//   4. Petugas: an invitation without a role is refused next to the roles; with Front Office it
//      is sent, and the mail with its link is in the development mailbox.
//   5. The Front Office officer opens the link, sets a password, signs in and lands on Tugas Saya
//      of Kota Bontang; the admin deactivates them, and their next page is the officer login.
//
// Uses `izinkes serve --demo` on a free port with a fresh data dir (lib.mjs), the CLI on the
// same data dir, and Debian's Chromium. Screenshots land in e2e/artifacts/office-*.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { execFile } from "node:child_process";
import { chromium } from "playwright-core";
import {
  ARTIFACTS,
  BIN,
  CHROMIUM,
  CHROMIUM_FLAGS,
  cleanArtifacts,
  log,
  overflowAt,
  server,
  serverLogTail,
  startServer,
  stopServer,
  totpCode,
  totpStepNow,
} from "./lib.mjs";

const DESKTOP = { width: 1280, height: 900 };
const ADMIN = { email: "admin@bontangkota.go.id", password: "bontang-sehat-2026" };
const FO = { email: "ayu@bontangkota.go.id", password: "front-office-2026" };

let browser;
const problems = [];
const admin = { who: "admin", page: null };
const fo = { who: "fo", page: null };

/** Runs the izinkes CLI on the server's data dir: { code, stdout, stderr }. */
function cli(args) {
  const env = { ...process.env, IZINKES_BASE_URL: server.base };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(BIN, ["--data-dir", server.dataDir, ...args], { env, encoding: "utf8", timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

async function newActor(actor) {
  const context = await browser.newContext({ baseURL: server.base, locale: "id-ID", timezoneId: "Asia/Makassar", viewport: DESKTOP });
  actor.page = await context.newPage();
  actor.page.on("pageerror", (e) => problems.push(`${actor.who}: page error at ${actor.page.url()}: ${e.message}`));
  actor.page.on("response", (r) => {
    if (r.status() >= 500) problems.push(`${actor.who}: HTTP ${r.status()} for ${r.url()}`);
  });
}

let shot = 0;
async function screenshot(actor, name) {
  const o = await overflowAt(actor.page, DESKTOP.width);
  if (o) problems.push(`layout: ${new URL(actor.page.url()).pathname} (${name}) is ${o.width} px wide`);
  shot += 1;
  await actor.page.screenshot({ path: path.join(ARTIFACTS, `office-${String(shot).padStart(2, "0")}-${actor.who}-${name}.png`), fullPage: true });
}

async function logIn(actor, { email, password }, landing) {
  const { page } = actor;
  await page.goto("/petugas/masuk");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Kata Sandi", { exact: true }).fill(password);
  await page.locator("main").getByRole("button", { name: "Masuk", exact: true }).click();
  await page.waitForURL(landing);
}

/** Sets the password on an invitation page: a short one refused first when `tryShort`. */
async function setPassword(actor, link, password, tryShort) {
  const { page } = actor;
  await page.goto(link);
  assert.match(await page.locator("h1").innerText(), /Buat kata sandi petugas/);
  if (tryShort) {
    await page.getByLabel("Kata sandi baru").fill("pendek");
    await page.getByLabel("Ulangi kata sandi").fill("pendek");
    await page.getByRole("button", { name: "Simpan kata sandi" }).click();
    await page.locator("#e-password").waitFor({ state: "visible" });
    await screenshot(actor, "sandi-pendek");
  }
  await page.getByLabel("Kata sandi baru").fill(password);
  await page.getByLabel("Ulangi kata sandi").fill(password);
  await page.getByRole("button", { name: "Simpan kata sandi" }).click();
  await page.waitForURL(/\/petugas\/masuk\?info=undangan$/);
  assert.match(await page.getByRole("status").first().innerText(), /Kata sandi tersimpan/);
  const again = await page.request.get(link);
  assert.equal(again.status(), 422, "the link is spent");
}

let failed = null;
async function step(t, actor, name, fn) {
  await t.test(`${actor.who}: ${name}`, { skip: failed ? `earlier step failed: ${failed}` : false }, async () => {
    log(`STEP ${actor.who}: ${name}`);
    try {
      await fn(actor.page);
    } catch (e) {
      failed = name;
      log(`  FAILED: ${e.message.split("\n")[0]}\n${serverLogTail(20)}`);
      if (actor.page) await screenshot(actor, "FAILED").catch(() => {});
      throw e;
    }
  });
}

before(async () => {
  cleanArtifacts(/^office-/);
  await startServer("office-server.log");
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
  await newActor(admin);
  await newActor(fo);
});

after(async () => {
  await browser?.close();
  await stopServer();
});

test("a new office is set up from the CLI and the admin's pages", async (t) => {
  let adminLink;
  await step(t, admin, "the instance administrator creates the office with its first admin", async () => {
    const common = ["office", "create", "--id", "kota-bontang", "--code", "BTG", "--name", "DPMPTSP Kota Bontang",
      "--short-name", "Kota Bontang", "--address", "Jl. Moh. Roem No. 1, Bontang", "--timezone", "WITA"];
    const bad = await cli([...common, "--regency", "99.99"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /regency_code: Kode kabupaten\/kota "99\.99" tidak dikenal/);
    const ok = await cli([...common, "--regency", "64.74", "--admin-email", ADMIN.email, "--admin-name", "Rahmat Hidayat"]);
    assert.equal(ok.code, 0, ok.stderr);
    const m = ok.stdout.match(/(http\S+\/petugas\/undangan\/\S+)/);
    assert.ok(m, ok.stdout);
    adminLink = new URL(m[1]).pathname;
    const list = await cli(["office", "list"]);
    assert.match(list.stdout, /kota-bontang\s+BTG\s+open/);
  });

  let secret;
  await step(t, admin, "the admin sets a password with the link and enrols the authenticator", async (page) => {
    await setPassword(admin, adminLink, ADMIN.password, true);
    await logIn(admin, ADMIN, /\/petugas\/keamanan$/);
    secret = (await page.locator("#kunci-totp").innerText()).replace(/\s+/g, "");
    await page.getByLabel("Kode autentikator (6 digit)").fill(totpCode(secret, totpStepNow()));
    await page.getByRole("button", { name: "Aktifkan verifikasi dua langkah" }).click();
    await page.locator("#kode-pemulihan").waitFor({ state: "visible" });
  });

  await step(t, admin, "Kantor: the checklist says what is missing; the profile refuses a bad website", async (page) => {
    await page.goto("/petugas/admin");
    const main = page.locator("main");
    assert.match(await main.innerText(), /Kesiapan kantor[\s\S]*langkah lagi sebelum kantor siap/);
    assert.equal(await page.locator(".checklist li.todo", { hasText: "Profil kantor" }).count(), 1);
    await screenshot(admin, "kesiapan");
    await page.getByLabel("Telepon").fill("(0548) 21000");
    await page.getByLabel("E-mail layanan").fill("dpmptsp@bontangkota.go.id");
    await page.getByLabel("Situs web").fill("javascript:alert(1)");
    await page.getByLabel("Jam layanan").fill("Senin–Kamis 08.00–15.00, Jumat 08.00–11.00");
    await page.getByRole("button", { name: "Simpan profil" }).click();
    await page.locator("#e-website").waitFor({ state: "visible" });
    assert.equal(await page.getByLabel("Jam layanan").inputValue(), "Senin–Kamis 08.00–15.00, Jumat 08.00–11.00", "kept");
    await screenshot(admin, "profil-salah");
    await page.getByLabel("Situs web").fill("https://dpmptsp.bontangkota.go.id");
    await page.getByRole("button", { name: "Simpan profil" }).click();
    await page.waitForURL(/info=profil/);
    assert.match(await page.getByRole("status").first().innerText(), /Profil kantor disimpan/);
    assert.equal(await page.locator(".checklist li.done", { hasText: "Profil kantor" }).count(), 1);
  });

  let foLink;
  await step(t, admin, "Petugas: an invitation needs a role; sent, its mail is in the mailbox", async (page) => {
    await page.goto("/petugas/admin/petugas");
    await page.getByLabel("Nama lengkap").fill("Ni Kadek Ayu");
    await page.getByLabel("E-mail", { exact: true }).fill(FO.email);
    await page.getByRole("button", { name: "Kirim undangan" }).click();
    await page.locator("#e-roles").waitFor({ state: "visible" });
    assert.equal(await page.getByLabel("Nama lengkap").inputValue(), "Ni Kadek Ayu", "kept");
    await page.getByLabel("Front Office").check();
    await page.getByRole("button", { name: "Kirim undangan" }).click();
    await page.waitForURL(/info=undangan/);
    assert.match(await page.locator("main").innerText(), /Ni Kadek Ayu[\s\S]*Diundang/);
    await screenshot(admin, "petugas");
    await page.goto("/dev/mailbox");
    const mail = page.locator("article.mail", { hasText: FO.email }).first();
    assert.match(await mail.innerText(), /Undangan akun petugas izinkes — DPMPTSP Kota Bontang/);
    foLink = new URL(await mail.getByRole("link", { name: "Buka tautan" }).first().getAttribute("href"), server.base).pathname;
  });

  await step(t, fo, "the Front Office officer sets a password and lands on Tugas Saya of Kota Bontang", async (page) => {
    await setPassword(fo, foLink, FO.password, false);
    await logIn(fo, FO, /\/petugas$/);
    assert.match(await page.locator("main").innerText(), /Kota Bontang[\s\S]*Front Office/);
  });

  await step(t, admin, "the admin deactivates the officer; their next page is the login", async (page) => {
    await page.goto("/petugas/admin/petugas");
    await page.getByRole("link", { name: "Ni Kadek Ayu" }).click();
    await page.getByRole("button", { name: "Nonaktifkan petugas" }).click();
    await page.waitForURL(/info=nonaktif/);
    assert.match(await page.locator("main").innerText(), /Status\s*Nonaktif/);
    await screenshot(admin, "nonaktif");
    await fo.page.goto("/petugas");
    await fo.page.waitForURL(/\/petugas\/masuk/);
  });

  await t.test("no page errors, server errors or pages too wide", () => {
    assert.deepEqual(problems, []);
  });
});
