//! Demo data: two offices, an officer for every role in each, and applicants with applications
//! in several states. Loaded on the embedded default's first start, or with `--demo` /
//! `izinkes demo`. Built through the same services a user goes through, so it is valid data.

pub mod complaints;
pub mod pages;
pub mod queries;
pub mod samples;

use crate::accounts;
use crate::accounts::profile::Profile;
use crate::applications;
use crate::applications::submit::SubmitOutcome;
use crate::applications::view::ApplicantData;
use crate::auth::officer::Officer;
use crate::catalog;
use crate::catalog::offices::NewOffice;
use crate::demo;
use crate::desks::actions::CheckItem;
use crate::desks::actions::DeskAction;
use crate::desks::file::RevisionItem;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::state::AppState;
use izinkes_domain::calendar::OfficeTimeZone;
use izinkes_domain::catalog::Answers;
use izinkes_domain::catalog::FieldKind;
use izinkes_domain::catalog::FileFormat;
use izinkes_domain::catalog::PermitType;
use izinkes_domain::roles::Role;

pub const OFFICER_PASSWORD: &str = "demo-izinkes-2026";

pub const APPLICANT_PASSWORD: &str = "pemohon-demo-2026";

struct DemoOffice {
    id: &'static str,
    code: &'static str,
    name: &'static str,
    short: &'static str,
    regency: &'static str,
    address: &'static str,
    phone: &'static str,
    tz: OfficeTimeZone,
}

const OFFICES: [DemoOffice; 2] = [
    DemoOffice {
        id: "pontianak",
        code: "PTK",
        name: "DPMPTSP Kota Pontianak",
        short: "Kota Pontianak",
        regency: "61.71",
        address: "Jl. Letjen Sutoyo No. 1, Pontianak Selatan",
        phone: "(0561) 733000",
        tz: OfficeTimeZone::Wib,
    },
    DemoOffice {
        id: "jembrana",
        code: "JBR",
        name: "DPMPTSPTK Kabupaten Jembrana",
        short: "Kabupaten Jembrana",
        regency: "51.01",
        address: "Jl. Surapati No. 1, Negara, Jembrana",
        phone: "(0365) 41210",
        tz: OfficeTimeZone::Wita,
    },
];

fn officer_email(role: Role, office: &str) -> String {
    format!("{}.{office}@{}", role.code().replace('_', ""), queries::DEMO_DOMAIN)
}

/// (role, email, password) of every demo login, for the login page and the CLI output.
pub fn logins() -> Vec<(String, String, String)> {
    let mut out = vec![(
        "Pemohon".to_string(),
        "putu@contoh.id".to_string(),
        APPLICANT_PASSWORD.to_string(),
    )];
    for o in &OFFICES {
        for role in Role::ALL {
            out.push((
                format!("{} — {}", role.label_id(), o.short),
                officer_email(role, o.id),
                OFFICER_PASSWORD.to_string(),
            ));
        }
    }
    out
}

struct DemoApplicant {
    name: &'static str,
    nik: &'static str,
    email: &'static str,
    phone: &'static str,
    address: &'static str,
    village: &'static str,
    birth_place: &'static str,
    birth_date: &'static str,
    sex: &'static str,
    str_number: &'static str,
    occupation: &'static str,
}

