//! Signing permits: the Kepala Dinas signs a batch after re-entering the authenticator code;
//! each permit is rendered, signed (local certificate or BSrE) and stored in one step.

use crate::accounts::profile::Applicant;
use crate::applications;
use crate::applications::history::NewHistory;
use crate::applications::history::append_history;
use crate::auth::officer::Officer;
use crate::catalog;
use crate::notifications;
use crate::notifications::service::Notice;
use crate::permits::archive::PermitRow;
use crate::permits::archive::by_id;
use crate::permits::changes::changed_permit_end;
use crate::permits::documents::OfficeDocs;
use crate::permits::documents::office_docs;
use crate::permits::documents::sk_data;
use crate::permits::expiry::valid_until;
use crate::permits::queries;
use crate::permits::queries::Signed;
use crate::permits::signer::local_signer;
use crate::platform::db::now_text;
use crate::platform::error::ServiceError;
use crate::platform::error::ServiceResult;
use crate::platform::mail::PermitIssued;
use crate::state::AppState;
use chrono::NaiveDate;
use chrono::Utc;
use izinkes_documents::sign::SignRequest;
use izinkes_documents::sign::SignedPdf;
use izinkes_domain::catalog::PermitType;
use izinkes_domain::format_id::date_id;
use izinkes_domain::roles::Role;

/// Checks the head of office's authenticator code again before signing.
async fn check_code(state: &AppState, officer: &Officer, code: &str) -> ServiceResult<()> {
    let secret = queries::confirmed_totp_secret(&state.db.pool, &officer.id)
        .await?
        .flatten();
    let Some(secret) = secret else {
        return Err(ServiceError::Refused(
            "Aktifkan autentikator (Keamanan akun) sebelum menandatangani.".into(),
        ));
    };
    if crate::auth::totp::verify_now(&secret, code).is_none() {
        return Err(ServiceError::field(
            "totp",
            "Kode autentikator salah atau kedaluwarsa. Masukkan kode 6 digit yang sedang tampil.",
        ));
    }
    Ok(())
}

#[derive(Debug)]
pub struct SignOutcome {
    pub permit_id: String,
    pub number: String,
    pub result: Result<(), String>,
}

/// The head of office signs one file or a batch, after re-entering the authenticator code.
/// Each permit is rendered, signed and stored on its own; one failure does not stop the rest.
/// BSrE credentials typed at signing; used for this batch only, never stored or logged.
pub struct BsreCredentials {
    pub nik: String,
    pub passphrase: String,
}

impl std::fmt::Debug for BsreCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BsreCredentials([disembunyikan])")
    }
}

pub async fn sign_batch(
    state: &AppState,
    officer: &Officer,
    permit_ids: &[String],
    code: &str,
    bsre: Option<&BsreCredentials>,
) -> ServiceResult<Vec<SignOutcome>> {
    if !officer.has(Role::Kadis) {
        return Err(ServiceError::Forbidden);
    }
    if permit_ids.is_empty() {
        return Err(ServiceError::field(
            "permits",
            "Pilih paling sedikit satu izin untuk ditandatangani.",
        ));
    }
    check_code(state, officer, code).await?;
    // Several permits at once; each is its own transaction, the outcomes keep the order asked.
    use futures_util::StreamExt;
    let at_once = batch_parallelism();
    let out = futures_util::stream::iter(permit_ids.iter().cloned())
        .map(|id: String| async move {
            let result = sign_with(state, officer, &id, bsre).await;
            let number = by_id(state, &id).await.map(|p| p.number).unwrap_or_default();
            let result = result.map_err(|e| match e {
                ServiceError::Internal(detail) => format!(
                    "kesalahan sistem; sebutkan nomor referensi {} kepada admin",
                    crate::web::error::log_internal(&detail)
                ),
                other => other.to_string(),
            });
            SignOutcome {
                permit_id: id,
                number,
                result,
            }
        })
        .buffered(at_once)
        .collect::<Vec<_>>()
        .await;
    Ok(out)
}

/// How many permits a batch signs at once: one more than the cores (at least two, at most
/// eight). Each signing alternates CPU work (rendering, RSA) with waits (the database, the
/// signed PDF synced to the blob store, a BSrE call over the network): with one per core the
/// cores stood idle a fifth of a batch; one more keeps them busy, more only lengthens each
/// signing (docs/benchmarks.md, "the real path").
pub fn batch_parallelism() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get().saturating_add(1))
        .clamp(2, 8)
}

