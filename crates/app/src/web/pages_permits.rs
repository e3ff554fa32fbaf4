//! Pages of issued permits: the head of office's signing desk (one or a batch), the office's
//! archive with revocation and the print and handover register, the applicant's Izin Saya with
//! download and renewal, and the public verification page behind the QR code.

use super::ctx::{ApplicantUser, OfficerUser, Visitor};
use super::error::WebError;
use super::fmt::iso_date_id;
use super::pages::{FormBody, PageResult, page, page_with_status, read_file_field};
use super::templates::*;
use crate::desks::Officer;
use crate::error::ServiceError;
use crate::permits::{self, PermitRow};
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/petugas/tandatangan", get(sign_list).post(sign))
        .route("/petugas/izin", get(archive))
        .route("/petugas/izin/{id}", get(office_permit))
        .route("/petugas/izin/{id}/pdf", get(office_pdf))
        .route("/petugas/izin/{id}/cabut", post(revoke))
        .route("/petugas/izin/{id}/cetak", post(print))
        .route("/petugas/izin/{id}/serahkan", post(handover))
        .route("/izin", get(mine))
        .route("/izin/{id}/unduh", get(download))
        .route("/izin/{id}/perpanjang", post(renew))
        .route("/izin/{id}/ubah", get(change_page).post(change_post))
        .route("/izin/{id}/survei", get(survey_page).post(survey_post))
        .route("/permohonan/{id}/bukti.pdf", get(receipt_pdf))
        .route("/petugas/berkas/{id}/dokumen/{which}", get(desk_pdf))
        .route("/v/{token}", get(verify))
        .route("/v/{token}/periksa", post(verify_upload))
}

fn officer_of(o: &OfficerUser) -> Result<Officer, WebError> {
    let s = o.visitor.subject.as_ref().ok_or(WebError::OfficerLoginRequired)?;
    Ok(Officer::from_subject(s)?)
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

async fn permit_name(state: &AppState, p: &PermitRow) -> String {
    match state.current_catalog().await {
        Ok((_, c)) => c
            .get(&p.permit_code)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| p.permit_code.clone()),
        Err(_) => p.permit_code.clone(),
    }
}

async fn sign_page(
    state: &AppState,
    o: &OfficerUser,
    officer: &Officer,
    form: FormState,
    notice: String,
    results: Vec<(String, bool, String)>,
) -> Result<SignListPage, WebError> {
    let mut rows = Vec::new();
    for p in permits::awaiting_signature(state, &officer.office_id).await? {
        let name = permit_name(state, &p).await;
        rows.push((p.id, p.number, p.holder_name, name, p.practice_place, p.application_id));
    }
    let office = crate::offices::get(state, &officer.office_id).await?;
    let bsre = permits::office_docs(state, &office).await?.signer_kind == "bsre";
    Ok(SignListPage {
        ctx: o.visitor.ctx(state, "Penandatanganan Izin", "tandatangan"),
        rows,
        form,
        notice,
        results,
        bsre,
    })
}

async fn sign_list(State(state): State<AppState>, o: OfficerUser) -> PageResult {
    let officer = officer_of(&o)?;
    if !officer.has("kadis") {
        return Err(WebError::Forbidden);
    }
    Ok(page(
        &sign_page(&state, &o, &officer, FormState::default(), String::new(), Vec::new()).await?,
    ))
}

async fn sign(State(state): State<AppState>, o: OfficerUser, body: Bytes) -> PageResult {
    let officer = officer_of(&o)?;
    let f = FormBody::parse(&body);
    let ids = f.all("permit");
    let bsre = (!f.get("nik").is_empty()).then(|| permits::BsreCredentials {
        nik: f.get("nik"),
        passphrase: f.get("passphrase"),
    });
    match permits::sign_batch(&state, &officer, &ids, &f.get("totp"), bsre.as_ref()).await {
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
struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    info: String,
}

async fn archive(State(state): State<AppState>, o: OfficerUser, Query(q): Query<SearchQuery>) -> PageResult {
    let officer = officer_of(&o)?;
    let office = crate::offices::get(&state, &officer.office_id).await?;
    let today = crate::calendar::today(&office);
    let rows = permits::search(&state, &officer.office_id, &q.q)
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
    let p = permits::by_id(state, id).await?;
    if p.office_id != officer.office_id {
        return Err(WebError::NotFound);
    }
    let office = crate::offices::get(state, &p.office_id).await?;
    let status = p.public_status(crate::calendar::today(&office)).to_string();
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
            prints: permits::prints(state, &p.id).await?,
            can_revoke: officer.has("kadis") || officer.has("admin"),
            form,
            notice: notice.into(),
            p,
        },
    ))
}

