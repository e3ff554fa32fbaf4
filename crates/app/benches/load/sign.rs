//! Render + sign per final SK: not HTTP. Two measurements.
//!
//! - **CPU only**, once per run, no database: `izinkes_documents::render::render_sk_with_signature`
//!   (typst → PDF, with the photo and the QR code) then `LocalSigner::sign_pdf` (PAdES: incremental
//!   update, RSA CMS) with a demo office CA made by `demo_office_ca`, as `permits::office_docs`
//!   makes one. One worker, then two in parallel (threads), each for the measured seconds after
//!   a warm-up; render and sign are timed apart.
//! - **The real path**, per backend: `permits::sign_one` — what the head of office's signing does
//!   for each permit (load the application, applicant and office setup, render on the blocking
//!   pool, sign, store the PDF blob, update permit and application, history, outbox) — over
//!   permits seeded awaiting signature, one worker and then two tasks on the server's runtime.

use super::{CpuSplit, cpu_snapshot, cpu_split, ms, pass, percentile, thousands};
use chrono::Utc;
use izinkes_app::auth::officer::Officer;
use izinkes_app::state::AppState;
use izinkes_documents::render::{Letterhead, Signer, SkData, SkLayout, render_sk_with_signature};
use izinkes_documents::sign::{LocalSigner, SignRequest};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The target: per final SK, warm, on 2 cores.
pub const TARGET_RATE: f64 = 50.0;
pub const TARGET_P99_MS: f64 = 100.0;