const APPLICANTS: [DemoApplicant; 3] = [
    DemoApplicant {
        name: "Putu Heri Setiawan",
        nik: "5104010903970004",
        email: "putu@contoh.id",
        phone: "087897893492",
        address: "Jl. Denpasar Gilimanuk, Pekutatan",
        village: "51.01.03.2004",
        birth_place: "Denpasar",
        birth_date: "1997-03-09",
        sex: "L",
        str_number: "5121103318134121",
        occupation: "Dokter Spesialis",
    },
    DemoApplicant {
        name: "Dewi Lestari",
        nik: "6171015205900002",
        email: "dewi@contoh.id",
        phone: "081256780001",
        address: "Jl. Gajah Mada No. 12",
        village: "61.71.01.1002",
        birth_place: "Pontianak",
        birth_date: "1990-05-12",
        sex: "P",
        str_number: "6171203318130001",
        occupation: "Bidan",
    },
    DemoApplicant {
        name: "Budi Santoso",
        nik: "6171012308850003",
        email: "budi@contoh.id",
        phone: "+6281345670002",
        address: "Jl. Ahmad Yani No. 5",
        village: "61.71.01.1002",
        birth_place: "Singkawang",
        birth_date: "1985-08-23",
        sex: "L",
        str_number: "6171203318130002",
        occupation: "Apoteker",
    },
];

/// Loads the demo data unless an office already exists. Returns whether it loaded.
/// Whether the database holds the demo data: its officers' passwords are published, so such a
/// database must never serve real use.
pub async fn holds_demo_data(state: &AppState) -> ServiceResult<bool> {
    Ok(queries::demo_officers(&state.db.pool).await? > 0)
}

pub async fn load(state: &AppState) -> ServiceResult<bool> {
    let count = queries::office_count(&state.db.pool).await?;
    if count > 0 {
        return Ok(false);
    }
    create_offices(state).await?;
    configure_offices(state).await?;
    let mut ids = Vec::new();
    for a in &APPLICANTS {
        ids.push(register_applicant(state, a).await?);
    }
    // The sent confirmation mails of the demo accounts are not interesting: mark them sent.
    queries::mark_outbox_sent(&state.db.pool, &now_text()).await?;

    let putu = &ids[0];
    let dewi = &ids[1];
    let budi = &ids[2];
    // The scenarios run in this order: each one's files and history come after the previous.
    putu_applications(state, putu).await?;
    dewi_applications(state, dewi).await?;
    budi_signed_through_sepok(state, budi).await?;
    issued_through_other_presets(state, budi, dewi).await?;
    budi_rejected(state, budi).await?;
    dewi_slhs_awaiting_payment(state, dewi).await?;
    demo::complaints::seed(state, dewi).await?;
    queries::mark_outbox_sent(&state.db.pool, &now_text()).await?;
    Ok(true)
}

/// The demo offices, each with one officer for every role.
async fn create_offices(state: &AppState) -> ServiceResult<()> {
    for o in &OFFICES {
        catalog::offices::create(
            state,
            &NewOffice {
                id: o.id,
                code: o.code,
                name: o.name,
                short_name: o.short,
                regency_code: o.regency,
                address: o.address,
                phone: o.phone,
                email: &format!("layanan@{}.demo.izinkes.id", o.id),
                website: "",
                service_hours: "Senin–Kamis 08.00–15.00, Jumat 08.00–11.00",
                timezone: o.tz,
            },
        )
        .await?;
        for role in Role::ALL {
            accounts::officers::add_officer(
                state,
                o.id,
                &officer_email(role, o.id),
                &officer_name(role, o.short),
                role.label_id(),
                OFFICER_PASSWORD,
                &[role],
            )
            .await?;
        }
    }
    Ok(())
}