async fn office_permit(
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
    let name = format!("{}.pdf", p.number.replace(['/', ' '], "-"));
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

async fn office_pdf(State(state): State<AppState>, o: OfficerUser, Path(id): Path<String>) -> PageResult {
    let subject = o.visitor.subject.clone().ok_or(WebError::Forbidden)?;
    let (p, bytes) = permits::pdf_for(&state, &subject, &id).await?;
    Ok(pdf_response(&p, bytes))
}

async fn revoke(State(state): State<AppState>, o: OfficerUser, Path(id): Path<String>, body: Bytes) -> PageResult {
    let officer = officer_of(&o)?;
    let f = FormBody::parse(&body);
    match permits::revoke(&state, &officer, &id, &f.get("reason"), &f.get("decree")).await {
        Ok(()) => Ok(see_other(&format!("/petugas/izin/{id}?info=cabut"))),
        Err(ServiceError::Invalid(errors)) => {
            office_permit_page(&state, &o, &id, FormState::new(f.map(), errors), "").await
        }
        Err(ServiceError::Refused(m)) => office_permit_page(&state, &o, &id, FormState::default(), &m).await,
        Err(e) => Err(e.into()),
    }
}

async fn print(State(state): State<AppState>, o: OfficerUser, Path(id): Path<String>) -> PageResult {
    let officer = officer_of(&o)?;
    permits::record_print(&state, &officer, &id).await?;
    Ok(see_other(&format!("/petugas/izin/{id}?info=cetak")))
}

async fn handover(State(state): State<AppState>, o: OfficerUser, Path(id): Path<String>, body: Bytes) -> PageResult {
    let officer = officer_of(&o)?;
    let f = FormBody::parse(&body);
    match permits::record_handover(&state, &officer, &id, &f.get("received_by")).await {
        Ok(()) => Ok(see_other(&format!("/petugas/izin/{id}?info=serah"))),
        Err(ServiceError::Invalid(errors)) => {
            office_permit_page(&state, &o, &id, FormState::new(f.map(), errors), "").await
        }
        Err(ServiceError::Refused(m)) => office_permit_page(&state, &o, &id, FormState::default(), &m).await,
        Err(e) => Err(e.into()),
    }
}

async fn mine(State(state): State<AppState>, user: ApplicantUser, Query(q): Query<SearchQuery>) -> PageResult {
    let mut active = Vec::new();
    let mut expired = Vec::new();
    for p in permits::for_applicant(&state, &user.id).await? {
        let office = crate::offices::get(&state, &p.office_id).await?;
        let status = p.public_status(crate::calendar::today(&office)).to_string();
        let row = (
            p.id.clone(),
            format!("{} — {}", permit_name(&state, &p).await, p.number),
            p.practice_place.clone(),
            status.clone(),
            p.valid_until.as_deref().map(iso_date_id).unwrap_or_default(),
            p.token.clone(),
            crate::skm::done(&state, &p.application_id).await?,
        );
        if status == "Aktif" {
            active.push(row)
        } else {
            expired.push(row)
        }
    }
    let notice = match q.info.as_str() {
        "skm" => "Terima kasih, jawaban survei Anda sudah kami terima.",
        _ => "",
    };
    Ok(page(&PermitsApplicantPage {
        ctx: user.ctx(&state, "Izin Saya", "izin"),
        active,
        expired,
        notice: notice.into(),
    }))
}

async fn download(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let subject = user.visitor.subject.clone().ok_or(WebError::Forbidden)?;
    let (p, bytes) = permits::pdf_for(&state, &subject, &id).await?;
    // The office may make the download wait for the satisfaction survey (Bontang); off by default.
    if crate::calendar::skm_gate(&state, &p.office_id).await?
        && !crate::calendar::skm_done(&state, &p.application_id).await?
    {
        return Ok(see_other(&format!("/izin/{id}/survei?unduh=1")));
    }
    Ok(pdf_response(&p, bytes))
}

async fn renew(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let new_id = permits::renew(&state, &user.id, &id).await?;
    Ok(see_other(&format!("/permohonan/{new_id}/tahap-1")))
}

async fn change_view(
    state: &AppState,
    user: &ApplicantUser,
    p: &PermitRow,
    v: &crate::applications::ApplicationView,
    form: FormState,
) -> PermitChangePage {
    let fields = v
        .permit()
        .map(|t| permits::schedule_fields(t).into_iter().cloned().collect())
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

async fn change_page(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let (p, v) = permits::changeable(&state, &user.id, &id).await?;
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("facility_name".into(), v.app.data.facility_name.clone());
    values.insert("location_address".into(), v.app.data.location_address.clone());
    values.insert("location_village_code".into(), v.app.data.location_village_code.clone());
    if let Some(t) = v.permit() {
        for f in permits::schedule_fields(t) {
            if let Some(a) = v.app.answers.get(&f.key) {
                values.insert(f.key.clone(), a.clone());
            }
        }
    }
    let form = FormState::new(values, Default::default());
    Ok(page(&change_view(&state, &user, &p, &v, form).await))
}

async fn change_post(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let (p, v) = permits::changeable(&state, &user.id, &id).await?;
    let f = FormBody::parse(&body);
    let mut values = f.map();
    let mut schedule = izinkes_domain::catalog::Answers::new();
    if let Some(t) = v.permit() {
        for field in permits::schedule_fields(t) {
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
    let input = permits::ChangeInput {
        facility_name: f.get("facility_name"),
        location_address: f.get("location_address"),
        location_village_code: f.get("location_village_code"),
        schedule,
        reason: f.get("reason"),
    };
    match permits::start_change(&state, &user.id, &id, &input).await {
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

#[derive(serde::Deserialize, Default)]
struct SurveyQuery {
    #[serde(default)]
    unduh: String,
}

async fn survey_view(
    state: &AppState,
    user: &ApplicantUser,
    p: &PermitRow,
    form: FormState,
    then_download: bool,
) -> SkmPage {
    SkmPage {
        ctx: user.ctx(state, "Survei Kepuasan Masyarakat", "izin"),
        permit_id: p.id.clone(),
        permit_title: format!("{} — {}", permit_name(state, p).await, p.number),
        questions: izinkes_domain::skm::UNSUR
            .iter()
            .map(|u| SkmQuestion {
                key: u.key,
                name: u.name,
                question: u.question,
                answers: u
                    .answers
                    .iter()
                    .enumerate()
                    .map(|(i, w)| ((i + 1).to_string(), *w))
                    .collect(),
            })
            .collect(),
        form,
        then_download,
    }
}

/// The holder's own permit (anything else is "not found").
async fn own_permit(state: &AppState, user: &ApplicantUser, id: &str) -> Result<PermitRow, WebError> {
    let p = permits::owned_by(state, &user.id, id).await?;
    if p.status == "awaiting_signature" {
        return Err(WebError::NotFound);
    }
    Ok(p)
}

async fn survey_page(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    Query(q): Query<SurveyQuery>,
) -> PageResult {
    let p = own_permit(&state, &user, &id).await?;
    if crate::skm::done(&state, &p.application_id).await? {
        return Ok(see_other("/izin?info=skm"));
    }
    Ok(page(
        &survey_view(&state, &user, &p, FormState::default(), q.unduh == "1").await,
    ))
}

async fn survey_post(
    State(state): State<AppState>,
    user: ApplicantUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let p = own_permit(&state, &user, &id).await?;
    let f = FormBody::parse(&body);
    let answers: izinkes_domain::catalog::Answers = f.map().into_iter().collect();
    let then_download = f.get("unduh") == "1";
    match crate::skm::submit(&state, &user.id, &id, &answers, &f.get("comment")).await {
        Ok(()) => Ok(see_other(&if then_download {
            format!("/izin/{id}/unduh")
        } else {
            "/izin?info=skm".to_string()
        })),
        Err(ServiceError::Invalid(errors)) => Ok(page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &survey_view(&state, &user, &p, FormState::new(f.map(), errors), then_download).await,
        )),
        Err(e) => Err(e.into()),
    }
}

async fn verify_page(state: &AppState, v: &Visitor, token: &str, check: Option<bool>) -> Result<Response, WebError> {
    match permits::by_token(state, token).await {
        Ok(p) => {
            let office = crate::offices::get(state, &p.office_id).await?;
            let status = p.public_status(crate::calendar::today(&office)).to_string();
            let status_class = match status.as_str() {
                "Aktif" => "issued",
                "Kedaluwarsa" => "needs_revision",
                _ => "rejected",
            }
            .to_string();
            Ok(page(&VerifyPage {
                ctx: v.ctx(state, &format!("Verifikasi {}", p.number), ""),
                permit_name: permit_name(state, &p).await,
                status,
                status_class,
                issued: p.issued_on.as_deref().map(iso_date_id).unwrap_or_default(),
                until: p.valid_until.as_deref().map(iso_date_id).unwrap_or_default(),
                signer: format!(
                    "{}, {}",
                    p.signer_name.clone().unwrap_or_default(),
                    p.signer_position.clone().unwrap_or_default()
                ),
                office: office.name,
                check,
                permit: Some(p),
            }))
        }
        Err(ServiceError::NotFound) => Ok(page_with_status(
            StatusCode::NOT_FOUND,
            &VerifyPage {
                ctx: v.ctx(state, "Izin tidak ditemukan", ""),
                permit: None,
                permit_name: String::new(),
                status: String::new(),
                status_class: String::new(),
                issued: String::new(),
                until: String::new(),
                signer: String::new(),
                office: String::new(),
                check: None,
            },
        )),
        Err(e) => Err(e.into()),
    }
}

/// `/v/{token}` for people, `/v/{token}.json` for machines (hospitals, BPJS).
async fn verify(State(state): State<AppState>, v: Visitor, Path(token): Path<String>) -> PageResult {
    if let Some(t) = token.strip_suffix(".json") {
        return match permits::by_token(&state, t).await {
            Ok(p) => {
                let office = crate::offices::get(&state, &p.office_id).await?;
                let status = p.public_status(crate::calendar::today(&office));
                Ok((
                    [(header::CACHE_CONTROL, "no-store")],
                    axum::Json(serde_json::json!({
                        "number": p.number,
                        "permit_type": permit_name(&state, &p).await,
                        "permit_code": p.permit_code,
                        "holder_name": p.holder_name,
                        "nik_masked": p.nik_masked,
                        "practice_place": p.practice_place,
                        "practice_address": p.practice_address,
                        "issued_on": p.issued_on,
                        "valid_until": p.valid_until,
                        "signer": p.signer_name,
                        "signer_position": p.signer_position,
                        "office": office.name,
                        "document_sha256": p.pdf_sha256,
                        "status": status,
                        "status_code": p.public_status_code(crate::calendar::today(&office)),
                    })),
                )
                    .into_response())
            }
            Err(ServiceError::NotFound) => Ok(WebError::NotFound.into_api_response()),
            Err(e) => Err(e.into()),
        };
    }
    verify_page(&state, &v, &token, None).await
}

/// Checks an uploaded PDF against the stored hash of the issued document.
async fn verify_upload(
    State(state): State<AppState>,
    v: Visitor,
    Path(token): Path<String>,
    mp: Multipart,
) -> PageResult {
    let (file, _) = read_file_field(mp).await?;
    let p = permits::by_token(&state, &token).await?;
    let same = file
        .map(|(_, bytes)| crate::ids::sha256_hex(&bytes))
        .is_some_and(|h| Some(h) == p.pdf_sha256);
    verify_page(&state, &v, &token, Some(same)).await
}

pub(super) fn plain_pdf(name: &str, bytes: Vec<u8>) -> Response {
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

async fn receipt_pdf(State(state): State<AppState>, user: ApplicantUser, Path(id): Path<String>) -> PageResult {
    let bytes = permits::receipt_pdf(&state, &user.id, &id).await?;
    Ok(plain_pdf("bukti-pendaftaran.pdf", bytes))
}

async fn desk_pdf(
    State(state): State<AppState>,
    o: OfficerUser,
    Path((id, which)): Path<(String, String)>,
) -> PageResult {
    let officer = officer_of(&o)?;
    let which = which.trim_end_matches(".pdf").to_string();
    let bytes = permits::desk_pdf(&state, &officer, &id, &which).await?;
    Ok(plain_pdf(&format!("{which}.pdf"), bytes))
}