/// Latency percentiles in ms.
#[derive(Clone, Copy, Default)]
pub struct Pcts {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Pcts {
    fn of(mut us: Vec<u32>) -> Pcts {
        us.sort_unstable();
        Pcts {
            p50: percentile(&us, 0.50),
            p90: percentile(&us, 0.90),
            p99: percentile(&us, 0.99),
            max: us.last().map(|&m| m as f64 / 1000.0).unwrap_or(0.0),
        }
    }
}

#[derive(Default)]
pub struct RunStats {
    pub workers: usize,
    pub permits: u64,
    pub errors: u64,
    pub rate: f64,
    pub total: Pcts,
    pub render: Option<Pcts>,
    pub sign: Option<Pcts>,
    pub cpu: CpuSplit,
    pub notes: Vec<String>,
}

impl RunStats {
    fn passes(&self) -> bool {
        self.errors == 0 && self.rate >= TARGET_RATE && self.total.p99 <= TARGET_P99_MS
    }
}

pub struct CpuOnly {
    pub first_render_ms: f64,
    pub first_sign_ms: f64,
    pub pdf_kb: f64,
    pub signed_kb: f64,
    pub intact: bool,
    pub permit: String,
    pub runs: Vec<RunStats>,
}

/// An SK like the ones the service renders: the office's letterhead, a decree with the
/// permit type's legal basis, the applicant's photo, the QR code of a fresh verification URL.
fn sk(permit: &izinkes_domain::catalog::PermitType, n: usize, photo: &Option<Vec<u8>>, signer: &str) -> SkData {
    let holder = format!(
        "{} {}",
        super::FIRST[n % super::FIRST.len()],
        super::LAST[n % super::LAST.len()]
    );
    SkData {
        letterhead: Letterhead {
            office_name: "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU".into(),
            government: "PEMERINTAH KABUPATEN JEMBRANA".into(),
            address: "Jl. Surapati No. 1, Negara, Jembrana".into(),
            contact: "Telepon (0365) 41210 · Pos-el layanan@jembrana.demo.izinkes.id".into(),
            logo_png: None,
        },
        number: format!("503/{:04}/{}/DPMPTSP-JBR/2026", n + 1, permit.code),
        title: permit.name.to_uppercase(),
        layout: SkLayout::Decree,
        considerations: vec![
            format!(
                "bahwa {holder} telah mengajukan permohonan {} dan telah memenuhi persyaratan sesuai ketentuan peraturan perundang-undangan;",
                permit.name
            ),
            format!(
                "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan tentang {};",
                permit.name
            ),
        ],
        legal_basis: permit.legal_basis.clone(),
        holder_name: holder,
        holder_birth: "Denpasar, 9 Maret 1997".into(),
        holder_address: format!(
            "Jl. Melati No. {}, RT 001/RW 002, {}",
            1 + n % 97,
            izinkes_domain::format_id::area_label("51.01.03.2004")
        ),
        profession: permit.profession.clone(),
        str_number: format!("51211033181{:05}", n % 100_000),
        practice_place: "Klinik Pratama Sehat Bersama".into(),
        practice_address: format!(
            "Klinik Pratama Sehat Bersama, Jl. Pahlawan No. 12, {}",
            izinkes_domain::format_id::area_label("51.01.03.2004")
        ),
        practice_days: "Senin, Selasa, Rabu".into(),
        practice_hours: "08.00–12.00 WITA".into(),
        valid_from: "22 November 2026".into(),
        valid_until: "22 November 2031".into(),
        photo: photo.clone(),
        place_and_date: "Negara, 22 November 2026".into(),
        signer: Signer {
            name: signer.into(),
            position: "KEPALA DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU KABUPATEN JEMBRANA".into(),
            nip: None,
        },
        verify_url: format!(
            "https://izinkes.example.go.id/v/{}",
            izinkes_app::platform::ids::new_token()
        ),
        draft: false,
        bsre_footer: false,
        subject: Default::default(),
        retribution: String::new(),
    }
}

/// Render then sign one SK: (render µs, sign µs, pdf bytes, signed bytes).
fn one(data: &SkData, signer: &LocalSigner, reason: &str) -> Result<(u32, u32, usize, Vec<u8>), String> {
    let t0 = Instant::now();
    let (pdf, placement) = render_sk_with_signature(data).map_err(|e| format!("render: {e}"))?;
    let t1 = Instant::now();
    let req = SignRequest {
        signer_name: &data.signer.name,
        reason,
        location: "Negara",
        signing_time: Utc::now(),
        rect: Some(placement.rect),
        page: placement.page,
    };
    let signed = signer.sign_pdf(&pdf, &req).map_err(|e| format!("sign: {e}"))?;
    let t2 = Instant::now();
    let us = |d: Duration| d.as_micros().min(u32::MAX as u128) as u32;
    Ok((us(t1 - t0), us(t2 - t1), pdf.len(), signed.bytes))
}

/// The CPU-only measurement (call it first in the process: the first render is the cold one).
pub fn cpu_only(seconds: u64, warmup: u64, worker_counts: &[usize], tck: f64) -> CpuOnly {
    let catalog = izinkes_domain::catalog::Catalog::builtin();
    let permit = catalog
        .get("SIP-DR")
        .or_else(|| catalog.permit_types.first())
        .expect("a permit type")
        .clone();
    // The photo as the bulk applications carry it (the template's upload: PNG where allowed).
    let photo = permit.requirements.iter().find(|r| r.key == "pas_foto").map(|r| {
        if r.formats.contains(&izinkes_domain::catalog::FileFormat::Png) {
            izinkes_app::demo::samples::PNG.to_vec()
        } else {
            izinkes_app::demo::samples::jpeg()
        }
    });
    let signer_name = "Ni Wayan Sari, S.H.";
    let pki =
        izinkes_documents::sign::demo_office_ca("DPMPTSPTK Kabupaten Jembrana", signer_name).expect("demo office CA");
    let signer = LocalSigner::from_pem(&pki.signer_chain_pem(), &pki.signer_key_pem).expect("local signer");
    let reason = format!("Penetapan {}", permit.name);

    let (first_render, first_sign, pdf_len, signed) =
        one(&sk(&permit, 0, &photo, signer_name), &signer, &reason).expect("first SK");
    let intact = izinkes_documents::sign::verify_embedded(&signed)
        .map(|r| r.is_intact())
        .unwrap_or(false);
    let mut runs = Vec::new();
    for &workers in worker_counts {
        let start = Instant::now();
        let measure_from = start + Duration::from_secs(warmup);
        let end = measure_from + Duration::from_secs(seconds);
        let counter = std::sync::atomic::AtomicUsize::new(1);
        let mut before = None;
        let results: Vec<(Vec<u32>, Vec<u32>, Vec<u32>, u64, Vec<String>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    let (permit, photo, signer, reason, counter) = (&permit, &photo, &signer, &reason, &counter);
                    scope.spawn(move || {
                        let (mut render, mut sign, mut total, mut errors, mut samples) =
                            (Vec::new(), Vec::new(), Vec::new(), 0u64, Vec::new());
                        loop {
                            let t0 = Instant::now();
                            if t0 >= end {
                                break;
                            }
                            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let data = sk(permit, n, photo, signer_name);
                            let r = one(&data, signer, reason);
                            if t0 < measure_from {
                                continue;
                            }
                            match r {
                                Ok((r_us, s_us, ..)) => {
                                    render.push(r_us);
                                    sign.push(s_us);
                                    total.push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
                                }
                                Err(e) => {
                                    errors += 1;
                                    if samples.len() < 3 {
                                        samples.push(e);
                                    }
                                }
                            }
                        }
                        (render, sign, total, errors, samples)
                    })
                })
                .collect();
            std::thread::sleep(measure_from.saturating_duration_since(Instant::now()));
            before = Some(cpu_snapshot(None));
            handles.into_iter().map(|h| h.join().expect("sign worker")).collect()
        });
        let after = cpu_snapshot(None);
        let mut st = RunStats {
            workers,
            cpu: cpu_split(&before.unwrap_or_default(), &after, tck),
            ..RunStats::default()
        };
        let (mut render, mut sign, mut total) = (Vec::new(), Vec::new(), Vec::new());
        for (r, s, t, e, samples) in results {
            render.extend(r);
            sign.extend(s);
            total.extend(t);
            st.errors += e;
            st.notes.extend(samples);
        }
        st.permits = total.len() as u64;
        st.rate = st.permits as f64 / seconds as f64;
        st.total = Pcts::of(total);
        st.render = Some(Pcts::of(render));
        st.sign = Some(Pcts::of(sign));
        eprintln!(
            "bench:   render + sign, CPU only, {workers} worker(s): {} SK, {:.1}/s, p50 {:.1} p99 {:.1} max {:.1} ms (render p50 {:.1}, sign p50 {:.1}) | cpu {:.0}% machine {:.0}%",
            st.permits,
            st.rate,
            st.total.p50,
            st.total.p99,
            st.total.max,
            st.render.unwrap_or_default().p50,
            st.sign.unwrap_or_default().p50,
            st.cpu.server,
            st.cpu.machine_busy
        );
        runs.push(st);
    }
    CpuOnly {
        first_render_ms: first_render as f64 / 1000.0,
        first_sign_ms: first_sign as f64 / 1000.0,
        pdf_kb: pdf_len as f64 / 1024.0,
        signed_kb: signed.len() as f64 / 1024.0,
        intact,
        permit: format!("{} ({})", permit.name, permit.code),
        runs,
    }
}