/// Renders and signs one permit with the office's own certificate (demo loader, tests).
pub async fn sign_one(state: &AppState, officer: &Officer, permit_id: &str) -> ServiceResult<()> {
    sign_with(state, officer, permit_id, None).await
}

async fn sign_with(
    state: &AppState,
    officer: &Officer,
    permit_id: &str,
    bsre: Option<&BsreCredentials>,
) -> ServiceResult<()> {
    let p = signable_permit(state, officer, permit_id).await?;
    if let Some(unpaid) = crate::permits::retribution::unpaid_refusal(state, &p.application_id).await? {
        return Err(ServiceError::Refused(unpaid));
    }
    let office = catalog::offices::get(state, &p.office_id).await?;
    let docs = office_docs(state, &office).await?;
    let applicant_id = p.applicant_id.clone();
    let v = applications::view::load_view(state, &applicant_id, &p.application_id).await?;
    let permit_type = v.permit().ok_or(ServiceError::NotFound)?.clone();
    let applicant = crate::accounts::profile::load_applicant(state, &applicant_id).await?;
    let issued = catalog::offices::today(&office);
    let until = permit_end(state, &p, &applicant, &permit_type, issued).await?;
    let data = sk_data(state, &v, &p, &docs, issued, until).await?;
    let reason = format!("Penetapan {}", permit_type.name);
    let location = docs.place.clone();
    let signer_name = docs.signer_name.clone();
    let (pdf, placement) = crate::permits::templates::sk_with_signature(state, &office.id, data).await?;
    let req = SignRequest {
        signer_name: &signer_name,
        reason: &reason,
        location: &location,
        signing_time: Utc::now(),
        rect: Some(placement.rect),
        page: placement.page,
    };
    let signed = if docs.signer_kind == "bsre" {
        sign_with_bsre(&docs, &pdf, &req, bsre).await?
    } else {
        sign_locally(state, &office.id, &docs, pdf, &req).await?
    };
    let sha = crate::platform::uploads::store_blob(state, &signed.bytes, "application/pdf").await?;
    record_issue(
        state,
        &Issue {
            officer,
            office_id: &office.id,
            permit: &p,
            docs: &docs,
            applicant: &applicant,
            permit_name: &permit_type.name,
            issued,
            until,
            pdf_sha256: &sha,
            cancel_reason: &crate::permits::cancellation::reason_of(&v.app.answers),
        },
    )
    .await?;
    state.wake_outbox();
    Ok(())
}

/// The permit, if it is the officer's office's and still awaits its signature.
async fn signable_permit(state: &AppState, officer: &Officer, permit_id: &str) -> ServiceResult<PermitRow> {
    let p = by_id(state, permit_id).await?;
    if p.office_id != officer.office_id {
        return Err(ServiceError::NotFound);
    }
    if p.status != "awaiting_signature" {
        return Err(ServiceError::Refused(format!(
            "Izin {} sudah ditandatangani.",
            p.number
        )));
    }
    Ok(p)
}

/// The last day of validity of a permit signed on `issued`; none for a cancellation letter.
async fn permit_end(
    state: &AppState,
    p: &PermitRow,
    applicant: &Applicant,
    permit_type: &PermitType,
    issued: NaiveDate,
) -> ServiceResult<Option<NaiveDate>> {
    if permit_type.is_cancellation() {
        return Ok(None);
    }
    let str_expiry = (applicant.profile.str_kind == "berjangka")
        .then(|| NaiveDate::parse_from_str(&applicant.profile.str_expiry, "%Y-%m-%d").ok())
        .flatten();
    Ok(Some(match &p.change_of {
        // A change of data does not extend the permit: the new SK keeps the old end date.
        Some(old) => changed_permit_end(state, old).await?,
        None => valid_until(
            issued,
            permit_type.validity.years,
            str_expiry,
            permit_type.validity.ends_with_str,
        ),
    }))
}