/// The offices' catalog choice and workflows.
async fn configure_offices(state: &AppState) -> ServiceResult<()> {
    // One office does not offer every type: the catalog choice is per office.
    catalog::service::set_enabled(state, "jembrana", "SIP-APT-DIST", false).await?;
    // Each office works on the preset of its own SOP: Pontianak SEPOK (seed 001), Jembrana the
    // Cilegon-style 11 steps (seed 002); Pontianak's Perekam Medis follows Bontang (seed 004).
    for (office, preset) in [("pontianak", "sepok"), ("jembrana", "cilegon")] {
        crate::office_admin::settings::save_settings(
            state,
            office,
            &crate::office_admin::settings::OfficeSettings {
                default_preset: preset.into(),
                ..crate::office_admin::settings::OfficeSettings::default()
            },
        )
        .await?;
    }
    let bontang = izinkes_domain::workflow::WorkflowDefinition::preset("bontang").ok_or(ServiceError::NotFound)?;
    crate::desks::workflows::publish(state, "pontianak", "SIK-RMIK", &bontang, None).await?;
    // Pontianak charges retribusi for the SLHS of a rumah makan (the other services are free).
    let (_, catalog) = state.current_catalog().await?;
    let slhs = catalog.get("SLHS-RM").ok_or(ServiceError::NotFound)?;
    let mut standard = izinkes_domain::standard::ServiceStandard::from_catalog(slhs);
    standard.fee_rupiah = 100_000;
    standard.fee_legal_basis = "Perda Kota Pontianak tentang Pajak Daerah dan Retribusi Daerah (contoh demo)".into();
    crate::office_admin::standards::publish(
        state,
        "pontianak",
        crate::office_admin::staff::Actor::Cli,
        "SLHS-RM",
        standard,
    )
    .await?;
    Ok(())
}

/// Dewi: an SLHS for her rumah makan at Pontianak, inspected with laboratory results and through
/// the desks, its SKRD waiting for payment (the cashier's Retribusi page has it).
async fn dewi_slhs_awaiting_payment(state: &AppState, dewi: &str) -> ServiceResult<()> {
    let a = submitted(
        state,
        dewi,
        "pontianak",
        "SLHS-RM",
        "RM Sari Rasa Khatulistiwa",
        "61.71.01.1002",
    )
    .await?;
    walk_to_ready(state, "pontianak", &a, "sepok").await
}

/// Registers a demo applicant (verified, profile filled in, KTP and photo in the library).
/// Returns the applicant's id.
async fn register_applicant(state: &AppState, a: &DemoApplicant) -> ServiceResult<String> {
    let id = accounts::registration::register(
        state,
        &accounts::registration::RegisterInput {
            full_name: a.name.into(),
            identity_type: "KTP".into(),
            identity_number: a.nik.into(),
            phone: a.phone.into(),
            address: a.address.into(),
            village_code: a.village.into(),
            email: a.email.into(),
            password: APPLICANT_PASSWORD.into(),
            password_confirm: APPLICANT_PASSWORD.into(),
            consent: true,
        },
    )
    .await?;
    queries::mark_verified(&state.db.pool, &now_text(), &id).await?;
    let applicant = accounts::profile::load_applicant(state, &id).await?;
    accounts::profile::update_profile(
        state,
        &applicant,
        &Profile {
            birth_place: a.birth_place.into(),
            birth_date: a.birth_date.into(),
            sex: a.sex.into(),
            religion: "Hindu".into(),
            marital_status: "Kawin".into(),
            ktp_street: a.address.into(),
            ktp_village_code: a.village.into(),
            occupation: a.occupation.into(),
            education: "Profesi".into(),
            graduation_year: "2015".into(),
            str_number: a.str_number.into(),
            str_kind: "seumur_hidup".into(),
            ..Profile::default()
        },
    )
    .await?;
    crate::library::service::add(
        state,
        &id,
        "KTP",
        "ktp.pdf",
        &demo::samples::pdf(&format!("KTP {}", a.name)),
    )
    .await?;
    crate::library::service::add(state, &id, "Pas foto 4x6", "pas-foto.png", demo::samples::PNG).await?;
    Ok(id)
}

/// Putu: SIP Dokter Spesialis at Jembrana, submitted (seed 000); a draft SIP Dokter.
async fn putu_applications(state: &AppState, putu: &str) -> ServiceResult<()> {
    submitted(state, putu, "jembrana", "SIP-DRSP", "RSU Negara", "51.01.03.2004").await?;
    draft(
        state,
        putu,
        "jembrana",
        "SIP-DR",
        "Klinik Pratama Pekutatan",
        "51.01.03.2004",
    )
    .await?;
    Ok(())
}