/// `permits::sign_one` over the seeded permits awaiting signature: `workers` tasks on the
/// current (server) runtime, worker `w` signing as the head of office `w % offices`.
pub async fn real_path(
    state: &AppState,
    kadis: &[Officer],
    queues: &[Arc<Mutex<std::collections::VecDeque<String>>>],
    workers: usize,
    warmup: u64,
    seconds: u64,
    tck: f64,
    pg_db: Option<&str>,
) -> RunStats {
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(warmup);
    let end = measure_from + Duration::from_secs(seconds);
    let mut handles = Vec::new();
    for w in 0..workers {
        let state = state.clone();
        let officer = kadis[w % kadis.len()].clone();
        let queue = queues[w % queues.len()].clone();
        handles.push(tokio::spawn(async move {
            let (mut lat, mut errors, mut samples, mut exhausted) = (Vec::new(), 0u64, Vec::new(), None);
            loop {
                let t0 = Instant::now();
                if t0 >= end {
                    break;
                }
                let next = queue.lock().ok().and_then(|mut q| q.pop_front());
                let Some(id) = next else {
                    exhausted = Some(t0.saturating_duration_since(measure_from));
                    break;
                };
                let r = izinkes_app::permits::signing::sign_one(&state, &officer, &id).await;
                if t0 < measure_from {
                    continue;
                }
                lat.push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
                if let Err(e) = r {
                    errors += 1;
                    if samples.len() < 3 {
                        samples.push(e.to_string());
                    }
                }
            }
            (lat, errors, samples, exhausted)
        }));
    }
    tokio::time::sleep_until(measure_from.into()).await;
    let before = cpu_snapshot(pg_db);
    tokio::time::sleep_until(end.into()).await;
    let after = cpu_snapshot(pg_db);
    let mut st = RunStats {
        workers,
        cpu: cpu_split(&before, &after, tck),
        ..RunStats::default()
    };
    let mut all = Vec::new();
    for h in handles {
        let (lat, errors, samples, exhausted) = h.await.expect("sign task");
        all.extend(lat);
        st.errors += errors;
        st.notes.extend(samples);
        if let Some(t) = exhausted {
            st.notes.push(format!(
                "a worker ran out of permits awaiting signature after {:.1} s of the measured window: permits/s is a lower bound; raise BENCH_SIGN_PERMITS",
                t.as_secs_f64()
            ));
        }
    }
    st.permits = all.len() as u64;
    st.rate = st.permits as f64 / seconds as f64;
    st.total = Pcts::of(all);
    eprintln!(
        "bench:   permits::sign_one, {workers} worker(s): {} permits, {} err, {:.1}/s, p50 {:.1} p90 {:.1} p99 {:.1} max {:.1} ms | cpu srv {:.0}% pg {:.0}% machine {:.0}%",
        st.permits,
        st.errors,
        st.rate,
        st.total.p50,
        st.total.p90,
        st.total.p99,
        st.total.max,
        st.cpu.server,
        st.cpu.postgres,
        st.cpu.machine_busy
    );
    for n in &st.notes {
        eprintln!("bench:     {n}");
    }
    st
}