/// Signs the rendered SK through BSrE with the credentials typed for this batch.
async fn sign_with_bsre(
    docs: &OfficeDocs,
    pdf: &[u8],
    req: &SignRequest<'_>,
    bsre: Option<&BsreCredentials>,
) -> ServiceResult<SignedPdf> {
    // BSrE signs the hash only: the PDF never leaves the server.
    let Some(creds) = bsre else {
        return Err(ServiceError::field(
            "nik",
            "Kantor ini menandatangani melalui BSrE: masukkan NIK dan passphrase penandatangan.",
        ));
    };
    let url = docs
        .bsre_url
        .clone()
        .ok_or_else(|| ServiceError::Refused("Alamat layanan BSrE kantor belum diatur.".into()))?;
    let signer = izinkes_documents::sign::BsreSigner::new(
        &url,
        izinkes_documents::sign::SecretString::new(creds.nik.trim()),
        izinkes_documents::sign::SecretString::new(creds.passphrase.as_str()),
    )
    .map_err(|e| ServiceError::Refused(e.to_string()))?;
    match izinkes_documents::sign::sign_pdf(pdf, req, &signer).await {
        Ok(s) => Ok(s),
        Err(
            e @ (izinkes_documents::sign::SignError::NotRegistered
            | izinkes_documents::sign::SignError::WrongPassphrase
            | izinkes_documents::sign::SignError::Unavailable(_)),
        ) => Err(ServiceError::Refused(e.to_string())),
        Err(e) => Err(ServiceError::Internal(format!("bsre: {e}"))),
    }
}

/// Signs the rendered SK with the office's own certificate.
async fn sign_locally(
    state: &AppState,
    office_id: &str,
    docs: &OfficeDocs,
    pdf: Vec<u8>,
    req: &SignRequest<'_>,
) -> ServiceResult<SignedPdf> {
    let (chain, key) = match (&docs.signer_cert_pem, &docs.signer_key_pem) {
        (Some(c), Some(k)) => (c.clone(), k.clone()),
        _ => {
            return Err(ServiceError::Refused(
                "Sertifikat penandatangan kantor belum dipasang.".into(),
            ));
        }
    };
    let signer = local_signer(state, office_id, &chain, &key)?;
    // RSA signing is CPU work: off the async workers.
    let (reason, location, signer_name, rect, page) = (
        req.reason.to_string(),
        req.location.to_string(),
        req.signer_name.to_string(),
        req.rect,
        req.page,
    );
    let signing_time = req.signing_time;
    tokio::task::spawn_blocking(move || {
        let req = SignRequest {
            signer_name: &signer_name,
            reason: &reason,
            location: &location,
            signing_time,
            rect,
            page,
        };
        signer.sign_pdf(&pdf, &req)
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("join: {e}")))?
    .map_err(|e| ServiceError::Internal(format!("sign: {e}")))
}

/// What storing a signed permit needs to know.
struct Issue<'a> {
    officer: &'a Officer,
    office_id: &'a str,
    permit: &'a PermitRow,
    docs: &'a OfficeDocs,
    applicant: &'a Applicant,
    permit_name: &'a str,
    issued: NaiveDate,
    until: Option<NaiveDate>,
    pdf_sha256: &'a str,
    /// The holder's reason, when the permit is a cancellation letter.
    cancel_reason: &'a str,
}

