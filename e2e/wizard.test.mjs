// The applicant's whole journey in a real browser, as a midwife on her phone would do it:
// register, confirm the email from the dev mailbox, log in, apply for a SIP Dokter Spesialis at
// DPMPTSPTK Kabupaten Jembrana through Tahap 1–3 (with one wrong upload on the way), submit,
// get the Bukti Pendaftaran and see "Menunggu Verifikasi" in Permohonan Saya.
//
// Runs against the real `izinkes serve --demo` binary on a free port with a fresh data dir, in
// Debian's Chromium driven by playwright-core (no downloaded browser).
//
//   IZINKES_BIN   the server binary      (default: ../target/debug/izinkes from this folder)
//   CHROMIUM      the browser executable (default: /usr/bin/chromium)
//   E2E_KEEP_DATA=1 keeps the server's temporary data dir for inspection
//
// Screenshots of every step land in e2e/artifacts/ (with the server log), also on failure.

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
  passportPhotoPng,
  pdf,
  server,
  serverLogTail,
  startServer,
  stopServer,
} from "./lib.mjs";

// The applicant. The demo already has Putu (NIK 5104010903970004), so this is someone new:
// a woman born 5 May 1992 registered in Kabupaten Jembrana (NIK day 45 = 5 + 40).
const PERSON = {
  name: "Ni Komang Ayu Lestari",
  nik: "5101014505920003",
  nikMasked: "5101********0003",
  phone: "087897893492",
  address: "Jl. Denpasar Gilimanuk No. 12, Pekutatan",
  email: "komang.lestari@example.com",
  password: "Bidan-Pekutatan-2026",
  birthDate: "1992-05-05",
};

let browser;
let page;
const problems = []; // uncaught page errors and console errors

// ---------------------------------------------------------------------------------------------
// Helpers for the page.

/** What sticks out past the phone's screen width (a page a person must scroll sideways). */
async function overflow() {
  return page.evaluate((limit) => {
    const width = document.documentElement.scrollWidth;
    if (width <= limit) return null;
    // Elements reaching past the edge, or whose own content (long text in a <pre>) does.
    const sticking = [...document.body.querySelectorAll("*")].filter((e) => {
      const r = e.getBoundingClientRect();
      const spill = getComputedStyle(e).overflowX === "visible" ? Math.max(0, e.scrollWidth - e.clientWidth) : 0;
      return r.width > 0 && r.right + spill > limit + 1;
    });
    const deepest = sticking.filter((e) => !sticking.some((o) => o !== e && e.contains(o)));
    const describe = (e) => {
      const cls = typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : "";
      const text = (e.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50);
      const r = e.getBoundingClientRect();
      const spill = getComputedStyle(e).overflowX === "visible" ? Math.max(0, e.scrollWidth - e.clientWidth) : 0;
      return `<${e.tagName.toLowerCase()}${cls}> "${text}" (right edge ${Math.round(r.right + spill)} px)`;
    };
    return { width, culprits: deepest.slice(0, 4).map(describe) };
  }, PHONE.width);
}

/** Every page must fit the phone's width; a page that does not is recorded as a problem. */
async function checkFitsPhone(name) {
  const o = await overflow();
  if (!o) return;
  const where = new URL(page.url()).pathname;
  const msg = `layout: ${where} (${name}) is ${o.width} px wide on a ${PHONE.width} px phone; sticking out: ${o.culprits.join("; ")}`;
  if (where.startsWith("/dev/")) {
    log(`  note (development page, not asserted): ${msg}`);
    return;
  }
  if (!problems.includes(msg)) problems.push(msg);
  log(`  !! ${msg}`);
}

/**
 * Taps a button or link. On a page wider than the phone, Chromium's mobile emulation widens the
 * layout viewport and pointer input lands on the wrong element, so there the control is focused
 * and activated with Enter instead (the overflow itself is recorded as a problem).
 */
async function activate(locator) {
  if (await overflow()) {
    log("  (page wider than the phone: activating with the keyboard)");
    await locator.focus();
    await page.keyboard.press("Enter");
  } else {
    await locator.click();
  }
}