/// Checks that a permit signed in the run is what the service publishes: active, and its
/// stored PDF carries an intact signature.
pub async fn check_signed(state: &AppState) -> Result<String, String> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT number, pdf_sha256 FROM permits WHERE status = 'active' AND signed_at IS NOT NULL ORDER BY signed_at DESC LIMIT 1",
    )
    .fetch_optional(&state.db.pool)
    .await
    .map_err(|e| e.to_string())?;
    let (number, sha) = row.ok_or("no permit was signed")?;
    let sha = sha.ok_or("signed permit without its PDF")?;
    let bytes = state.store.get(&sha).await.map_err(|e| e.to_string())?;
    let report = izinkes_documents::sign::verify_embedded(&bytes).map_err(|e| e.to_string())?;
    if report.is_intact() {
        Ok(format!(
            "{number}: {:.0} KB, signature intact",
            bytes.len() as f64 / 1024.0
        ))
    } else {
        Err(format!("{number}: the stored PDF's signature does not verify"))
    }
}

fn workers(n: usize) -> String {
    if n == 1 {
        "1 worker".into()
    } else {
        format!("{n} workers")
    }
}

fn row(md: &mut String, label: &str, st: &RunStats, p: Pcts, with_rate: bool, verdict: Option<bool>) {
    let _ = writeln!(
        md,
        "| {label} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        if with_rate { thousands(st.permits) } else { "".into() },
        if with_rate { thousands(st.errors) } else { "".into() },
        if with_rate {
            format!("{:.1}", st.rate)
        } else {
            "".into()
        },
        ms(p.p50),
        ms(p.p90),
        ms(p.p99),
        ms(p.max),
        match verdict {
            Some(_) => format!("≥ {TARGET_RATE:.0}/s, p99 ≤ {TARGET_P99_MS:.0} ms"),
            None => "—".into(),
        },
        verdict.map(pass).unwrap_or("—")
    );
}

const HEADER: &str = "| Run | SK | Errors | SK/s | p50 ms | p90 ms | p99 ms | max ms | Target | Result |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|";

/// Where the time of a run went, one line.
fn cpu_line(st: &RunStats, cores: usize, postgres: bool) -> String {
    let used = st.cpu.server + st.cpu.postgres;
    let per = if st.rate > 0.0 {
        used / 100.0 / st.rate * 1000.0
    } else {
        0.0
    };
    format!(
        "{}: this process {:.0}%{} of {cores} cores, machine busy {:.0}% — {per:.1} ms of CPU per SK",
        workers(st.workers),
        st.cpu.server,
        if postgres {
            format!(" + PostgreSQL {:.0}%", st.cpu.postgres)
        } else {
            String::new()
        },
        st.cpu.machine_busy
    )
}

/// Why the batch's run missed the target: the CPU one SK costs, and what the cores allow at that cost.
fn shortfall(st: &RunStats, cores: usize, postgres: bool) -> String {
    let used = st.cpu.server + st.cpu.postgres;
    let per = if st.rate > 0.0 {
        used / 100.0 / st.rate * 1000.0
    } else {
        0.0
    };
    let split = match (st.render, st.sign) {
        (Some(r), Some(s)) if r.p50 + s.p50 > 0.0 => format!(
            "; rendering (typst layout and PDF export) is {:.0}% of an SK's time, signing {:.0}%",
            r.p50 / (r.p50 + s.p50) * 100.0,
            s.p50 / (r.p50 + s.p50) * 100.0
        ),
        _ => " (rendering dominates: see the CPU-only measurement)".into(),
    };
    format!(
        "{:.1} SK/s, p99 {} ms: CPU-bound at ≈ {per:.0} ms of CPU per SK{}, so the {cores} cores give at most ≈ {:.0} SK/s{split}",
        st.rate,
        ms(st.total.p99),
        if postgres { " (PostgreSQL included)" } else { "" },
        if per > 0.0 { cores as f64 * 1000.0 / per } else { 0.0 }
    )
}