/// Dewi: SIP Bidan at Pontianak in process (complete, at the technical team); a second one
/// returned for revision.
async fn dewi_applications(state: &AppState, dewi: &str) -> ServiceResult<()> {
    let a = submitted(
        state,
        dewi,
        "pontianak",
        "SIP-BDN",
        "RSUD Sultan Syarif Mohamad Alkadrie",
        "61.71.01.1002",
    )
    .await?;
    check_all_and_forward(state, "pontianak", &a).await?;
    let a = submitted(
        state,
        dewi,
        "pontianak",
        "SIP-BDN",
        "Praktik Mandiri Bidan Dewi",
        "61.71.01.1002",
    )
    .await?;
    desk(
        state,
        "pontianak",
        Role::FrontOffice,
        &a,
        DeskAction::ReturnToApplicant {
            items: vec![RevisionItem {
                kind: "document".into(),
                key: "pas_foto".into(),
                label: "Pas Foto Berwarna 4 x 6 cm".into(),
                note: "Pas foto buram; unggah ulang pas foto berwarna 4x6 yang jelas.".into(),
            }],
            note: String::new(),
        },
    )
    .await
}

/// Budi: SIP Apoteker through every desk of SEPOK, signed and rated.
async fn budi_signed_through_sepok(state: &AppState, budi: &str) -> ServiceResult<()> {
    let a = submitted(
        state,
        budi,
        "pontianak",
        "SIP-APT",
        "Apotek Kimia Farma Gajah Mada",
        "61.71.01.1002",
    )
    .await?;
    check_all_and_forward(state, "pontianak", &a).await?;
    technical_team_approves(state, &a).await?;
    desk(
        state,
        "pontianak",
        Role::BackOffice,
        &a,
        DeskAction::PrepareDraft {
            fields: Default::default(),
        },
    )
    .await?;
    desk(
        state,
        "pontianak",
        Role::BackOffice,
        &a,
        DeskAction::Forward { note: String::new() },
    )
    .await?;
    let permit = sign_demo(state, "pontianak", &a).await?;
    answer_skm(
        state,
        &permit,
        ["4", "3", "4", "4", "4", "3", "4", "3", "4"],
        "Cepat dan jelas.",
    )
    .await
}

/// Pontianak's technical team inspects, recommends and forwards a demo file.
async fn technical_team_approves(state: &AppState, a: &str) -> ServiceResult<()> {
    desk(
        state,
        "pontianak",
        Role::TimTeknis,
        a,
        DeskAction::RecordInspection {
            date: "2026-01-05".into(),
            officers: "drg. Sari Wulandari; Andi Pratama, S.KM".into(),
            result: "sesuai".into(),
            file: Some((
                "ba-pemeriksaan.pdf".into(),
                demo::samples::pdf("Berita Acara Pemeriksaan"),
            )),
            lab: Default::default(),
        },
    )
    .await?;
    desk(
        state,
        "pontianak",
        Role::TimTeknis,
        a,
        DeskAction::Recommend {
            approve: true,
            number: "440/123/DINKES/2026".into(),
            note: "Memenuhi syarat.".into(),
        },
    )
    .await?;
    desk(
        state,
        "pontianak",
        Role::TimTeknis,
        a,
        DeskAction::Forward { note: String::new() },
    )
    .await
}

