//! Demo complaints, so the complaints desk, the tracking page and the month's report have
//! something to show: one of each stage, through the same service a complainant and the
//! Petugas Pengaduan use.

use crate::auth::officer::Officer;
use crate::complaints::service::{self, ActionInput, ComplaintInput, Source};
use crate::demo::queries;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use izinkes_domain::complaints::Channel;
use izinkes_domain::roles::Role;

const DEWI_EMAIL: &str = "dewi@contoh.id";

/// The anonymous complainant's contact in the demo, for the tracking page.
pub const DEMO_COMPLAINANT_PHONE: &str = "081255550001";

async fn complaints_officer(state: &AppState, office: &str) -> ServiceResult<Officer> {
    let row = queries::officer_with_role(&state.db.pool, office, Role::Pengaduan.code()).await?;
    Ok(Officer {
        id: row.id,
        name: row.full_name,
        office_id: office.into(),
        roles: vec![Role::Pengaduan],
    })
}

async fn step(state: &AppState, officer: &Officer, id: &str, input: ActionInput) -> ServiceResult<()> {
    service::act(state, officer, id, &input).await.map(|_| ())
}

fn online(office: &str, name: &str, phone: &str, subject: &str, body: &str) -> ComplaintInput {
    ComplaintInput {
        office_id: office.into(),
        name: name.into(),
        email: String::new(),
        phone: phone.into(),
        subject: subject.into(),
        body: body.into(),
    }
}

/// Three complaints at Pontianak (answered and awaiting the complainant, closed, new by phone)
/// and one new online complaint at Jembrana.
pub async fn seed(state: &AppState, dewi: &str) -> ServiceResult<()> {
    let ptk = complaints_officer(state, "pontianak").await?;
    answered_anonymous(state, &ptk).await?;
    closed_for_dewi(state, &ptk, dewi).await?;
    new_ones(state, &ptk).await
}

async fn answered_anonymous(state: &AppState, ptk: &Officer) -> ServiceResult<()> {
    // Anonymous, online: classified, examined and answered; the complainant has yet to confirm.
    let asked = service::submit(
        state,
        &online(
            "pontianak",
            "",
            DEMO_COMPLAINANT_PHONE,
            "Diminta biaya tambahan di loket",
            "Saat menyerahkan berkas asli, saya diminta membayar Rp50.000 untuk map. Apakah memang ada biaya?",
        ),
        Source::Online {
            applicant_id: None,
            client: "demo",
        },
    )
    .await?;
    for input in [
        ActionInput {
            action: "classify".into(),
            category: "biaya".into(),
            severity: "berat".into(),
            ..ActionInput::default()
        },
        ActionInput {
            action: "assign".into(),
            assignee: ptk.id.clone(),
            ..ActionInput::default()
        },
        ActionInput {
            action: "examine".into(),
            note: "Petugas loket dimintai keterangan; rekaman CCTV diperiksa.".into(),
            ..ActionInput::default()
        },
        ActionInput {
            action: "answer".into(),
            note: "Pelayanan izin tidak dipungut biaya. Petugas yang bersangkutan telah ditegur dan uang \
                   dikembalikan. Terima kasih atas laporan Anda."
                .into(),
            ..ActionInput::default()
        },
    ] {
        step(state, ptk, &asked.id, input).await?;
    }
    Ok(())
}

async fn closed_for_dewi(state: &AppState, ptk: &Officer, dewi: &str) -> ServiceResult<()> {
    // A signed-in applicant, online: answered and confirmed, so closed.
    let closed = service::submit(
        state,
        &online(
            "pontianak",
            "",
            "",
            "Status permohonan tidak berubah",
            "Sudah tiga hari status permohonan saya masih Diajukan.",
        ),
        Source::Online {
            applicant_id: Some(dewi),
            client: "demo",
        },
    )
    .await?;
    for input in [
        ActionInput {
            action: "classify".into(),
            category: "waktu".into(),
            severity: "ringan".into(),
            ..ActionInput::default()
        },
        ActionInput {
            action: "assign".into(),
            assignee: ptk.id.clone(),
            ..ActionInput::default()
        },
        ActionInput {
            action: "answer".into(),
            note: "Berkas Anda sudah diverifikasi Front Office hari ini dan diteruskan ke Back Office.".into(),
            ..ActionInput::default()
        },
    ] {
        step(state, ptk, &closed.id, input).await?;
    }
    // The profile's e-mail is the contact of a signed-in complainant.
    service::respond(state, &closed.number, DEWI_EMAIL, "demo", true, "").await?;
    Ok(())
}

async fn new_ones(state: &AppState, ptk: &Officer) -> ServiceResult<()> {
    // By phone, recorded at the desk, not yet classified.
    service::submit(
        state,
        &online(
            "pontianak",
            "Ibu Rina",
            "081255550002",
            "Telepon kantor sulit dihubungi",
            "Penelepon menyampaikan nomor telepon kantor tidak pernah diangkat pada jam istirahat.",
        ),
        Source::Officer {
            officer: ptk,
            channel: Channel::Telepon,
        },
    )
    .await?;

    // Online at Jembrana, new.
    service::submit(
        state,
        &online(
            "jembrana",
            "Made Sudarsana",
            "081255550003",
            "Persyaratan di website berbeda dengan di loket",
            "Di website tidak disebut surat keterangan sehat, tetapi di loket diminta.",
        ),
        Source::Online {
            applicant_id: None,
            client: "demo",
        },
    )
    .await?;
    Ok(())
}