/// Stores a signed permit in one transaction: the permit active, its application issued (and a
/// renewed or changed permit replaced), the history entry and the holder's mail — all or none.
async fn record_issue(state: &AppState, i: &Issue<'_>) -> ServiceResult<()> {
    let (officer, p) = (i.officer, i.permit);
    let now = now_text();
    let mut tx = state.db.begin().await?;
    let until = i.until.map(|u| u.format("%Y-%m-%d").to_string());
    let signed = Signed {
        issued_on: &i.issued.format("%Y-%m-%d").to_string(),
        valid_until: until.as_deref(),
        signer_name: &i.docs.signer_name,
        signer_position: &i.docs.signer_position,
        pdf_sha256: i.pdf_sha256,
        now: &now,
    };
    let updated = queries::mark_signed(&mut *tx, &signed, &p.id).await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(ServiceError::Conflict(format!(
            "Izin {} baru saja ditandatangani.",
            p.number
        )));
    }
    queries::mark_application_issued(&mut *tx, &now, &p.application_id).await?;
    // A renewal or a change of data replaces the permit it renews or changes.
    if let Some(old) = p.renewal_of.as_ref().or(p.change_of.as_ref()) {
        queries::mark_replaced(&mut *tx, &p.id, old).await?;
    }
    if let Some(target) = &p.cancels_permit {
        let revoked =
            crate::permits::cancellation::revoke_in_tx(&mut tx, state, p, target, i.cancel_reason, &now).await?;
        record_cancelled(state, &mut tx, i, &revoked).await?;
        tx.commit().await?;
        return Ok(());
    }
    append_history(
        &mut tx,
        &NewHistory {
            office_id: i.office_id,
            application_id: &p.application_id,
            actor_kind: "officer",
            actor_id: Some(&officer.id),
            actor_name: &officer.name,
            actor_role: Some("Kepala Dinas"),
            action: "tandatangani",
            from_status: Some("ready_to_sign"),
            to_status: "issued",
            step: None,
            public_note: Some(&format!(
                "Izin {} diterbitkan dan ditandatangani secara elektronik. Unduh di menu Izin Saya.",
                p.number
            )),
            internal_note: None,
        },
    )
    .await?;
    let base_url = state.config.base_url.trim_end_matches('/');
    let issued = PermitIssued {
        holder_name: &i.applicant.full_name,
        permit_name: i.permit_name,
        number: &p.number,
        valid_until: &i.until.map(date_id).unwrap_or_default(),
        base_url,
        token: &p.token,
    };
    let text = format!("Izin {} telah terbit. Unduh di menu Izin Saya.", p.number);
    let notice = Notice::new("issued", &issued, text, format!("{base_url}/izin"))?.about(&p.application_id);
    notifications::service::to_applicant(&mut tx, i.office_id, &i.applicant.id, &notice).await?;
    tx.commit().await?;
    Ok(())
}

/// The history entries and the holder's notice of a signed cancellation: the letter's file
/// reads issued, the cancelled permit's file reads revoked by that letter.
async fn record_cancelled(
    state: &AppState,
    tx: &mut crate::platform::db::Tx,
    i: &Issue<'_>,
    revoked: &PermitRow,
) -> ServiceResult<()> {
    let (officer, letter) = (i.officer, i.permit);
    for (application_id, note) in [
        (
            letter.application_id.as_str(),
            format!(
                "Surat Keputusan Pencabutan {} diterbitkan dan ditandatangani secara elektronik: izin {} dicabut.",
                letter.number, revoked.number
            ),
        ),
        (
            revoked.application_id.as_str(),
            format!(
                "Izin {} dicabut atas permohonan pemegang izin dengan keputusan {}.",
                revoked.number, letter.number
            ),
        ),
    ] {
        let (action, from) = if application_id == letter.application_id {
            ("tandatangani", "ready_to_sign")
        } else {
            ("cabut", "issued")
        };
        append_history(
            tx,
            &NewHistory {
                office_id: i.office_id,
                application_id,
                actor_kind: "officer",
                actor_id: Some(&officer.id),
                actor_name: &officer.name,
                actor_role: Some("Kepala Dinas"),
                action,
                from_status: Some(from),
                to_status: "issued",
                step: None,
                public_note: Some(&note),
                internal_note: None,
            },
        )
        .await?;
    }
    let office = catalog::offices::get(state, i.office_id).await?;
    let base_url = state.config.base_url.trim_end_matches('/');
    let permit_name = crate::permits::archive::permit_name(state, revoked).await;
    let reason = revoked.revoke_reason.clone().unwrap_or_default();
    let mail = crate::platform::mail::PermitRevoked {
        holder_name: &revoked.holder_name,
        permit_name: &permit_name,
        number: &revoked.number,
        office_name: &office.name,
        revoked_on: &date_id(i.issued),
        decree: &letter.number,
        reason: &reason,
        base_url,
        token: &revoked.token,
    };
    let text = format!(
        "Izin {} telah dicabut sesuai permohonan Anda (keputusan {}). Unduh surat pencabutan di menu Izin Saya.",
        revoked.number, letter.number
    );
    let notice = Notice::new("revoked", &mail, text, format!("{base_url}/izin"))?.about(&letter.application_id);
    notifications::service::to_applicant(tx, i.office_id, &i.applicant.id, &notice).await
}
