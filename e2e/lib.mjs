// Helpers shared by the browser tests (wizard.test.mjs, desk.test.mjs, permit.test.mjs): the
// `izinkes serve --demo` server on a free port with a fresh data dir, Debian's Chromium, the files
// the tests upload, the width check, the artifacts folder, an authenticator (TOTP) and the
// command-line tools the permit test checks its PDFs with.
//
//   IZINKES_BIN   the server binary      (default: ../target/debug/izinkes from this folder)
//   CHROMIUM      the browser executable (default: /usr/bin/chromium)
//   E2E_KEEP_DATA=1 keeps the server's temporary data dir for inspection
//
// Each test file runs in its own process (node --test), so each has its own server here.

import { execFile, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.join(HERE, "artifacts");
export const BIN = process.env.IZINKES_BIN ? path.resolve(process.env.IZINKES_BIN) : path.resolve(HERE, "../target/debug/izinkes");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// The applicant. The demo already has Putu (NIK 5104010903970004), so this is someone new:

const T0 = Date.now();
export function log(msg) {
  const s = ((Date.now() - T0) / 1000).toFixed(1).padStart(5);
  console.log(`[e2e ${s}s] ${msg}`);
}

// ---------------------------------------------------------------------------------------------
// Files the applicant uploads, made here.

/** A minimal valid one-page PDF with a correct xref table (as crates/app/src/samples.rs `pdf()`). */
export function pdf(text) {
  const safe = [...text].filter((c) => c.charCodeAt(0) < 128 && !"()\\".includes(c)).join("");
  const stream = `BT /F1 14 Tf 72 760 Td (${safe}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A 240×360 (4:6) PNG passport photo: red background, a face-coloured head and shoulders. */
export function passportPhotoPng() {
  const w = 240;
  const h = 360;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      let rgb = [200, 30, 40]; // red background, as on Indonesian pas foto
      const head = ((x - 120) / 62) ** 2 + ((y - 140) / 80) ** 2 <= 1;
      const body = y > 235 && ((x - 120) / 120) ** 2 + ((y - 400) / 150) ** 2 <= 1;
      if (head) rgb = [224, 172, 105];
      else if (body) rgb = [250, 250, 250];
      raw.set(rgb, y * (w * 3 + 1) + 1 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", zlib.deflateSync(raw)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The server.

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export let server; // { child, base, dataDir, logPath, exited }

export function serverLogTail(lines = 40) {
  try {
    return fs.readFileSync(server.logPath, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no server log)";
  }
}

export async function startServer(logName = "server.log") {
  if (!fs.existsSync(BIN)) {
    throw new Error(`izinkes binary not found at ${BIN}: build it first with \`cargo build -p izinkes\` (or set IZINKES_BIN)`);
  }
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "izinkes-e2e-"));
  const logPath = path.join(ARTIFACTS, logName);
  const logFd = fs.openSync(logPath, "w");
  // The server must use its own embedded database and the dev mailbox, whatever this shell has set.
  const env = { ...process.env, IZINKES_LOG: process.env.IZINKES_LOG || "info,sqlx=warn", RUST_BACKTRACE: "1" };
  for (const k of ["DATABASE_URL", "IZINKES_SMTP_URL", "IZINKES_BASE_URL", "IZINKES_DATA_DIR", "IZINKES_LISTEN", "IZINKES_LOG_JSON"]) delete env[k];
  const args = ["serve", "--listen", `127.0.0.1:${port}`, "--data-dir", dataDir, "--demo"];
  log(`starting ${BIN} ${args.join(" ")}`);
  const child = spawn(BIN, args, { env, stdio: ["ignore", logFd, logFd] });
  fs.closeSync(logFd);
  server = { child, base: `http://127.0.0.1:${port}`, dataDir, logPath, exited: null };
  child.on("exit", (code, signal) => {
    server.exited = { code, signal };
  });

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exited) {
      throw new Error(`izinkes exited during start-up (${JSON.stringify(server.exited)}):\n${serverLogTail()}`);
    }
    try {
      const r = await fetch(`${server.base}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`izinkes did not become ready within 30 s:\n${serverLogTail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`server ready at ${server.base} (data dir ${dataDir})`);
}

export async function stopServer() {
  if (!server) return;
  const { child } = server;
  if (!server.exited) {
    child.kill("SIGTERM");
    const gone = await Promise.race([
      new Promise((r) => child.once("exit", () => r(true))),
      new Promise((r) => setTimeout(() => r(false), 5000)),
    ]);
    if (!gone && !server.exited) child.kill("SIGKILL");
  }
  if (process.env.E2E_KEEP_DATA === "1") log(`kept data dir ${server.dataDir}`);
  else fs.rmSync(server.dataDir, { recursive: true, force: true });
  log("server stopped");
}

// Never leave the server behind, whatever happens to this process.
process.on("exit", () => {
  if (server && !server.exited) server.child.kill("SIGKILL");
});

// ---------------------------------------------------------------------------------------------
// Artifacts.

/**
 * Makes sure e2e/artifacts/ exists and removes only this test file's own leftovers from an
 * earlier run (those whose name matches `mine`): the test files may run one after the other or
 * side by side, and neither may delete the other's screenshots.
 */
export function cleanArtifacts(mine) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const name of fs.readdirSync(ARTIFACTS)) {
    if (mine.test(name)) fs.rmSync(path.join(ARTIFACTS, name), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The width check.

export const PHONE = { width: 390, height: 844 };

/**
 * What sticks out past `limit` px (a page a person must scroll sideways), or null when the page
 * fits: the page's width and the deepest elements reaching past the edge.
 */
export async function overflowAt(page, limit) {
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
  }, limit);
}

// ---------------------------------------------------------------------------------------------
// An authenticator app (RFC 6238 TOTP: SHA-1, 30 s steps, 6 digits), for officers with two-step
// sign-in.

/** The bytes of a base32 secret (RFC 4648 alphabet; spaces, dashes and padding ignored). */
export function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const clean = text.toUpperCase().replace(/[\s=-]/g, "");
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not a base32 secret: ${JSON.stringify(text)}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The current TOTP time step (Unix time / 30 s). */
export function totpStepNow() {
  return Math.floor(Date.now() / 1000 / 30);
}

/** The 6-digit code an authenticator shows for `secret` (base32) at time step `step`. */
export function totpCode(secret, step = totpStepNow()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = crypto.createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const binary = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(binary).padStart(6, "0");
}

// ---------------------------------------------------------------------------------------------
// Command-line tools (poppler-utils, zbar-tools).

/**
 * Runs a program and resolves to { code, stdout, stderr } whatever its exit status (pdfsig exits
 * non-zero for an invalid signature; the caller asserts on the output). Rejects only when the
 * program cannot be started, with a hint which Debian package has it.
 */
export function runTool(cmd, args, { timeout = 30_000 } = {}) {
  const packages = { pdfsig: "poppler-utils", pdftoppm: "poppler-utils", pdftotext: "poppler-utils", pdfimages: "poppler-utils", zbarimg: "zbar-tools" };
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err && (err.code === "ENOENT" || typeof err.code !== "number")) {
        const hint = packages[cmd] ? ` (apt-get install -y ${packages[cmd]})` : "";
        reject(new Error(`${cmd} ${args.join(" ")} could not run${hint}: ${err.message}`));
        return;
      }
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}
