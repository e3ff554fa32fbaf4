//! Pages of issued permits: the head of office's signing desk (one or a batch), the office's
//! archive with revocation and the print and handover register, and the applicant's Izin Saya
//! with download, renewal and change.

use crate::auth::officer::Officer;
use crate::permits;
use crate::permits::archive::PermitRow;
use crate::platform::error::ServiceError;
use crate::state::AppState;
use crate::web::error::WebError;
use crate::web::extract::ApplicantUser;
use crate::web::extract::OfficerUser;
use crate::web::extract::officer_of;
use crate::web::form::FormBody;
use crate::web::view::AreaPicker;
use crate::web::view::FormState;
use crate::web::view::PageCtx;
use crate::web::view::PageResult;
use crate::web::view::page;
use crate::web::view::page_with_status;
use crate::web::view::see_other;
use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;
use izinkes_domain::format_id::iso_date_id;
use izinkes_domain::roles::Role;
use std::collections::HashMap;

pub(crate) use crate::permits::archive::permit_name;

async fn sign_page(
    state: &AppState,
    o: &OfficerUser,
    officer: &Officer,
    form: FormState,
    notice: String,
    results: Vec<(String, bool, String)>,
) -> Result<SignListPage, WebError> {
    let mut rows = Vec::new();
    for p in permits::archive::awaiting_signature(state, &officer.office_id).await? {
        let name = permit_name(state, &p).await;
        let unpaid = permits::retribution::unpaid_refusal(state, &p.application_id)
            .await?
            .unwrap_or_default();
        rows.push(SignRow {
            id: p.id,
            number: p.number,
            holder: p.holder_name,
            permit: name,
            place: p.practice_place,
            application_id: p.application_id,
            unpaid,
        });
    }
    let office = crate::catalog::offices::get(state, &officer.office_id).await?;
    let bsre = permits::documents::office_docs(state, &office).await?.signer_kind == "bsre";
    Ok(SignListPage {
        ctx: o.visitor.ctx(state, "Penandatanganan Izin", "tandatangan"),
        rows,
        form,
        notice,
        results,
        bsre,
    })
}

pub(crate) async fn sign_list(State(state): State<AppState>, o: OfficerUser) -> PageResult {
    let officer = officer_of(&o)?;
    if !officer.has(Role::Kadis) {
        return Err(WebError::Forbidden);
    }
    Ok(page(
        &sign_page(&state, &o, &officer, FormState::default(), String::new(), Vec::new()).await?,
    ))
}

pub(crate) async fn sign(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = officer_of(&o)?;
    let f = FormBody::parse(&body);
    let ids = f.all("permit");
    let bsre = (!f.get("nik").is_empty()).then(|| permits::signing::BsreCredentials {
        nik: f.get("nik"),
        passphrase: f.get("passphrase"),
    });
    match permits::signing::sign_batch(&state, &officer, &ids, &f.get("totp"), bsre.as_ref()).await {
        Ok(outcomes) => {
            let ok = outcomes.iter().filter(|x| x.result.is_ok()).count();
            let results = outcomes
                .into_iter()
                .map(|x| (x.number, x.result.is_ok(), x.result.err().unwrap_or_default()))
                .collect();
            let notice = format!("{ok} izin ditandatangani.");
            Ok(page(
                &sign_page(&state, &o, &officer, FormState::default(), notice, results).await?,
            ))
        }
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &sign_page(
                &state,
                &o,
                &officer,
                FormState::new(HashMap::new(), errors),
                String::new(),
                Vec::new(),
            )
            .await?,
        )),
        Err(ServiceError::Refused(m)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &sign_page(&state, &o, &officer, FormState::default(), m, Vec::new()).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    info: String,
}

pub(crate) async fn archive(State(state): State<AppState>, o: OfficerUser, Query(q): Query<SearchQuery>) -> PageResult {
    let officer = officer_of(&o)?;
    let office = crate::catalog::offices::get(&state, &officer.office_id).await?;
    let today = crate::catalog::offices::today(&office);
    let rows = permits::archive::search(&state, &officer.office_id, &q.q)
        .await?
        .into_iter()
        .map(|p| {
            let status = p.public_status(today).to_string();
            (
                p.id,
                p.number,
                p.holder_name,
                p.practice_place,
                p.valid_until.as_deref().map(iso_date_id).unwrap_or_default(),
                status,
            )
        })
        .collect();
    Ok(page(&PermitsOfficePage {
        ctx: o.visitor.ctx(&state, "Arsip Izin", "arsip"),
        q: q.q,
        rows,
    }))
}