pub fn render_cpu_only(md: &mut String, c: &CpuOnly, seconds: u64, warmup: u64, cores: usize) {
    let _ = writeln!(md, "## Render + sign per final SK, CPU only (no database)\n");
    let _ = writeln!(
        md,
        "`render_sk_with_signature` (typst → PDF: decree layout, {}, with the pas foto and the QR code) then `LocalSigner::sign_pdf` \
         (PAdES incremental update, RSA CMS) with a demo office CA from `demo_office_ca`, as `permits::office_docs` sets one up. \
         Every SK differs (number, holder, verification URL). Workers are threads; {warmup} s warm-up, then {seconds} s measured. \
         Target (issue): ≥ {TARGET_RATE:.0} permits/s and p99 ≤ {TARGET_P99_MS:.0} ms warm on 2 cores — checked on the two-worker run.\n",
        c.permit
    );
    let _ = writeln!(md, "{HEADER}");
    for st in c.runs.iter().rev() {
        let verdict = (st.workers == 2).then(|| st.passes());
        row(
            md,
            &format!("{}: render + sign", workers(st.workers)),
            st,
            st.total,
            true,
            verdict,
        );
        if let Some(p) = st.render {
            row(md, &format!("{}: render part", workers(st.workers)), st, p, false, None);
        }
        if let Some(p) = st.sign {
            row(md, &format!("{}: sign part", workers(st.workers)), st, p, false, None);
        }
    }
    let _ = writeln!(md);
    let _ = writeln!(
        md,
        "- First SK in a fresh process (fonts parsed and typst's library built on first use): \
         render {} ms, sign {} ms. PDF {:.0} KB, signed {:.0} KB; the signed PDF verifies with `verify_embedded`: {}.",
        ms(c.first_render_ms),
        ms(c.first_sign_ms),
        c.pdf_kb,
        c.signed_kb,
        if c.intact { "intact" } else { "**NOT intact**" }
    );
    if let Some(st) = c.runs.iter().find(|st| st.workers == 2).filter(|st| !st.passes()) {
        let _ = writeln!(md, "- **FAIL**: {}.", shortfall(st, cores, false));
    }
    for st in &c.runs {
        let _ = writeln!(md, "- CPU: {}.", cpu_line(st, cores, false));
        for n in &st.notes {
            let _ = writeln!(md, "- {} error sample: `{}`", workers(st.workers), n.replace('`', "'"));
        }
    }
    let _ = writeln!(md);
}

pub fn render_real(md: &mut String, runs: &[RunStats], check: &Result<String, String>, cores: usize, postgres: bool) {
    if runs.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "### Render + sign, the real path: `permits::sign_one`\n\nPer permit: load permit, office setup, application and applicant; \
         render on the blocking pool; sign; store the PDF blob; one transaction (permit active, application issued, history, \
         outbox mail). Over the permits seeded awaiting signature, as the head of office of each office (workers alternate offices), \
         on the server's runtime while no HTTP load runs. The target is checked on the run with as many workers as a batch signs \
         at once (`permits::batch_parallelism`: one more than the cores, 2–8).{}\n",
        if postgres {
            " PostgreSQL: `VACUUM ANALYZE` right before the first run, the cleanup autovacuum would otherwise do \
             of the write scenarios' dead rows during the runs (measured at about a fifth of a core)."
        } else {
            ""
        }
    );
    let _ = writeln!(md, "{HEADER}");
    let batch = izinkes_app::permits::signing::batch_parallelism();
    for st in runs.iter().rev() {
        let verdict = (st.workers == batch).then(|| st.passes());
        let label = if st.workers == batch {
            format!("{}, as a batch signs: `sign_one`", workers(st.workers))
        } else {
            format!("{}: `sign_one`", workers(st.workers))
        };
        row(md, &label, st, st.total, true, verdict);
    }
    let _ = writeln!(md);
    if let Some(st) = runs.iter().find(|st| st.workers == batch).filter(|st| !st.passes()) {
        let _ = writeln!(md, "- **FAIL**: {}.", shortfall(st, cores, postgres));
    }
    for st in runs {
        let _ = writeln!(md, "- CPU: {}.", cpu_line(st, cores, postgres));
        for n in &st.notes {
            let _ = writeln!(md, "- {}: `{}`", workers(st.workers), n.replace('`', "'"));
        }
    }
    match check {
        Ok(s) => {
            let _ = writeln!(md, "- Last permit signed in the run: {s}.");
        }
        Err(e) => {
            let _ = writeln!(md, "- **Check of the signed output failed:** {e}.");
        }
    }
    let _ = writeln!(md);
}