/// Issued through the other two presets: Cilegon at Jembrana, Bontang at Pontianak (the
/// latter then revoked, so every public status can be seen).
async fn issued_through_other_presets(state: &AppState, budi: &str, dewi: &str) -> ServiceResult<()> {
    let a = submitted(
        state,
        budi,
        "jembrana",
        "SIP-APT",
        "Apotek Negara Sehat",
        "51.01.03.2004",
    )
    .await?;
    walk_to_ready(state, "jembrana", &a, "cilegon").await?;
    let permit = sign_demo(state, "jembrana", &a).await?;
    answer_skm(state, &permit, ["3", "3", "3", "4", "3", "3", "4", "2", "3"], "").await?;
    let a = submitted(
        state,
        dewi,
        "pontianak",
        "SIK-RMIK",
        "RS Bhayangkara Pontianak",
        "61.71.01.1002",
    )
    .await?;
    walk_to_ready(state, "pontianak", &a, "bontang").await?;
    let permit = sign_demo(state, "pontianak", &a).await?;
    let kadis = officer_of(state, "pontianak", Role::Kadis).await?;
    crate::permits::archive::revoke(
        state,
        &kadis,
        &permit,
        "Tempat praktik tidak lagi beroperasi sesuai hasil pengawasan Dinas Kesehatan.",
        "503/001/PENCABUTAN/DPMPTSP/2026",
    )
    .await?;
    Ok(())
}

/// Budi: a TTK application, rejected at the front office.
async fn budi_rejected(state: &AppState, budi: &str) -> ServiceResult<()> {
    let a = submitted(
        state,
        budi,
        "pontianak",
        "SIP-TTK",
        "Apotek Sehat Selalu",
        "61.71.01.1002",
    )
    .await?;
    desk(
        state,
        "pontianak",
        Role::FrontOffice,
        &a,
        DeskAction::Reject {
            reason: "Profesi pemohon adalah Apoteker, bukan Tenaga Teknis Kefarmasian. Ajukan SIP Apoteker.".into(),
        },
    )
    .await
}

/// Demo officers' names (one per role and office).
fn officer_name(role: Role, office: &str) -> String {
    let names = match office {
        "Kota Pontianak" => [
            "Rina Marlina",
            "Agus Salim",
            "Hendra Gunawan, S.Sos",
            "Dra. Yuliana",
            "Ir. Tinorma Butar Butar",
            "dr. Fitri Handayani",
            "Budi Hartono",
            "Siti Aisyah",
            "Maria Goreti",
            "Yosef Kurniawan",
        ],
        _ => [
            "Made Wirawan",
            "Ketut Sudarma",
            "I Gede Artha, S.E.",
            "Ni Wayan Sari, S.H.",
            "Drs. I Nyoman Sutama",
            "dr. Luh Putu Dewi",
            "Komang Adi",
            "Kadek Suryani",
            "Putu Eka Yuliani",
            "Gede Pramana",
        ],
    };
    let i = Role::ALL.iter().position(|r| *r == role).unwrap_or(0);
    names[i].to_string()
}

/// A valid answer for each field (the field's example where it has one).
pub fn sample_answers(p: &PermitType) -> Answers {
    let mut a = Answers::new();
    for f in &p.fields {
        let v = match f.kind {
            FieldKind::Number => "1".to_string(),
            FieldKind::Date => "1990-01-01".to_string(),
            FieldKind::Select => f.options.first().cloned().unwrap_or_default(),
            FieldKind::Days => "Senin, Selasa, Rabu".to_string(),
            FieldKind::TimeRange => "08:00-12:00".to_string(),
            FieldKind::Textarea => "Praktik sesuai jadwal.".to_string(),
            FieldKind::Text => f.example.clone().unwrap_or_else(|| "Contoh isian".into()),
        };
        a.insert(f.key.clone(), v);
    }
    a
}