async fn office_permit_page(state: &AppState, o: &OfficerUser, id: &str, form: FormState, notice: &str) -> PageResult {
    let officer = officer_of(o)?;
    let p = permits::archive::by_id(state, id).await?;
    if p.office_id != officer.office_id {
        return Err(WebError::NotFound);
    }
    let office = crate::catalog::offices::get(state, &p.office_id).await?;
    let status = p.public_status(crate::catalog::offices::today(&office)).to_string();
    let status_code = if form.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page_with_status(
        status_code,
        &PermitOfficePage {
            ctx: o.visitor.ctx(state, &p.number, "arsip"),
            status,
            issued: p.issued_on.as_deref().map(iso_date_id).unwrap_or_default(),
            until: p.valid_until.as_deref().map(iso_date_id).unwrap_or_default(),
            signer: p.signer_name.clone().unwrap_or_default(),
            prints: permits::archive::prints(state, &p.id, office.tz()).await?,
            revoked_on: p
                .revoked_at
                .as_deref()
                .map(|at| izinkes_domain::format_id::timestamp_in(at, office.tz()))
                .unwrap_or_default(),
            can_revoke: officer.has(Role::Kadis) || officer.has(Role::Admin),
            form,
            notice: notice.into(),
            p,
        },
    ))
}

pub(crate) async fn office_permit(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    Query(q): Query<SearchQuery>,
) -> PageResult {
    let notice = match q.info.as_str() {
        "cabut" => "Izin dicabut; halaman verifikasi publik sudah menunjukkan Dicabut.",
        "cetak" => "Pencetakan dicatat.",
        "serah" => "Serah terima dicatat.",
        _ => "",
    };
    office_permit_page(&state, &o, &id, FormState::default(), notice).await
}