let shot = 0;
async function screenshot(name) {
  await checkFitsPhone(name);
  shot += 1;
  const file = path.join(ARTIFACTS, `${String(shot).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log(`  screenshot ${path.relative(HERE, file)}`);
}

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

/** Picks province → regency → district → village in an area picker (a fieldset[data-area]). */
async function pickArea(fieldset, { prov, kab, kec, desa }) {
  if (prov) await choose(fieldset.getByLabel("Provinsi", { exact: true }), prov, "Provinsi");
  if (kab) await choose(fieldset.getByLabel("Kabupaten / Kota", { exact: true }), kab, "Kabupaten / Kota");
  await choose(fieldset.getByLabel("Kecamatan", { exact: true }), kec, "Kecamatan");
  return choose(fieldset.getByLabel("Kelurahan / Desa", { exact: true }), desa, "Kelurahan / Desa");
}

async function heading(text) {
  await page.getByRole("heading", { name: text }).first().waitFor({ state: "visible" });
}

function nav() {
  return page.getByRole("navigation", { name: "Menu utama" });
}

// ---------------------------------------------------------------------------------------------
// Steps: each one is a subtest; after a failure the rest are skipped, and a screenshot of the
// page as it was is kept.

let failed = null;
async function step(t, name, fn) {
  await t.test(name, { skip: failed ? `earlier step failed: ${failed}` : false }, async () => {
    log(`STEP ${name}`);
    const started = Date.now();
    try {
      await fn();
      log(`  ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (e) {
      failed = name;
      log(`  FAILED at ${page ? page.url() : "(no page)"}: ${e.message.split("\n")[0]}`);
      if (page) await screenshot(`FAILED-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`).catch(() => {});
      throw e;
    }
  });
}

// ---------------------------------------------------------------------------------------------