async fn draft(
    state: &AppState,
    applicant_id: &str,
    office: &str,
    code: &str,
    facility: &str,
    village: &str,
) -> ServiceResult<String> {
    let applicant = accounts::profile::load_applicant(state, applicant_id).await?;
    let id = applications::drafts::create_draft(state, &applicant, office, code).await?;
    let (_, catalog) = state.current_catalog().await?;
    let business = catalog
        .get(code)
        .filter(|p| p.holder == izinkes_domain::catalog::Holder::Establishment)
        .map(|p| ApplicantData {
            is_company: true,
            company_name: format!("CV {facility}"),
            company_address: applicant.address.clone(),
            company_npwp: "0123456789012345".into(),
            business_type: p.profession.clone(),
            company_nib: "9120123456789".into(),
            company_owner: applicant.full_name.clone(),
            person_in_charge: applicant.full_name.clone(),
            ..ApplicantData::default()
        })
        .unwrap_or_default();
    let data = ApplicantData {
        name: applicant.full_name.clone(),
        email: applicant.email.clone(),
        phone: applicant.phone.clone(),
        address: applicant.address.clone(),
        village_code: applicant.village_code.clone(),
        facility_name: facility.into(),
        location_village_code: village.into(),
        location_address: applicant.address.clone(),
        ..business
    };
    let e = applications::drafts::save_step1(state, applicant_id, &id, &data).await?;
    if !e.is_empty() {
        return Err(ServiceError::Internal(format!("demo step 1: {e:?}")));
    }
    Ok(id)
}

async fn submitted(
    state: &AppState,
    applicant_id: &str,
    office: &str,
    code: &str,
    facility: &str,
    village: &str,
) -> ServiceResult<String> {
    let id = draft(state, applicant_id, office, code, facility, village).await?;
    let (_, catalog) = state.current_catalog().await?;
    let permit = catalog.get(code).ok_or(ServiceError::NotFound)?;
    let mut answers = sample_answers(permit);
    let holder = accounts::profile::load_applicant(state, applicant_id).await?;
    for f in permit
        .fields
        .iter()
        .filter(|f| f.prefill.as_deref() == Some("full_name"))
    {
        answers.insert(f.key.clone(), holder.full_name.clone());
    }
    if let Some(f) = permit
        .fields
        .iter()
        .find(|f| f.prefill.as_deref() == Some("birth_date"))
    {
        let a = accounts::profile::load_applicant(state, applicant_id).await?;
        answers.insert(f.key.clone(), a.profile.birth_date.clone());
    }
    let e = applications::drafts::save_step2(state, applicant_id, &id, &answers).await?;
    if !e.is_empty() {
        return Err(ServiceError::Internal(format!("demo step 2: {e:?}")));
    }
    let v = applications::view::load_view(state, applicant_id, &id).await?;
    for req in permit.needed_requirements(&v.all_answers()) {
        let (name, bytes) = if req.formats.contains(&FileFormat::Pdf) {
            (format!("{}.pdf", req.key), demo::samples::pdf(&req.label))
        } else if req.formats.contains(&FileFormat::Png) {
            (format!("{}.png", req.key), demo::samples::PNG.to_vec())
        } else {
            (format!("{}.jpg", req.key), demo::samples::jpeg())
        };
        applications::attachments::upload_requirement(state, applicant_id, &id, &req.key, &name, &bytes).await?;
    }
    match applications::submit::submit(state, applicant_id, &id).await? {
        SubmitOutcome::Submitted(_) => Ok(id),
        SubmitOutcome::Problems(p) => Err(ServiceError::Internal(format!("demo submit: {:?}", p.all()))),
    }
}

pub(crate) async fn officer_of(state: &AppState, office: &str, role: Role) -> ServiceResult<Officer> {
    let row = queries::officer_with_role(&state.db.pool, office, role.code()).await?;
    Ok(Officer {
        id: row.id,
        name: row.full_name,
        office_id: office.into(),
        roles: vec![role],
    })
}

/// The head of office signs a demo permit (render + PAdES signature, as in the browser).
async fn sign_demo(state: &AppState, office: &str, app_id: &str) -> ServiceResult<String> {
    let permit = queries::permit_of_application(&state.db.pool, app_id).await?;
    let kadis = officer_of(state, office, Role::Kadis).await?;
    crate::permits::signing::sign_one(state, &kadis, &permit).await?;
    Ok(permit)
}