fn pdf_response(p: &PermitRow, bytes: Vec<u8>) -> Response {
    // A revoked permit's copy is the signed document as issued; its name says it is void.
    let void = if p.status == "revoked" { "-DICABUT" } else { "" };
    let name = format!("{}{void}.pdf", p.number.replace(['/', ' '], "-"));
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

pub(crate) async fn office_pdf(State(state): State<AppState>, o: OfficerUser, Path(id): Path<String>) -> PageResult {
    let subject = o.visitor.subject.clone().ok_or(WebError::Forbidden)?;
    let (p, bytes) = permits::archive::pdf_for(&state, &subject, &id).await?;
    Ok(pdf_response(&p, bytes))
}

pub(crate) async fn revoke(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let officer = officer_of(&o)?;
    let f = FormBody::parse(&body);
    match permits::archive::revoke(&state, &officer, &id, &f.get("reason"), &f.get("decree")).await {
        Ok(()) => Ok(see_other(&format!("/petugas/izin/{id}?info=cabut"))),
        Err(ServiceError::Invalid(errors)) => {
            office_permit_page(&state, &o, &id, FormState::new(f.map(), errors), "").await
        }
        Err(ServiceError::Refused(m)) => office_permit_page(&state, &o, &id, FormState::default(), &m).await,
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn print(State(state): State<AppState>, o: OfficerUser, Path(id): Path<String>) -> PageResult {
    let officer = officer_of(&o)?;
    permits::archive::record_print(&state, &officer, &id).await?;
    Ok(see_other(&format!("/petugas/izin/{id}?info=cetak")))
}

pub(crate) async fn handover(
    State(state): State<AppState>,
    o: OfficerUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let officer = officer_of(&o)?;
    let f = FormBody::parse(&body);
    match permits::archive::record_handover(&state, &officer, &id, &f.get("received_by")).await {
        Ok(()) => Ok(see_other(&format!("/petugas/izin/{id}?info=serah"))),
        Err(ServiceError::Invalid(errors)) => {
            office_permit_page(&state, &o, &id, FormState::new(f.map(), errors), "").await
        }
        Err(ServiceError::Refused(m)) => office_permit_page(&state, &o, &id, FormState::default(), &m).await,
        Err(e) => Err(e.into()),
    }
}

/// The filters of Izin Saya (seed 003, Cetak Dokumen): permit type, status, year of issue and
/// part of the number; empty means any.
#[derive(serde::Deserialize, Default)]
pub(crate) struct MineQuery {
    #[serde(default)]
    info: String,
    #[serde(default)]
    jenis: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    tahun: String,
    #[serde(default)]
    nomor: String,
}

impl MineQuery {
    fn keeps(&self, p: &PermitRow, status_code: &str) -> bool {
        let nomor = self.nomor.trim().to_lowercase();
        (self.jenis.is_empty() || p.permit_code == self.jenis)
            && (self.status.is_empty() || status_code == self.status)
            && (self.tahun.is_empty() || p.issued_on.as_deref().is_some_and(|d| d.starts_with(&self.tahun)))
            && (nomor.is_empty() || p.number.to_lowercase().contains(&nomor))
    }

    fn is_filtered(&self) -> bool {
        !(self.jenis.is_empty() && self.status.is_empty() && self.tahun.is_empty() && self.nomor.trim().is_empty())
    }
}

pub(crate) async fn mine(State(state): State<AppState>, user: ApplicantUser, Query(q): Query<MineQuery>) -> PageResult {
    let mut active = Vec::new();
    let mut expired = Vec::new();
    let mut letters = Vec::new();
    let all = permits::archive::for_applicant(&state, &user.id).await?;
    let mut types: Vec<(String, String)> = Vec::new();
    let mut years: Vec<String> = Vec::new();
    for p in &all {
        let name = permit_name(&state, p).await;
        if !types.iter().any(|(code, _)| code == &p.permit_code) {
            types.push((p.permit_code.clone(), name));
        }
        if let Some(year) = p.issued_on.as_deref().and_then(|d| d.get(..4))
            && !years.iter().any(|y| y == year)
        {
            years.push(year.to_owned());
        }
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    let total = all.len();
    for p in all {
        let office = crate::catalog::offices::get(&state, &p.office_id).await?;
        let today = crate::catalog::offices::today(&office);
        let opens = permits::changes::renewal_opens(&state, &p).await?;
        let cancellation = match p.public_status(today) {
            "Aktif" if p.cancels_permit.is_none() => {
                permits::cancellation::types_for(&state, &p.office_id, &p.permit_code)
                    .await?
                    .into_iter()
                    .next()
                    .map(|t| t.name)
                    .unwrap_or_default()
            }
            _ => String::new(),
        };
        let cancels_number = match &p.cancels_permit {
            Some(target) => permits::archive::by_id(&state, target)
                .await
                .map(|t| t.number)
                .unwrap_or_default(),
            None => String::new(),
        };
        let open_request = match p.public_status(today) {
            "Aktif" => permits::changes::open_request(&state, &p.id).await?.unwrap_or_default(),
            _ => String::new(),
        };
        let card = HeldPermit {
            open_request,
            cancellation,
            cancels_number,
            renew_from: opens
                .filter(|d| *d > today)
                .map(izinkes_domain::format_id::date_id)
                .unwrap_or_default(),
            name: permit_name(&state, &p).await,
            place: p.practice_place.clone(),
            survey_done: crate::survey::service::done(&state, &p.application_id).await?,
            info: permits::archive::PermitInfo::of(&p, today, office.tz()),
        };
        if !q.keeps(&p, &card.info.status_code) {
            continue;
        }
        if !card.cancels_number.is_empty() {
            letters.push(card)
        } else if card.info.status_code == "active" {
            active.push(card)
        } else {
            expired.push(card)
        }
    }
    let notice = match q.info.as_str() {
        "skm" => "Terima kasih, jawaban survei Anda sudah kami terima.",
        _ => "",
    };
    Ok(page(&PermitsApplicantPage {
        ctx: user.ctx(&state, "Izin Saya", "izin"),
        shown: active.len() + expired.len() + letters.len(),
        total,
        filtered: q.is_filtered(),
        active,
        expired,
        letters,
        notice: notice.into(),
        types,
        years,
        jenis: q.jenis,
        status: q.status,
        tahun: q.tahun,
        nomor: q.nomor,
    }))
}

pub(crate) async fn download(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let subject = user.visitor.subject.clone().ok_or(WebError::Forbidden)?;
    let (p, bytes) = permits::archive::pdf_for(&state, &subject, &id).await?;
    // The office may make the download wait for the satisfaction survey (Bontang); off by default.
    if crate::survey::service::skm_gate(&state, &p.office_id).await?
        && !crate::survey::service::skm_done(&state, &p.application_id).await?
    {
        return Ok(see_other(&format!("/izin/{id}/survei?unduh=1")));
    }
    Ok(pdf_response(&p, bytes))
}

/// Ajukan pencabutan: starts (or reopens) the cancellation of an active permit; the applicant
/// continues at Tahap 2 (Tahap 1 is the permit's own data).
pub(crate) async fn cancel(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let new_id = permits::cancellation::start(&state, &user.id, &id).await?;
    Ok(see_other(&format!("/permohonan/{new_id}/tahap-2")))
}

pub(crate) async fn renew(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let new_id = permits::changes::renew(&state, &user.id, &id).await?;
    Ok(see_other(&format!("/permohonan/{new_id}/tahap-1")))
}

async fn change_view(
    state: &AppState,
    user: &ApplicantUser,
    p: &PermitRow,
    v: &crate::applications::view::ApplicationView,
    form: FormState,
) -> PermitChangePage {
    let fields = v
        .permit()
        .map(|t| permits::changes::schedule_fields(t).into_iter().cloned().collect())
        .unwrap_or_default();
    PermitChangePage {
        ctx: user.ctx(state, "Perubahan data izin", "izin"),
        permit_id: p.id.clone(),
        number: p.number.clone(),
        permit_name: permit_name(state, p).await,
        valid_until: p.valid_until.as_deref().map(iso_date_id).unwrap_or_default(),
        location: AreaPicker::from_form("location_village_code", "Wilayah tempat praktik", &form),
        form,
        fields,
        days: izinkes_domain::catalog::DAYS.to_vec(),
    }
}

pub(crate) async fn change_page(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
) -> PageResult {
    let (p, v) = permits::changes::changeable(&state, &user.id, &id).await?;
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("facility_name".into(), v.app.data.facility_name.clone());
    values.insert("location_address".into(), v.app.data.location_address.clone());
    values.insert("location_village_code".into(), v.app.data.location_village_code.clone());
    if let Some(t) = v.permit() {
        for f in permits::changes::schedule_fields(t) {
            if let Some(a) = v.app.answers.get(&f.key) {
                values.insert(f.key.clone(), a.clone());
            }
        }
    }
    let form = FormState::new(values, Default::default());
    Ok(page(&change_view(&state, &user, &p, &v, form).await))
}

pub(crate) async fn change_post(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (p, v) = permits::changes::changeable(&state, &user.id, &id).await?;
    let f = FormBody::parse(&body);
    let mut values = f.map();
    let mut schedule = izinkes_domain::catalog::Answers::new();
    if let Some(t) = v.permit() {
        for field in permits::changes::schedule_fields(t) {
            let value = match field.kind {
                izinkes_domain::catalog::FieldKind::Days => f.all(&field.key).join(", "),
                _ => {
                    let (from, to) = (
                        f.get(&format!("{}__from", field.key)),
                        f.get(&format!("{}__to", field.key)),
                    );
                    if from.is_empty() && to.is_empty() {
                        String::new()
                    } else {
                        format!("{from}-{to}")
                    }
                }
            };
            values.insert(field.key.clone(), value.clone());
            schedule.insert(field.key.clone(), value);
        }
    }
    if f.has("_pilih_wilayah") {
        let form = FormState::new(values, Default::default());
        return Ok(page(&change_view(&state, &user, &p, &v, form).await));
    }
    let input = permits::changes::ChangeInput {
        facility_name: f.get("facility_name"),
        location_address: f.get("location_address"),
        location_village_code: f.get("location_village_code"),
        schedule,
        reason: f.get("reason"),
    };
    match permits::changes::start_change(&state, &user.id, &id, &input).await {
        Ok(new_id) => Ok(see_other(&format!("/permohonan/{new_id}"))),
        Err(ServiceError::Invalid(errors)) => {
            let form = FormState::new(values, errors);
            Ok(page_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &change_view(&state, &user, &p, &v, form).await,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// One permit on the signing page.
pub struct SignRow {
    pub id: String,
    pub number: String,
    pub holder: String,
    pub permit: String,
    pub place: String,
    pub application_id: String,
    /// Why it cannot be signed yet (its SKRD is unpaid); "" when it can.
    pub unpaid: String,
}

#[derive(Template)]
#[template(path = "permits/sign_list.html")]
pub struct SignListPage {
    pub ctx: PageCtx,
    pub rows: Vec<SignRow>,
    pub form: FormState,
    pub notice: String,
    /// (number, ok, message)
    pub results: Vec<(String, bool, String)>,
    /// The office signs through BSrE: NIK and passphrase are asked (never stored).
    pub bsre: bool,
}

#[derive(Template)]
#[template(path = "permits/permits_office.html")]
pub struct PermitsOfficePage {
    pub ctx: PageCtx,
    pub q: String,
    /// (id, number, holder, place, valid until, status)
    pub rows: Vec<(String, String, String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "permits/permit_office.html")]
pub struct PermitOfficePage {
    pub ctx: PageCtx,
    pub p: crate::permits::archive::PermitRow,
    pub status: String,
    pub issued: String,
    pub until: String,
    pub signer: String,
    pub prints: Vec<crate::permits::archive::PrintRecord>,
    /// When it was revoked, in the office's zone; empty if it was not.
    pub revoked_on: String,
    pub can_revoke: bool,
    pub form: FormState,
    pub notice: String,
}

#[derive(Template)]
#[template(path = "permits/permits_applicant.html")]
pub struct PermitsApplicantPage {
    pub ctx: PageCtx,
    pub active: Vec<HeldPermit>,
    /// Expired, revoked and replaced.
    pub expired: Vec<HeldPermit>,
    /// Surat Keputusan Pencabutan issued at the holder's request.
    pub letters: Vec<HeldPermit>,
    pub notice: String,
    /// The filter form: the holder's permit types (code, name) and years of issue, and what is
    /// chosen.
    pub types: Vec<(String, String)>,
    pub years: Vec<String>,
    pub jenis: String,
    pub status: String,
    pub tahun: String,
    pub nomor: String,
    pub filtered: bool,
    pub shown: usize,
    pub total: usize,
}

/// One permit on Izin Saya.
pub struct HeldPermit {
    /// When renewal opens, if not yet (`17 Desember 2030`); empty once it may be asked.
    pub renew_from: String,
    /// The registration number of a filed change, renewal or cancellation of this permit still
    /// being worked on ("" when none): no second request is offered meanwhile.
    pub open_request: String,
    /// The cancellation type the office offers for this active permit ("" when none).
    pub cancellation: String,
    /// For a Surat Keputusan Pencabutan: the number of the permit it revoked.
    pub cancels_number: String,
    pub name: String,
    pub place: String,
    pub survey_done: bool,
    pub info: permits::archive::PermitInfo,
}

/// Perubahan data of an active permit: the practice place, its address and the schedule.
#[derive(Template)]
#[template(path = "permits/permit_change.html")]
pub struct PermitChangePage {
    pub ctx: PageCtx,
    pub permit_id: String,
    pub number: String,
    pub permit_name: String,
    pub valid_until: String,
    pub form: FormState,
    pub location: AreaPicker,
    pub fields: Vec<izinkes_domain::catalog::FormField>,
    pub days: Vec<&'static str>,
}

impl PermitChangePage {
    pub fn time_part(&self, key: &str, idx: usize) -> String {
        time_part(&self.form, key, idx)
    }
}

/// One end of a time range answer ("08:00-12:00") for a `<input type="time">`.
pub fn time_part(form: &FormState, key: &str, idx: usize) -> String {
    form.v(key)
        .replace("s/d", "-")
        .split('-')
        .nth(idx)
        .map(|s| {
            s.trim()
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == ':' || *c == '.')
                .collect::<String>()
                .replace('.', ":")
        })
        .unwrap_or_default()
}