before(async () => {
  cleanArtifacts(/^(\d\d-.*\.png|server\.log)$/); // only this test's own screenshots and log
  await startServer();
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM`);
  }
  log(`launching ${CHROMIUM}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
  log(`browser ${browser.version()}`);
  // A midwife's phone: 390×844, touch, Indonesian, Bali time.
  const context = await browser.newContext({
    baseURL: server.base,
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "id-ID",
    timezoneId: "Asia/Makassar",
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  page = await context.newPage();
  page.on("pageerror", (e) => {
    problems.push(`page error at ${page.url()}: ${e.message}`);
    log(`  !! page error: ${e.message}`);
  });
  page.on("console", (m) => {
    // Failed loads are reported by the response listener (with their address) instead.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      problems.push(`console error at ${page.url()}: ${m.text()}`);
      log(`  !! console error: ${m.text()}`);
    }
  });
  page.on("response", (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} for ${r.url()}`);
    if (r.status() >= 400) log(`  HTTP ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (failed) console.log(`--- last lines of the server log (${path.relative(HERE, server.logPath)}) ---\n${serverLogTail()}`);
  await stopServer();
  log(`done; screenshots in ${path.relative(process.cwd(), ARTIFACTS) || "."}/`);
});

test("applicant registers on a phone, applies for SIP Dokter Spesialis and sees Menunggu Verifikasi", { timeout: 120_000 }, async (t) => {
  let applicationId;
  let registrationNumber;

  await step(t, "home page → Daftar", async () => {
    await page.goto("/");
    await heading("Perizinan tenaga kesehatan, dari mana saja");
    await screenshot("home");
    await activate(nav().getByRole("link", { name: "Daftar", exact: true }));
    await page.waitForURL("**/daftar");
    await heading("Pendaftaran Akun");
  });

  await step(t, "registration form", async () => {
    await page.getByLabel("Nama Lengkap", { exact: true }).fill(PERSON.name);
    await page.getByLabel("Tipe", { exact: true }).selectOption("KTP");
    await page.getByLabel("Nomor Identitas").fill(PERSON.nik);
    await page.getByLabel("Handphone Pemohon").fill(PERSON.phone);
    await page.getByLabel("Alamat Pemohon").fill(PERSON.address);
    const code = await pickArea(page.locator('fieldset[data-area="village_code"]'), {
      prov: /^\s*(provinsi\s+)?bali\s*$/i,
      kab: /^\s*(kabupaten\s+|kab\.\s*)?jembrana\s*$/i,
      kec: /^\s*pekutatan\s*$/i,
      desa: /^\s*pekutatan\s*$/i,
    });
    assert.equal(code, "51.01.03.2004", "village Pekutatan, Kecamatan Pekutatan, Kabupaten Jembrana");
    await page.getByLabel("Email", { exact: true }).fill(PERSON.email);
    await page.getByLabel("Kata Sandi", { exact: true }).fill(PERSON.password);
    await page.getByLabel("Ulangi Kata Sandi").fill(PERSON.password);
    await page.getByRole("checkbox", { name: /pemberitahuan privasi/ }).check();
    await screenshot("register-filled");
    await activate(page.locator("main form[action='/daftar']").getByRole("button", { name: /^(Register|Daftar)$/ }));
    await heading(/Pendaftaran berhasil/);
    assert.match(await page.locator("main").innerText(), new RegExp(PERSON.email.replace(/[.+]/g, "\\$&")));
    await screenshot("register-done");
  });

  await step(t, "confirmation link from the dev mailbox", async () => {
    await activate(page.getByRole("link", { name: "Kotak surat pengembangan" }));
    await page.waitForURL("**/dev/mailbox");
    // The mail is queued by the registration; it may take a moment to show up.
    const mail = page.locator("article.mail").filter({ hasText: PERSON.email }).first();
    for (let i = 0; !(await mail.count()); i++) {
      if (i > 40) throw new Error(`no mail to ${PERSON.email} in the dev mailbox after 20 s`);
      await page.waitForTimeout(500);
      await page.reload();
    }
    assert.match(await mail.locator("h2").innerText(), /konfirmasi/i, "the newest mail to the applicant is the confirmation");
    await screenshot("mailbox");
    const link = mail.getByRole("link", { name: "Buka tautan" }).first();
    assert.match((await link.getAttribute("href")) || "", /\/verifikasi\?token=/);
    await activate(link);
    await page.waitForURL("**/verifikasi?token=*");
    assert.match(await page.locator("main").innerText(), /akun Anda aktif/);
    await screenshot("verified");
  });

  await step(t, "log in at /masuk", async () => {
    await activate(nav().getByRole("link", { name: "Masuk", exact: true }));
    await page.waitForURL("**/masuk");
    await page.getByLabel("Email", { exact: true }).fill(PERSON.email);
    await page.getByLabel("Kata Sandi", { exact: true }).fill(PERSON.password);
    await screenshot("login");
    await activate(page.locator("main").getByRole("button", { name: "Masuk", exact: true }));
    await page.waitForURL("**/permohonan");
    await heading("Permohonan Saya");
    await nav().getByRole("button", { name: new RegExp(`Keluar \\(${PERSON.name}\\)`) }).waitFor();
  });

  await step(t, "Ajukan Permohonan: choose the permit and the office", async () => {
    await activate(nav().getByRole("link", { name: "Ajukan Permohonan", exact: true }));
    await page.waitForURL("**/permohonan/baru");
    await page.getByLabel("Izin", { exact: true }).selectOption({ label: "Surat Izin Praktik Dokter Spesialis" });
    await activate(page.getByRole("button", { name: "Tampilkan informasi" }));
    await page.waitForURL("**/permohonan/baru?*izin=SIP-DRSP*");
    await heading("Informasi Pengajuan Permohonan");
    const info = page.locator("section.panel").filter({ has: page.getByRole("heading", { name: "Informasi Pengajuan Permohonan" }) });
    const formulir = info.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Nama Formulir" }) });
    const syarat = info.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "Nama Syarat" }) });
    await info.getByRole("heading", { name: "Formulir", exact: true }).waitFor();
    await info.getByRole("heading", { name: "Syarat", exact: true }).waitFor();
    assert.match(await formulir.innerText(), /Tempat Lahir[\s\S]*Hari Praktik[\s\S]*Nomor STR/);
    assert.match(await syarat.innerText(), /Pas Foto/);
    assert.ok((await syarat.locator("tbody tr").count()) >= 5, "the Syarat table lists the requirements");
    await page.getByLabel("Kantor layanan tujuan").selectOption({ label: "DPMPTSPTK Kabupaten Jembrana" });
    await screenshot("apply-start");
    await activate(page.locator("main").getByRole("button", { name: "Ajukan Permohonan", exact: true }));
    await page.waitForURL("**/permohonan/*/tahap-1");
    applicationId = page.url().match(/\/permohonan\/([^/]+)\/tahap-1/)[1];
    log(`  draft ${applicationId}`);
  });

  await step(t, "Tahap 1 · Data Pemohon", async () => {
    await heading(/Tahap 1/);
    assert.equal(await page.getByLabel("Nama Pemohon").inputValue(), PERSON.name, "name prefilled from the account");
    assert.equal(await page.getByLabel("Email Pemohon").inputValue(), PERSON.email, "email prefilled from the account");
    await page.getByLabel("Nama Tempat Praktik / Fasilitas Pelayanan Kesehatan").fill("RSU Negara");
    const lokasi = page.locator('fieldset[data-area="location_village_code"]');
    const kab = lokasi.getByLabel("Kabupaten / Kota", { exact: true });
    assert.equal(await kab.inputValue(), "51.01", "the office's regency is preselected");
    assert.match(await kab.locator("option:checked").innerText(), /Jembrana/);
    const code = await pickArea(lokasi, { kec: /^\s*pekutatan\s*$/i, desa: /^\s*pekutatan\s*$/i });
    assert.equal(code, "51.01.03.2004");
    await page.getByLabel("Detail Alamat Lokasi").fill("JL. RAYA DENPASAR GILIMANUK, PEKUTATAN");
    await screenshot("tahap-1");
    await activate(page.getByRole("button", { name: "Lanjutkan" }));
    await page.waitForURL(`**/permohonan/${applicationId}/tahap-2`);
  });

  await step(t, "Tahap 2 · Data Formulir", async () => {
    await heading(/Tahap 2/);
    await page.getByLabel("Tempat Lahir", { exact: true }).fill("Denpasar");
    await page.getByLabel("Tanggal Lahir", { exact: true }).fill(PERSON.birthDate);
    await page.getByLabel("Nama Lengkap (Sesuai Ijazah)").fill(`dr. ${PERSON.name}, Sp.OG`);
    for (const day of ["Senin", "Selasa", "Rabu"]) await page.getByRole("checkbox", { name: day, exact: true }).check();
    await page.getByLabel("Mulai pukul").fill("08:00");
    await page.getByLabel("s/d pukul").fill("12:00");
    await page.getByLabel("Permohonan SIP yang Ke").selectOption("1");
    await page.getByLabel("Nomor STR (Surat Tanda Registrasi)").fill("5121103318134121");
    await page.getByLabel("Jenis Tempat Praktik").selectOption("Fasilitas Pelayanan Kesehatan");
    await screenshot("tahap-2");
    await activate(page.getByRole("button", { name: "Lanjutkan" }));
    await page.waitForURL(`**/permohonan/${applicationId}/tahap-3`);
  });

  await step(t, "Tahap 3 · Data Syarat (one wrong file, then every requirement)", async () => {
    await heading(/Tahap 3/);
    await screenshot("tahap-3-empty");
    const sections = page.locator("section.req");
    const n = await sections.count();
    assert.ok(n >= 6, `requirement sections shown: ${n}`);
    const reqs = [];
    for (let i = 0; i < n; i++) {
      const s = sections.nth(i);
      reqs.push({
        key: (await s.getAttribute("id")).replace(/^f-/, ""),
        label: (await s.locator("h3").innerText()).trim(),
        accept: (await s.locator("input[type=file]").getAttribute("accept")) || "",
      });
    }
    log(`  requirements: ${reqs.map((r) => r.label).join(" | ")}`);
    assert.ok(reqs.some((r) => /Pas Foto/.test(r.label)), "Pas Foto is asked");
    assert.ok(!reqs.some((r) => /Surat Kuasa/.test(r.label)), "the proxy letter is asked only for a proxy");

    const section = (key) => page.locator(`section.req#f-${key}`);
    const upload = async (r, file) => {
      const s = section(r.key);
      await s.locator("input[type=file]").setInputFiles(file);
      await activate(s.getByRole("button", { name: "Unggah" }));
    };
    const goodFile = (r) =>
      /image|jpe?g|png/i.test(r.accept) && !/pdf/i.test(r.accept)
        ? { name: "pas-foto.png", mimeType: "image/png", buffer: passportPhotoPng() }
        : { name: `${r.key}.pdf`, mimeType: "application/pdf", buffer: pdf(`${r.label} - ${PERSON.name}`) };
    const uploadGood = async (r) => {
      const file = goodFile(r);
      await upload(r, file);
      await section(r.key).getByText("Terunggah").waitFor({ state: "visible" });
      await page.waitForLoadState("load");
      assert.match(await section(r.key).locator(".attached").innerText(), new RegExp(file.name.replace(/\./g, "\\.")));
      log(`  uploaded ${file.name} for ${r.label}`);
    };

    // One good upload first, so there is something that must not get lost.
    const [first, wrong, ...rest] = reqs.filter((r) => !/Pas Foto/.test(r.label)).concat(reqs.filter((r) => /Pas Foto/.test(r.label)));
    await uploadGood(first);

    // A text file that is only named .pdf: refused with an Indonesian message next to it.
    await upload(wrong, { name: "STR-palsu.pdf", mimeType: "application/pdf", buffer: Buffer.from("Ini bukan PDF, hanya catatan teks biasa.\n") });
    const err = section(wrong.key).locator(".error-message");
    await err.waitFor({ state: "visible" });
    const msg = (await err.innerText()).trim();
    log(`  refused as expected: "${msg}"`);
    assert.match(msg, /tidak dapat dibaca sebagai PDF/, "the reason is given in Bahasa Indonesia");
    assert.equal(await section(wrong.key).getByText("Terunggah").count(), 0, "the wrong file is not attached");
    assert.match(page.url(), new RegExp(`/permohonan/${applicationId}/`), "still in this application's wizard");
    await section(first.key).getByText("Terunggah").waitFor({ state: "visible" });
    assert.equal(await page.locator("section.req .error-message").count(), 1, "only the wrong requirement shows an error");
    const steps = page.getByRole("list", { name: "Tahapan" });
    assert.match((await steps.locator("li").nth(0).getAttribute("class")) || "", /\bdone\b/, "Tahap 1 still done");
    assert.match((await steps.locator("li").nth(1).getAttribute("class")) || "", /\bdone\b/, "Tahap 2 still done");
    await section(wrong.key).scrollIntoViewIfNeeded();
    await screenshot("tahap-3-wrong-file");

    for (const r of [wrong, ...rest]) await uploadGood(r);
    // Everything shown is now attached, and no error is left on the page.
    await page.goto(`/permohonan/${applicationId}/tahap-3`);
    for (const r of reqs) {
      assert.equal(await section(r.key).getByText("Terunggah").count(), 1, `${r.label} is attached`);
    }
    assert.equal(await page.locator("section.req .error-message").count(), 0);
    await screenshot("tahap-3-done");
  });

  await step(t, "Periksa & Ajukan → Bukti Pendaftaran", async () => {
    await activate(page.locator("main .actions").getByRole("link", { name: "Lanjutkan", exact: true }));
    await page.waitForURL(`**/permohonan/${applicationId}/periksa`);
    await heading("Periksa kembali sebelum mengajukan");
    const text = await page.locator("main").innerText();
    assert.doesNotMatch(text, /Masih ada/, "nothing is missing");
    assert.match(text, /Senin, Selasa, Rabu/);
    assert.match(text, /Pukul 08:00 s\/d 12:00 WITA/);
    assert.match(text, /RSU Negara/);
    await screenshot("periksa");
    await activate(page.getByRole("button", { name: "Ya, Lanjutkan" }));
    await page.waitForURL(`**/permohonan/${applicationId}/bukti`);
    await heading("Bukti Pendaftaran");
    registrationNumber = (await page.locator(".receipt .big strong").innerText()).trim();
    log(`  registration number ${registrationNumber}`);
    assert.match(registrationNumber, /^JBR-/, "registration number of the Jembrana office");
    const receipt = await page.locator(".receipt").innerText();
    assert.match(receipt, new RegExp(PERSON.nikMasked.replace(/\*/g, "\\*")), "NIK masked on the receipt");
    assert.match(receipt, /Surat Izin Praktik Dokter Spesialis/);
    await screenshot("bukti-pendaftaran");
  });

  await step(t, "Permohonan Saya shows Menunggu Verifikasi", async () => {
    await activate(nav().getByRole("link", { name: "Permohonan Saya" }));
    await page.waitForURL("**/permohonan");
    const row = page.locator("tbody tr").filter({ hasText: registrationNumber });
    assert.equal(await row.count(), 1, `one row for ${registrationNumber}`);
    assert.match(await row.innerText(), /Menunggu Verifikasi/);
    assert.match(await row.innerText(), /Surat Izin Praktik Dokter Spesialis/);
    await screenshot("permohonan-saya");
  });

  await step(t, "every page fits the phone, no script errors, no server errors", async () => {
    assert.deepEqual(problems, [], `${problems.length} problem(s) on the way:\n${problems.join("\n")}`);
  });
});