/// The holder of a demo permit answers the satisfaction survey (so the IKM has data).
async fn answer_skm(state: &AppState, permit_id: &str, scores: [&str; 9], comment: &str) -> ServiceResult<()> {
    let holder = queries::permit_holder(&state.db.pool, permit_id).await?;
    let answers = izinkes_domain::skm::UNSUR
        .iter()
        .zip(scores)
        .map(|(u, v)| (u.key.to_string(), v.to_string()))
        .collect();
    crate::survey::service::submit(state, &holder, permit_id, &answers, comment).await
}

/// Walks a file through every desk of a preset: what each step must produce, then forward.
async fn walk_to_ready(state: &AppState, office: &str, app_id: &str, preset: &str) -> ServiceResult<()> {
    use izinkes_domain::workflow::Product;
    let def = izinkes_domain::workflow::WorkflowDefinition::preset(preset).ok_or(ServiceError::NotFound)?;
    for step in &def.steps {
        let role = Role::parse(&step.role).ok_or(ServiceError::NotFound)?;
        for p in &step.produces {
            let action = match p {
                Product::Checklist => {
                    let keys = queries::requirement_keys(&state.db.pool, app_id).await?;
                    DeskAction::Checklist {
                        items: keys
                            .into_iter()
                            .map(|key| CheckItem {
                                key,
                                ok: true,
                                note: String::new(),
                            })
                            .collect(),
                    }
                }
                Product::BeritaAcara => DeskAction::RecordInspection {
                    date: "2026-01-05".into(),
                    officers: "Tim Teknis Dinas Kesehatan".into(),
                    result: "sesuai".into(),
                    file: Some((
                        "ba-pemeriksaan.pdf".into(),
                        demo::samples::pdf("Berita Acara Pemeriksaan"),
                    )),
                    lab: crate::desks::actions::LabResult {
                        laboratory: "UPT Laboratorium Kesehatan Daerah".into(),
                        report_number: "LAB/2026/0105".into(),
                        result: "memenuhi".into(),
                    },
                },
                Product::Recommendation => DeskAction::Recommend {
                    approve: true,
                    number: "440/88/DINKES/2026".into(),
                    note: "Memenuhi syarat.".into(),
                },
                Product::DraftSk => DeskAction::PrepareDraft {
                    fields: Default::default(),
                },
                Product::Paraf => DeskAction::Paraf { note: String::new() },
                Product::Approval => DeskAction::Approve { note: String::new() },
            };
            desk(state, office, role, app_id, action).await?;
        }
        desk(state, office, role, app_id, DeskAction::Forward { note: String::new() }).await?;
    }
    Ok(())
}

/// Acts on a demo application as the office's officer of that role would, through the desk.
async fn desk(state: &AppState, office: &str, role: Role, app_id: &str, action: DeskAction) -> ServiceResult<()> {
    let row = queries::officer_with_role(&state.db.pool, office, role.code()).await?;
    let officer = Officer {
        id: row.id,
        name: row.full_name,
        office_id: office.into(),
        roles: vec![role],
    };
    let lock = queries::lock_version(&state.db.pool, app_id).await?;
    crate::desks::actions::act(state, &officer, app_id, lock, &crate::platform::ids::new_id(), action)
        .await
        .map(|_| ())
}

/// The front office finds every document in order and forwards the file.
async fn check_all_and_forward(state: &AppState, office: &str, app_id: &str) -> ServiceResult<()> {
    let keys = queries::requirement_keys(&state.db.pool, app_id).await?;
    let items = keys
        .into_iter()
        .map(|key| CheckItem {
            key,
            ok: true,
            note: String::new(),
        })
        .collect();
    desk(
        state,
        office,
        Role::FrontOffice,
        app_id,
        DeskAction::Checklist { items },
    )
    .await?;
    desk(
        state,
        office,
        Role::FrontOffice,
        app_id,
        DeskAction::Forward { note: String::new() },
    )
    .await
}
