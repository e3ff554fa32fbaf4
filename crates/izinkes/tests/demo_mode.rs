//! Demo mode never leaks into real use (issue 20): a data directory that holds the demo data
//! keeps its demo on a plain restart, but real settings (a mail server, a base URL that is not on
//! this machine, `--production`) refuse to start on it and say what to do; a fresh start with
//! real settings loads no demo data and serves no development mailbox.
//!
//! Runs the real binary on a temporary data directory with the embedded database.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::zombie_processes,
    reason = "test code: a failed expect is a failed test; the server is killed and waited for on drop"
)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_izinkes");

struct Server {
    child: Child,
    addr: String,
    output: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data-dir")
        .arg(dir)
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(args);
    for k in [
        "DATABASE_URL",
        "IZINKES_SMTP_URL",
        "IZINKES_BASE_URL",
        "IZINKES_DEMO",
        "IZINKES_PRODUCTION",
    ] {
        c.env_remove(k);
    }
    c.envs(env.iter().copied());
    c
}

/// Starts the server and waits for its "running" line (the demo load comes before it).
fn start(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Server {
    let mut child = command(dir, env, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start izinkes");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut output = String::new();
    let started = Instant::now();
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).expect("read") == 0 || started.elapsed() > Duration::from_secs(120) {
            panic!("izinkes did not start:\n{output}");
        }
        output.push_str(&line);
        if let Some(rest) = line.split("open http://").nth(1) {
            let addr = rest.split('/').next().unwrap_or_default().to_string();
            // Keep reading what it prints: a closed pipe would end the server at its next line.
            std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
            // The notes printed right after the "running" line.
            std::thread::sleep(Duration::from_millis(200));
            return Server { child, addr, output };
        }
    }
}

/// Runs the server expecting it to refuse: its exit status and error text.
fn refused(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> String {
    let out = command(dir, env, args).output().expect("run izinkes");
    assert!(
        !out.status.success(),
        "must refuse: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The status code of a GET.
fn status(addr: &str, path: &str) -> u16 {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("write");
    // Only the status line is read: the server may close the connection hard after answering.
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line).expect("read the status line");
    line.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status line")
}

#[test]
fn demo_data_never_serves_real_use() {
    let dir = tempfile_dir("demo-mode");
    // The README's first command: a fresh embedded database becomes the demo.
    let demo = start(&dir, &[], &[]);
    assert!(demo.output.contains("Demo data loaded"), "{}", demo.output);
    assert!(demo.output.contains("DEMO MODE"), "{}", demo.output);
    assert_eq!(status(&demo.addr, "/dev/mailbox"), 200);
    drop(demo);
    // A plain restart keeps the demo.
    let again = start(&dir, &[], &[]);
    assert!(again.output.contains("DEMO MODE"), "{}", again.output);
    drop(again);
    // Real settings on the demo's database refuse, naming why and what to do.
    let smtp = refused(&dir, &[("IZINKES_SMTP_URL", "smtp://127.0.0.1:2525")], &[]);
    assert!(
        smtp.contains("demo data") && smtp.contains("IZINKES_SMTP_URL") && smtp.contains("mv "),
        "{smtp}"
    );
    let public = refused(&dir, &[("IZINKES_BASE_URL", "https://izin.example.go.id")], &[]);
    assert!(public.contains("IZINKES_BASE_URL"), "{public}");
    let production = refused(&dir, &[], &["--production"]);
    assert!(production.contains("--production"), "{production}");
    // A public demonstration is asked for explicitly.
    let shown = start(&dir, &[("IZINKES_BASE_URL", "https://demo.example.id")], &["--demo"]);
    assert!(shown.output.contains("DEMO MODE"), "{}", shown.output);
    drop(shown);

    // Real use from the start: no demo data, no mailbox.
    let fresh = tempfile_dir("production");
    let real = start(&fresh, &[], &["--production"]);
    assert!(!real.output.contains("Demo data loaded"), "{}", real.output);
    assert!(!real.output.contains("DEMO MODE"), "{}", real.output);
    assert_eq!(status(&real.addr, "/dev/mailbox"), 404);
    drop(real);
    // …and a restart without settings stays real use: its database holds no demo data.
    let plain = start(&fresh, &[], &[]);
    assert!(!plain.output.contains("DEMO MODE"), "{}", plain.output);
    assert_eq!(status(&plain.addr, "/dev/mailbox"), 404);
    drop(plain);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&fresh);
}

fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("izinkes-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn every_refusal_says_how_to_start_on_an_empty_database() {
    let dir = tempfile_dir("demo-flag");
    // Asking for the demo together with a mail server is refused even on a fresh directory.
    let both = refused(&dir, &[("IZINKES_SMTP_URL", "smtp://127.0.0.1:2525")], &["--demo"]);
    assert!(both.contains("izinkes migrate"), "{both}");
    let _ = std::fs::remove_dir_all(&dir);
}
